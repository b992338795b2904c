"""`derivcheck verify [PATH ...]`: check every claim of the specs and print the report in one format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derive.spec.errors import SpecError
from derive.spec.model import ExerciseSpec
from verify.commands.specs import load_exercises
from verify.exit_codes import UsageError
from verify.report import FORMATS, render
from verify.result import Report
from verify.run.runner import RunOptions, run_suite


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `verify` subcommand to `subparsers`."""
    v = subparsers.add_parser("verify", help="check every claim of the specs")
    v.add_argument("paths", nargs="*", default=["exercises"], help="spec files or folders (default: exercises)")
    v.add_argument("--format", default="text", help="text, json, github, sarif, junit, concise")
    v.add_argument("--seed", type=int, default=0)
    v.add_argument("--timeout", type=float, default=10.0, help="seconds per claim (default 10)")
    v.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    v.add_argument("--notes-dir", default=None, help="folder holding the notes files named by the specs")
    v.add_argument("--select", action="append", default=[], help="only exercises whose id starts with this")
    v.add_argument("--cache-dir", default=".derivcheck_cache", help="result cache (default .derivcheck_cache)")
    v.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    v.add_argument("--allow-code", action="store_true", help="run `code:` snippets in a limited child process")
    v.add_argument("--plots", action="store_true",
                   help="store the curves of each wrong claim in the results (for `report --html --from`)")
    return v


def run(args: argparse.Namespace) -> int:
    """Exit 0 when nothing is wrong, 1 for a wrong or ill-posed claim (UsageError for bad input)."""
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r} (choose from {', '.join(FORMATS)})")
    if args.jobs < 1 or args.timeout <= 0:
        raise UsageError("-j needs at least 1 and --timeout a positive number of seconds")
    exercises = load_exercises(args.paths, args.select)
    opts = RunOptions(seed=args.seed, timeout=args.timeout, jobs=args.jobs,
                      cache_dir=None if args.no_cache else Path(args.cache_dir),
                      allow_code=args.allow_code, plots=args.plots)
    try:
        report = run_with_progress(exercises, opts)
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    notes_dir = Path(args.notes_dir) if args.notes_dir else None
    render(report, args.format, stream=sys.stdout, notes_dir=notes_dir)
    return report.exit_code


def run_with_progress(exercises: list[ExerciseSpec], opts: RunOptions) -> Report:
    """`run_suite`, with a progress bar on a terminal (never in pipes, files or CI logs)."""
    if not sys.stderr.isatty():
        return run_suite(exercises, opts)
    from rich.progress import Progress  # only on a terminal

    with Progress(transient=True, console=None) as bar:
        task = bar.add_task("checking", total=len(exercises))

        def advance(ex: ExerciseSpec) -> None:
            bar.update(task, advance=1, description=ex.id)

        return run_suite(exercises, opts, progress=advance)

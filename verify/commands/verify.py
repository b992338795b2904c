"""`derivcheck verify [PATH ...]`: check every claim of the specs and print the report in one format."""

from __future__ import annotations

import argparse
import sys

from verify.commands.specs import add_run_options, load_exercises, notes_folder, run_checks, run_options
from verify.exit_codes import (
    DEFAULT_FAIL_ON,
    VERDICTS,
    UsageError,
    did_you_mean,
    parse_fail_on,
    verdicts_exit,
)
from verify.report import FORMATS, render


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `verify` subcommand to `subparsers`."""
    v = subparsers.add_parser("verify", help="check every claim of the specs")
    v.add_argument("paths", nargs="*", default=["exercises"], help="spec files or folders (default: exercises)")
    v.add_argument("--format", default="text", help=f"output format: {', '.join(FORMATS)} (default text)")
    add_run_options(v)
    v.add_argument("--notes-dir", default=None,
                   help="folder of the notes files the specs name (only to print their paths; must exist)")
    v.add_argument("--select", action="append", default=[], help="only exercises whose id starts with this")
    v.add_argument("--allow-code", action="store_true", help="run `code:` snippets in a limited child process")
    v.add_argument("--plots", action="store_true",
                   help="store the curves of each wrong claim in the results (for `report --html --from`)")
    v.add_argument("--fail-on", default=",".join(DEFAULT_FAIL_ON), metavar="VERDICTS",
                   help=f"verdicts that make the exit status 1: a comma-separated list of {', '.join(VERDICTS)}; "
                        f"or all, none (default {','.join(DEFAULT_FAIL_ON)})")
    return v


def run(args: argparse.Namespace) -> int:
    """Exit 1 when a claim's verdict is in --fail-on, else 0 (UsageError, exit 2, for bad input)."""
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}{did_you_mean(args.format, FORMATS)} "
                         f"(choose from {', '.join(FORMATS)})")
    fail_on = parse_fail_on(args.fail_on)
    opts = run_options(args, allow_code=args.allow_code, plots=args.plots)
    notes_dir = notes_folder(args.notes_dir)
    exercises = load_exercises(args.paths, args.select)
    report = run_checks(exercises, opts, quiet=args.quiet)
    render(report, args.format, stream=sys.stdout, notes_dir=notes_dir)
    return verdicts_exit((r.verdict.value for r in report.results), fail_on)

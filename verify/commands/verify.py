"""`derivcheck verify [PATH ...]`: check every claim of the specs and print the report in one format.

This module is the light half: the options, and `quick`, which answers an unchanged run from the run memo
(verify/run/memo.py) without importing the checker. cli.py runs the full half (verify/commands/verify_run.py,
`FULL`) only when `quick` cannot answer.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from verify.commands.options import add_run_options, notes_folder
from verify.exit_codes import (
    DEFAULT_FAIL_ON,
    VERDICTS,
    UsageError,
    did_you_mean,
    parse_fail_on,
    verdicts_exit,
)
from verify.report import FORMATS, render
from verify.run.memo import recall, run_key
from verify.version import VERSION

FULL = "verify.commands.verify_run"


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


def check_format(args: argparse.Namespace) -> frozenset[str]:
    """The verdicts of --fail-on, after checking --format (UsageError for either)."""
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}{did_you_mean(args.format, FORMATS)} "
                         f"(choose from {', '.join(FORMATS)})")
    return parse_fail_on(args.fail_on)


def memo_key(args: argparse.Namespace) -> str | None:
    """The run memo's key for these arguments; None when the run may not be remembered (--no-cache,
    --allow-code: code is run afresh) or its specs cannot be read."""
    if args.no_cache or args.allow_code:
        return None
    return run_key([Path(p) for p in args.paths], select=args.select, seed=args.seed, timeout=args.timeout,
                   memory_mb=args.memory, plots=args.plots, version=VERSION)


def quick(args: argparse.Namespace) -> int | None:
    """The exit status of a run answered from the run memo, after printing its report; None when there is no
    memo of this run (cli.py then runs `FULL`)."""
    fail_on = check_format(args)
    notes_dir = notes_folder(args.notes_dir)
    key = memo_key(args)
    report = recall(Path(args.cache_dir), key) if key else None
    if report is None:
        return None
    render(report, args.format, stream=sys.stdout, notes_dir=notes_dir)
    return verdicts_exit((r.verdict.value for r in report.results), fail_on)

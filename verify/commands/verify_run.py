"""`derivcheck verify`, the full run: load the specs, check every claim (the result cache and worker pool of
verify/run/runner.py), remember the report (verify/run/memo.py) and print it. Options: verify/commands/verify.py."""

from __future__ import annotations

import argparse
import sys

from verify.commands.options import notes_folder
from verify.commands.specs import load_exercises, run_checks, run_options
from verify.commands.verify import check_format, memo_key
from verify.exit_codes import verdicts_exit
from verify.report import render


def run(args: argparse.Namespace) -> int:
    """Exit 1 when a claim's verdict is in --fail-on, else 0 (UsageError, exit 2, for bad input)."""
    fail_on = check_format(args)
    opts = run_options(args, allow_code=args.allow_code, plots=args.plots, memo_key=memo_key(args))
    notes_dir = notes_folder(args.notes_dir)
    exercises = load_exercises(args.paths, args.select)
    report = run_checks(exercises, opts, quiet=args.quiet)
    render(report, args.format, stream=sys.stdout, notes_dir=notes_dir)
    return verdicts_exit((r.verdict.value for r in report.results), fail_on)

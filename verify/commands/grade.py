"""`derivcheck grade SPECS SUBMISSIONS [--out DIR]`: grade a class's answers against the specs' derivations.

The formats of SUBMISSIONS are described in verify/grade/submissions.py and the README ("Grading a class").
Exit 0 when every answer was graded (wrong answers are the students', not a failure of the run), 2 when an
entry of the submissions was malformed or names no claim of the specs (each reported as `file:line: message`,
the others still graded), 1 when tasks failed on the cluster (re-run with the same --out to grade them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derive.spec.errors import SpecError
from verify.commands.options import add_run_options
from verify.commands.specs import load_exercises, run_options, spec_error
from verify.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from verify.grade.executors import add_executor_options, open_executor
from verify.grade.feedback import FEEDBACK, write_feedback
from verify.grade.grader import DEFAULT_BATCH, grade
from verify.grade.output import RESULTS
from verify.grade.submissions import submission_form
from verify.grade.summary import HISTOGRAM, REPORT, SUMMARY
from verify.report.html.builder import HtmlReportError
from verify.version import VERSION


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `grade` subcommand to `subparsers`."""
    p = subparsers.add_parser("grade", help="grade students' answers against the specs (locally or on Dask)")
    p.add_argument("specs", help="spec file or folder (the exercises the answers refer to)")
    p.add_argument("submissions", help="answers: a .jsonl or .csv file, or a folder of one notes file per student")
    p.add_argument("--out", default="grades", metavar="DIR",
                   help=f"folder for {RESULTS}, {SUMMARY}, {HISTOGRAM}, {REPORT} (default grades); "
                        "a re-run with the same folder skips answers already graded")
    p.add_argument("--select", action="append", default=[], help="only exercises whose id starts with this")
    p.add_argument("--feedback", action="store_true",
                   help=f"also write an HTML report per student in DIR/{FEEDBACK}/ (holds the results in memory)")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, metavar="N",
                   help=f"answers per task (default {DEFAULT_BATCH})")
    add_executor_options(p)
    add_run_options(p, cache=False)
    return p


def run(args: argparse.Namespace) -> int:
    opts = run_options(args)
    if args.batch < 1:
        raise UsageError(f"--batch needs at least 1 answer, not {args.batch}")
    submissions = Path(args.submissions)
    form = submission_form(submissions)   # a wrong path is reported before anything is derived
    exercises = load_exercises([args.specs], args.select)
    out = Path(args.out)
    try:
        with open_executor(jobs=opts.jobs, workers=args.workers, scheduler=args.scheduler) as executor:
            outcome = grade(exercises, submissions, out, opts, executor, batch_size=args.batch,
                            quiet=args.quiet)
    except SpecError as exc:
        raise spec_error(exc) from None
    for line in outcome.histogram:
        print(line)
    if args.feedback and (out / RESULTS).exists():
        try:
            write_feedback(out, out / RESULTS, notes_folder=submissions if form == "folder" else None,
                           version=VERSION)
        except HtmlReportError as exc:
            raise UsageError(str(exc)) from None
    if not args.quiet:
        print(f"graded {outcome.graded} answers ({outcome.skipped} already in {out / RESULTS}), "
              f"{outcome.bad} bad entries; scores in {out / SUMMARY}, report {out / REPORT}", file=sys.stderr)
    if outcome.failed:
        print(f"derivcheck: {outcome.not_graded} answers not graded ({outcome.failed[0]}); run again with "
              f"--out {out} to grade them", file=sys.stderr)
    if outcome.bad:
        return EXIT_USAGE
    return EXIT_FINDINGS if outcome.failed else EXIT_OK

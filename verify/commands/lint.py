"""`derivcheck lint NOTES.md`: argument parsing and output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from verify.exit_codes import EXIT_FINDINGS, EXIT_OK, UsageError, did_you_mean
from verify.lint.core import lint_file
from verify.lint.suggest import dump, validated
from verify.report import FORMATS, render
from verify.result import Report

SUFFIXES = (".md", ".markdown", ".tex")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `lint` subcommand to a `derivcheck` argument parser."""
    p = subparsers.add_parser("lint", help="check the equality steps of notes without a spec")
    p.add_argument("paths", nargs="+", help="notes files (.md, .markdown, .tex)")
    p.add_argument("--format", default="text", help=f"output format: {', '.join(FORMATS)} (default text)")
    p.add_argument("--explain", action="store_true",
                   help="print, for each '=' step, what it was compared with (or why it was skipped)")
    p.add_argument("--suggest-spec", metavar="OUT.yaml", default=None,
                   help="write a starter spec (format v1) from the checked steps and definitions")
    p.add_argument("--seed", type=int, default=0, help="seed of the random points (same seed, same results)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary lines on stderr")
    return p


def run(args: argparse.Namespace) -> int:
    """Run lint for parsed `args`; returns the exit code (0 clean, 1 a finding; UsageError for bad input)."""
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}{did_you_mean(args.format, FORMATS)} "
                         f"(choose from {', '.join(FORMATS)})")
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.is_file():
            raise UsageError("no such file", where=str(p))
        if p.suffix.lower() not in SUFFIXES:
            raise UsageError(f"not a notes file (lint reads {', '.join(SUFFIXES)})", where=str(p))
    outcomes = []
    for p in paths:
        try:
            outcomes.append(lint_file(p, seed=args.seed, explain=args.explain))
        except UnicodeDecodeError as exc:
            raise UsageError(f"not UTF-8 text (invalid byte at offset {exc.start})", where=str(p)) from None
        except OSError as exc:
            raise UsageError(f"cannot read: {exc.strerror or exc}", where=str(p)) from None
    report = Report(results=[r for o in outcomes for r in o.report.results], seed=args.seed)
    if args.explain:
        # Explanations go with human-readable output, away from machine-readable formats.
        stream = sys.stdout if args.format == "text" else sys.stderr
        for o in outcomes:
            for line in o.explanations:
                print(line, file=stream)
    render(report, args.format, stream=sys.stdout)
    for p, o in zip(paths, outcomes, strict=True):
        if args.quiet:
            break
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(o.skipped.items(), key=lambda kv: (-kv[1], kv[0])) if v)
        print(f"{p}: {o.spans} math spans, {o.steps} '=' steps, {o.checked} checked, {len(o.findings)} findings; "
              f"skipped: {skipped or 'none'}", file=sys.stderr)
    if args.suggest_spec:
        specs = [validated(o.spec) for o in outcomes]
        data = specs[0] if len(specs) == 1 else {"version": 1, "exercises": [
            {**ex, "notes": s["notes"]} for s in specs for ex in s["exercises"]]}
        try:
            Path(args.suggest_spec).write_text(dump(data), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write: {exc.strerror or exc}", where=args.suggest_spec) from None
    return EXIT_FINDINGS if report.exit_code else EXIT_OK

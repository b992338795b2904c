"""`derivcheck lint NOTES.md`: argument parsing and output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from verify.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from verify.lint.core import lint_file
from verify.lint.suggest import dump, validated
from verify.report import FORMATS, render
from verify.result import Report

SUFFIXES = (".md", ".markdown", ".tex")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `lint` subcommand to a `derivcheck` argument parser."""
    p = subparsers.add_parser("lint", help="check the equality steps of notes without a spec")
    p.add_argument("paths", nargs="+", help="notes files (.md, .markdown, .tex)")
    p.add_argument("--format", default="text", help=", ".join(FORMATS))
    p.add_argument("--explain", action="store_true",
                   help="print, for each '=' step, what it was compared with (or why it was skipped)")
    p.add_argument("--suggest-spec", metavar="OUT.yaml", default=None,
                   help="write a starter spec (format v1) from the checked steps and definitions")
    p.add_argument("--seed", type=int, default=0)
    return p


def run(args: argparse.Namespace) -> int:
    """Run lint for parsed `args`; returns the exit code (0 clean, 1 a finding, 2 usage error)."""
    if args.format not in FORMATS:
        return _usage(f"unknown format {args.format!r} (choose from {', '.join(FORMATS)})")
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.is_file():
            return _usage(f"{p}: no such file")
        if p.suffix.lower() not in SUFFIXES:
            return _usage(f"{p}: not a notes file (lint reads {', '.join(SUFFIXES)})")
    outcomes = []
    for p in paths:
        try:
            outcomes.append(lint_file(p, seed=args.seed, explain=args.explain))
        except (OSError, UnicodeDecodeError) as exc:
            return _usage(f"{p}: cannot read: {getattr(exc, 'strerror', None) or exc}")
    report = Report(results=[r for o in outcomes for r in o.report.results], seed=args.seed)
    if args.explain:
        # Explanations go with human-readable output, away from machine-readable formats.
        stream = sys.stdout if args.format == "text" else sys.stderr
        for o in outcomes:
            for line in o.explanations:
                print(line, file=stream)
    render(report, args.format, stream=sys.stdout)
    for p, o in zip(paths, outcomes, strict=True):
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
            return _usage(f"--suggest-spec {args.suggest_spec}: {exc.strerror or exc}")
    return EXIT_FINDINGS if report.exit_code else EXIT_OK


def _usage(message: str) -> int:
    print(f"derivcheck lint: {message}", file=sys.stderr)
    return EXIT_USAGE

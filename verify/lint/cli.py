"""`derivcheck lint NOTES.md`: argument parsing and output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `lint` subcommand to a `derivcheck` argument parser."""
    from verify.report import FORMATS

    p = subparsers.add_parser("lint", help="check the equality steps of notes without a spec")
    p.add_argument("paths", nargs="+", help="notes files (.md, .markdown, .tex)")
    p.add_argument("--format", default="text", help=", ".join(FORMATS))
    p.add_argument("--explain", action="store_true", help="print what each checked step was compared with")
    p.add_argument("--suggest-spec", metavar="OUT.yaml", default=None,
                   help="write a starter spec (format v1) from the checked steps and definitions")
    p.add_argument("--seed", type=int, default=0)
    return p


def run(args: argparse.Namespace) -> int:
    """Run lint for parsed `args`; returns the exit code (0 clean, 1 a finding, 2 usage error)."""
    from verify.lint.core import lint_file
    from verify.report import FORMATS, render
    from verify.result import Report

    if args.format not in FORMATS:
        print(f"derivcheck: unknown format {args.format!r} (choose from {', '.join(FORMATS)})", file=sys.stderr)
        return EXIT_USAGE
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.is_file() or p.suffix.lower() not in (".md", ".markdown", ".tex"):
            print(f"derivcheck: {p}: not a .md, .markdown or .tex file", file=sys.stderr)
            return EXIT_USAGE
    outcomes = [lint_file(p, seed=args.seed, explain=args.explain) for p in paths]
    report = Report(results=[r for o in outcomes for r in o.report.results], seed=args.seed)
    explain_stream = sys.stdout if args.format == "text" else sys.stderr
    if args.explain:
        for o in outcomes:
            for line in o.explanations:
                print(line, file=explain_stream)
    render(report, args.format, stream=sys.stdout)
    for p, o in zip(paths, outcomes, strict=True):
        skipped = ", ".join(f"{k} {v}" for k, v in o.skipped.most_common())
        print(f"{p}: {o.spans} spans, {o.statements} chains, {o.checked} steps checked, "
              f"{len(o.findings)} findings; skipped: {skipped or 'none'}", file=sys.stderr)
    if args.suggest_spec:
        specs = [o.spec for o in outcomes]
        data = specs[0] if len(specs) == 1 else {"version": 1, "exercises": [
            {**ex, "notes": s["notes"]} for s in specs for ex in s["exercises"]]}
        try:
            Path(args.suggest_spec).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                               encoding="utf-8")
        except OSError as exc:
            print(f"derivcheck: --suggest-spec: {exc}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_FINDINGS if report.exit_code else EXIT_OK

"""`derivcheck lint NOTES.md ... | DIR`: argument parsing and output.

A folder stands for its notes files (recursively). With `--workers N` or `--scheduler ADDRESS` the files are
linted as tasks of a Dask cluster (verify/grade/executors.py, the executor of `derivcheck grade`): the parent
reads each file and sends its text, so the workers need no shared file system; the report is the same.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verify.exit_codes import EXIT_FINDINGS, EXIT_OK, UsageError, did_you_mean
from verify.grade.executors import TaskFailed, add_executor_options, forked, open_executor
from verify.lint.core import LintOutcome, lint_text
from verify.lint.suggest import dump, validated
from verify.report import FORMATS, render
from verify.result import Report
from verify.run.workers import Limits

SUFFIXES = (".md", ".markdown", ".tex")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `lint` subcommand to a `derivcheck` argument parser."""
    p = subparsers.add_parser("lint", help="check the equality steps of notes without a spec")
    p.add_argument("paths", nargs="+", help="notes files (.md, .markdown, .tex) or folders of them")
    p.add_argument("--format", default="text", help=f"output format: {', '.join(FORMATS)} (default text)")
    p.add_argument("--explain", action="store_true",
                   help="print, for each '=' step, what it was compared with (or why it was skipped)")
    p.add_argument("--suggest-spec", metavar="OUT.yaml", default=None,
                   help="write a starter spec (format v1) from the checked steps and definitions")
    p.add_argument("--seed", type=int, default=0, help="seed of the random points (same seed, same results)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary lines on stderr")
    add_executor_options(p)
    return p


@dataclass(frozen=True)
class LintSettings:
    """What every lint task shares (sent to each Dask worker once)."""

    seed: int
    explain: bool


# A file's lint has no budget of its own (its steps have): the limits of the forked process are backstops.
LINT_LIMITS = Limits(seconds=3600.0, memory_mb=None)


def lint_task(settings: LintSettings, payload: tuple[int, str, str, str], workers: int) -> LintOutcome:
    """One executor task: one file's text linted, in a forked process where the steps' budgets hold as locally
    (a Dask task runs in a thread, where signals cannot interrupt it)."""
    _, text, kind, file = payload
    return forked(lambda: lint_text(text, kind=kind, file=file, seed=settings.seed, explain=settings.explain),
                  LINT_LIMITS)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and f.is_file())
            if not found:
                raise UsageError(f"no notes files ({', '.join(SUFFIXES)}) in this folder", where=str(p))
            files.extend(found)
        else:
            files.append(p)
    return files


def _kind(p: Path) -> str:
    return "tex" if p.suffix.lower() == ".tex" else "markdown"


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"not UTF-8 text (invalid byte at offset {exc.start})", where=str(p)) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", where=str(p)) from None


def _lint_on_executor(args: argparse.Namespace, paths: list[Path]) -> list[LintOutcome]:
    def payloads() -> Iterator[tuple[int, str, str, str]]:
        for n, p in enumerate(paths):
            yield n, _read(p), _kind(p), str(p)

    found: dict[int, LintOutcome] = {}
    with open_executor(workers=args.workers, scheduler=args.scheduler) as executor:
        shared = executor.share(LintSettings(args.seed, args.explain))
        for payload, outcome in executor.run(lint_task, shared, payloads()):
            if isinstance(outcome, TaskFailed):
                raise UsageError(f"linting failed on the cluster ({outcome.reason})", where=payload[3])
            found[payload[0]] = outcome
    return [found[n] for n in range(len(paths))]


def run(args: argparse.Namespace) -> int:
    """Run lint for parsed `args`; returns the exit code (0 clean, 1 a finding; UsageError for bad input)."""
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}{did_you_mean(args.format, FORMATS)} "
                         f"(choose from {', '.join(FORMATS)})")
    paths = _expand([Path(p) for p in args.paths])
    for p in paths:
        if not p.is_file():
            raise UsageError("no such file", where=str(p))
        if p.suffix.lower() not in SUFFIXES:
            raise UsageError(f"not a notes file (lint reads {', '.join(SUFFIXES)})", where=str(p))
    if args.workers is not None or args.scheduler is not None:
        outcomes = _lint_on_executor(args, paths)
    else:
        outcomes = [lint_text(_read(p), kind=_kind(p), file=str(p), seed=args.seed, explain=args.explain)
                    for p in paths]
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

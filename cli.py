"""derivcheck command line: verify, equiv, show.

Exit codes: 0 all correct / equivalent, 1 a wrong or ill-posed claim / not equivalent,
2 usage or spec error (one line: file:line: message).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep it one line
        raise UsageError(message)


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="derivcheck", description="Check the mathematics of solution notes.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="check every claim of the specs")
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

    e = sub.add_parser("equiv", help="are two LaTeX expressions equal?")
    e.add_argument("a", nargs="?")
    e.add_argument("b", nargs="?")
    e.add_argument("--symbols", default=None, help="YAML mapping, e.g. 'x: {indexed: i}, y: positive'")
    e.add_argument("--format", default="text", choices=["text", "json"])
    e.add_argument("--batch", default=None, help="JSONL file of {id, a, b, symbols?} pairs ('-' = stdin)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--timeout", type=float, default=10.0)
    e.add_argument("-j", "--jobs", type=int, default=1)

    c = sub.add_parser("check-sources", help="every claim's quote is at its stated line of the notes")
    c.add_argument("paths", nargs="*", default=["exercises"])
    c.add_argument("--notes-dir", required=True)

    fx = sub.add_parser("fix", help="corrected copies of the notes (wrong claims replaced)")
    fx.add_argument("paths", nargs="*", default=["exercises"])
    fx.add_argument("--notes-dir", required=True)
    fx.add_argument("--out", default=None, help="folder for the corrected copies")
    fx.add_argument("--dry-run", action="store_true", help="print a unified diff instead of writing")
    fx.add_argument("--seed", type=int, default=0)

    from verify.commands.lint import register as register_lint
    from verify.commands.report import register as register_report

    register_report(sub)
    register_lint(sub)

    s = sub.add_parser("show", help="the derivation of one exercise")
    s.add_argument("id")
    s.add_argument("paths", nargs="*", default=["exercises"])
    s.add_argument("--seed", type=int, default=0)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)
        handler = _HANDLERS.get(args.command)
        if handler is not None:
            return handler(args)
    except UsageError as exc:
        print(f"derivcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return EXIT_USAGE


def _equiv(args: argparse.Namespace) -> int:
    from verify.commands.equiv import run_equiv

    return run_equiv(args)


def _report(args: argparse.Namespace) -> int:
    from verify.commands.report import run

    return run(args)


def _lint(args: argparse.Namespace) -> int:
    from verify.commands.lint import run

    return run(args)


def _load(paths: list[str], select: list[str]) -> list[Any]:
    from derive.spec.errors import SpecError
    from verify.claims.registry import load_suite

    try:
        exercises = load_suite([Path(p) for p in paths])
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    if select:
        exercises = [ex for ex in exercises if any(ex.id == s or ex.id.startswith(s) for s in select)]
        if not exercises:
            raise UsageError(f"no exercise matches --select {' '.join(select)}")
    return exercises


def _verify(args: argparse.Namespace) -> int:
    from derive.spec.errors import SpecError
    from verify.report import FORMATS, render
    from verify.run.runner import RunOptions, run_suite

    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r} (choose from {', '.join(FORMATS)})")
    if args.jobs < 1 or args.timeout <= 0:
        raise UsageError("-j needs at least 1 and --timeout a positive number of seconds")
    exercises = _load(args.paths, args.select)
    opts = RunOptions(seed=args.seed, timeout=args.timeout, jobs=args.jobs,
                      cache_dir=None if args.no_cache else Path(args.cache_dir),
                      allow_code=getattr(args, "allow_code", False))
    try:
        report = _run_with_progress(exercises, opts, run_suite)
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    notes_dir = Path(args.notes_dir) if args.notes_dir else None
    render(report, args.format, stream=sys.stdout, notes_dir=notes_dir)
    return report.exit_code


def _run_with_progress(exercises, opts, run_suite):
    if not sys.stderr.isatty():
        return run_suite(exercises, opts)
    from rich.progress import Progress

    with Progress(transient=True, console=None) as bar:
        task = bar.add_task("checking", total=len(exercises))
        return run_suite(exercises, opts, progress=lambda ex: bar.update(task, advance=1,
                                                                        description=ex.id))


def _check_sources(args: argparse.Namespace) -> int:
    from verify.notes.sources import check_sources

    notes_dir = Path(args.notes_dir)
    if not notes_dir.is_dir():
        raise UsageError(f"--notes-dir {notes_dir}: no such folder")
    checked, problems = check_sources(_load(args.paths, []), notes_dir)
    for p in problems:
        print(p)
    print(f"{checked} quotes checked, {len(problems)} not at their stated line", file=sys.stderr)
    return EXIT_FINDINGS if problems else EXIT_OK


def _fix(args: argparse.Namespace) -> int:
    from derive.spec.errors import SpecError
    from verify.run.runner import RunOptions, run_suite
    from verify.write.fix import fix_notes, plan_corrections

    if not args.dry_run and not args.out:
        raise UsageError("fix needs --out DIR (or --dry-run)")
    notes_dir = Path(args.notes_dir)
    if not notes_dir.is_dir():
        raise UsageError(f"--notes-dir {notes_dir}: no such folder")
    exercises = _load(args.paths, [])
    try:
        report = run_suite(exercises, RunOptions(seed=args.seed))
        corrections = plan_corrections(exercises, report.results, seed=args.seed)
        lines, applied = fix_notes(corrections, notes_dir, Path(args.out) if args.out else None,
                                   dry_run=args.dry_run)
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    for line in lines:
        print(line)
    print(f"{len(applied)} claims corrected (each re-checked correct)", file=sys.stderr)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from derive.lower.definitions import build_declarations
    from derive.spec.errors import SpecError
    from verify.claims.context import derive_expected
    from verify.run.check import check_exercise
    from verify.write.latex import to_latex

    exercises = [ex for ex in _load(args.paths, []) if ex.id == args.id]
    if not exercises:
        raise UsageError(f"no exercise with id {args.id}")
    ex = exercises[0]
    try:
        decls = build_declarations(ex)
        print(f"{ex.id}: {ex.title or ''}  ({ex.spec_file}:{ex.spec_line})")
        for name, value in decls.given.items():
            print(f"  given {name} = {to_latex(value)}")
        for name, (params, body) in decls.given_functions.items():
            print(f"  given {name}[{', '.join(map(str, params))}] = {to_latex(body)}")
        results = {r.claim: r for r in check_exercise(ex, seed=args.seed)}
        for claim in ex.claims:
            r = results.get(claim.id)
            print(f"\n  claim {claim.id} (notes line {claim.line}): {claim.latex}")
            if claim.expect is not None:
                print(f"    recipe:  {claim.expect}")
                try:
                    print(f"    derived: {to_latex(derive_expected(claim, ex, build_declarations(ex)))}")
                except Exception as exc:  # noqa: BLE001 - shown, not fatal
                    print(f"    derived: (failed: {exc})")
            if r:
                print(f"    verdict: {r.verdict.value} - {r.message}")
                for st in r.steps:
                    print(f"      step {st.index}: {st.verdict.value}: {st.message}")
                if r.counterexample:
                    print(f"    counterexample: {json.dumps(r.counterexample.to_dict())}")
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK


def parse_symbols_option(text: str | None) -> dict[str, Any]:
    """`--symbols 'x: {indexed: i}, y: positive'` (YAML flow mapping, safe loader)."""
    if not text:
        return {}
    try:
        data = yaml.safe_load("{" + text + "}")
    except yaml.YAMLError as exc:
        raise UsageError(f"--symbols: not a mapping: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise UsageError("--symbols must be a mapping like 'x: positive'")
    return data


# Subcommand -> handler; each handler imports its machinery lazily, so `derivcheck --help` stays fast.
_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "verify": _verify, "equiv": _equiv, "show": _show, "check-sources": _check_sources, "fix": _fix,
    "report": _report, "lint": _lint,
}


if __name__ == "__main__":
    sys.exit(main())

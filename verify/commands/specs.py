"""What several subcommands share: loading the specs they are given (bad input becomes one UsageError line),
the options of a checking run as RunOptions, and the progress line. The options themselves (argparse) are in
verify/commands/options.py, which imports nothing heavy."""

from __future__ import annotations

import argparse
from pathlib import Path

from derive.spec.errors import SpecError
from derive.spec.model import ExerciseSpec
from verify.claims.registry import load_suite
from verify.exit_codes import UsageError
from verify.result import Report
from verify.run.progress import ProgressLine
from verify.run.runner import RunOptions, run_suite


def spec_error(exc: SpecError) -> UsageError:
    """A spec error as the CLI prints it: `file:line: message`."""
    return UsageError(exc.message, where=f"{exc.file}:{exc.line or 1}")


def load_exercises(paths: list[str], select: list[str] | None = None) -> list[ExerciseSpec]:
    """The exercises of `paths` (files or folders), only those whose id starts with one of `select` if given."""
    try:
        exercises = load_suite([Path(p) for p in paths])
    except SpecError as exc:
        raise spec_error(exc) from None
    if select:
        exercises = [ex for ex in exercises if any(ex.id == s or ex.id.startswith(s) for s in select)]
        if not exercises:
            raise UsageError(f"no exercise matches --select {' '.join(select)}")
    return exercises


def run_options(args: argparse.Namespace, *, allow_code: bool = False, plots: bool = False,
                memo_key: str | None = None) -> RunOptions:
    """RunOptions from the options of `add_run_options` (UsageError for values out of range)."""
    if args.jobs < 1:
        raise UsageError(f"-j needs at least 1 worker, not {args.jobs}")
    if not args.timeout > 0:
        raise UsageError(f"--timeout needs a positive number of seconds, not {args.timeout:g}")
    if args.memory < 64:
        raise UsageError(f"--memory needs at least 64 MB, not {args.memory}")
    cache_dir = None if getattr(args, "no_cache", True) else Path(args.cache_dir)
    return RunOptions(seed=args.seed, timeout=args.timeout, jobs=args.jobs, cache_dir=cache_dir,
                      allow_code=allow_code, plots=plots, memory_mb=args.memory, memo_key=memo_key)


def run_checks(exercises: list[ExerciseSpec], opts: RunOptions, *, quiet: bool = False) -> Report:
    """`run_suite` with the progress line on stderr (unless quiet); a spec error becomes a UsageError."""
    line = ProgressLine("exercises", enabled=not quiet)
    try:
        return run_suite(exercises, opts, progress=line)
    except SpecError as exc:
        raise spec_error(exc) from None
    finally:
        line.close()

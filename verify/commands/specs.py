"""What several subcommands share: loading the specs they are given (bad input becomes one UsageError line),
`--notes-dir`, the options of a checking run, and the progress line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from derive.spec.errors import SpecError
from derive.spec.model import ExerciseSpec
from verify.claims.registry import load_suite
from verify.exit_codes import UsageError
from verify.result import Report
from verify.run.progress import ProgressLine
from verify.run.runner import DEFAULT_MEMORY_MB, RunOptions, run_suite


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


def notes_folder(value: str | None) -> Path | None:
    """`--notes-dir`, which must be an existing folder when given."""
    if value is None:
        return None
    notes_dir = Path(value)
    if not notes_dir.is_dir():
        raise UsageError(f"--notes-dir {notes_dir}: no such folder")
    return notes_dir


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):   # not Linux
        return max(1, os.cpu_count() or 1)


def add_run_options(p: argparse.ArgumentParser, *, cache: bool = True) -> None:
    """The options of a checking run: seed, budgets, workers, cache, quiet."""
    p.add_argument("--seed", type=int, default=0, help="seed of the random points (same seed, same results)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S",
                   help="CPU seconds per claim (default 10); a claim over it is unverified")
    p.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, metavar="MB",
                   help=f"resident memory per worker process (default {DEFAULT_MEMORY_MB})")
    p.add_argument("-j", "--jobs", type=int, default=usable_cpus(),
                   help=f"worker processes (default: the CPUs this process may use, {usable_cpus()} here)")
    if cache:
        p.add_argument("--cache-dir", default=".derivcheck_cache",
                       help="result cache (default .derivcheck_cache)")
        p.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line on stderr")


def run_options(args: argparse.Namespace, *, allow_code: bool = False, plots: bool = False) -> RunOptions:
    """RunOptions from the options of `add_run_options` (UsageError for values out of range)."""
    if args.jobs < 1:
        raise UsageError(f"-j needs at least 1 worker, not {args.jobs}")
    if not args.timeout > 0:
        raise UsageError(f"--timeout needs a positive number of seconds, not {args.timeout:g}")
    if args.memory < 64:
        raise UsageError(f"--memory needs at least 64 MB, not {args.memory}")
    cache_dir = None if getattr(args, "no_cache", True) else Path(args.cache_dir)
    return RunOptions(seed=args.seed, timeout=args.timeout, jobs=args.jobs, cache_dir=cache_dir,
                      allow_code=allow_code, plots=plots, memory_mb=args.memory)


def run_checks(exercises: list[ExerciseSpec], opts: RunOptions, *, quiet: bool = False) -> Report:
    """`run_suite` with the progress line on stderr (unless quiet); a spec error becomes a UsageError."""
    line = ProgressLine("exercises", enabled=not quiet)
    try:
        return run_suite(exercises, opts, progress=line)
    except SpecError as exc:
        raise spec_error(exc) from None
    finally:
        line.close()

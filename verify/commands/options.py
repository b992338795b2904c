"""The options of checking commands (`--seed`, `--timeout`, `-j`, the cache, `--notes-dir`), with the standard
library only: a command's module registers them before anything heavy is imported (cli.py)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from verify.exit_codes import UsageError
from verify.run.workers import DEFAULT_MEMORY_MB


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

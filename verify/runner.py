"""Run the checker over a suite of exercises, in worker processes with `-j N`."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass

from derive.spec import ExerciseSpec
from verify.check import check_exercise
from verify.result import ClaimResult, Report

TOOL_VERSION = "0.1.0"


@dataclass(frozen=True)
class RunOptions:
    seed: int = 0
    timeout: float = 10.0
    jobs: int = 1


def _check(args: tuple[ExerciseSpec, RunOptions]) -> list[ClaimResult]:
    ex, opts = args
    return check_exercise(ex, seed=opts.seed, timeout=opts.timeout)


def run_suite(exercises: list[ExerciseSpec], opts: RunOptions,
              progress: Callable[[ExerciseSpec], None] | None = None) -> Report:
    """Results in suite order whatever the worker count (deterministic JSON for a seed)."""
    work = [(ex, opts) for ex in exercises]
    results: list[ClaimResult] = []
    if opts.jobs > 1 and len(work) > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(opts.jobs, len(work))) as pool:
            for ex, batch in zip(exercises, pool.imap(_check, work), strict=True):
                results.extend(batch)
                if progress:
                    progress(ex)
    else:
        for ex, item in zip(exercises, work, strict=True):
            results.extend(_check(item))
            if progress:
                progress(ex)
    return Report(results=results, tool_version=TOOL_VERSION, seed=opts.seed)

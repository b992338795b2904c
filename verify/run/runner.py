"""Run the checker over a suite of exercises, in worker processes with `-j N`."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from derive.parse.latex import parse_latex
from derive.recipes.interpreter import parse_recipe
from derive.spec.model import ExerciseSpec
from verify.claims.registry import estimated_cost
from verify.compare.curves import collecting_plots, unplotted
from verify.result import ClaimResult, Report, Verdict
from verify.run.cache import ResultCache, cache_key
from verify.run.check import check_exercise

TOOL_VERSION = "0.1.0"


@dataclass(frozen=True)
class RunOptions:
    seed: int = 0
    timeout: float = 10.0
    jobs: int = 1
    cache_dir: Path | None = None
    allow_code: bool = False
    plots: bool = False  # curve data of wrong claims in the results (for the HTML report); costs time


def _check(args: tuple[ExerciseSpec, RunOptions]) -> list[ClaimResult]:
    ex, opts = args
    with collecting_plots(opts.plots):
        results = check_exercise(ex, seed=opts.seed, timeout=opts.timeout, allow_code=opts.allow_code)
    if opts.plots:
        # Wrong results of claim kinds without curves still say why there is no plot (a run with plot data
        # has some for every wrong claim; only a run without has none).
        for r in results:
            if r.verdict is Verdict.WRONG and r.plot is None:
                r.plot = unplotted(r)
    return results


def _check_tagged(item: tuple[int, tuple[ExerciseSpec, RunOptions]]) -> tuple[int, list[ClaimResult]]:
    return item[0], _check(item[1])


def _build_parsers() -> None:
    parse_latex("x")
    parse_recipe("x")


def run_suite(exercises: list[ExerciseSpec], opts: RunOptions,
              progress: Callable[[ExerciseSpec], None] | None = None) -> Report:
    """Results in suite order whatever the worker count (deterministic JSON for a seed)."""
    cache = ResultCache(opts.cache_dir) if opts.cache_dir and not opts.allow_code else None
    keys = [cache_key(ex, seed=opts.seed, timeout=opts.timeout, plots=opts.plots) for ex in exercises] if cache else []
    by_exercise: dict[int, list[ClaimResult]] = {}
    todo: list[int] = []
    for n, ex in enumerate(exercises):
        hit = cache.get(keys[n]) if cache else None
        if hit is not None:
            by_exercise[n] = hit
            if progress:
                progress(ex)
        else:
            todo.append(n)
    work = [(exercises[n], opts) for n in todo]
    if opts.jobs > 1 and len(work) > 1:
        _build_parsers()   # once here, so forked workers inherit them instead of each compiling its own
        # Longest first, so no worker is left with a heavy exercise at the end; results keep suite order.
        order = sorted(range(len(todo)), key=lambda k: -estimated_cost(exercises[todo[k]]))
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(opts.jobs, len(work))) as pool:
            batches = pool.imap(_check_tagged, [(k, work[k]) for k in order])
            for k, batch in batches:
                by_exercise[todo[k]] = batch
                if progress:
                    progress(exercises[todo[k]])
    else:
        for n, item in zip(todo, work, strict=True):
            by_exercise[n] = _check(item)
            if progress:
                progress(exercises[n])
    if cache:
        for n in todo:
            cache.put(keys[n], by_exercise[n])
    results = [r for n in range(len(exercises)) for r in by_exercise[n]]
    return Report(results=results, tool_version=TOOL_VERSION, seed=opts.seed)

"""Run the checker over a suite of exercises in worker processes whose limits are enforced from outside.

Each exercise is a job of `verify/run/workers.py`: a worker builds its declarations once, then checks its claims
one by one, telling the parent which claim runs. A claim that outlives its CPU budget (plus a margin) or pushes
the worker over the memory cap has its worker killed and replaced; it is `unverified` with the reason, and the
exercise goes on from its next claim in a fresh worker. `-j 1` uses one worker process too, so the limits hold
whatever the job count. Results come back in suite order, and the same seed gives the same results whatever
`-j` is (budgets are CPU time, each claim's seed depends on its id only).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from derive.lower.definitions import build_declarations
from derive.parse.latex import parse_latex
from derive.recipes.interpreter import parse_recipe
from derive.spec.errors import SpecError
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.claims.context import DerivedTruth, result_for
from verify.claims.registry import estimated_cost
from verify.compare.curves import collecting_plots, unplotted
from verify.result import ClaimResult, Report, Verdict
from verify.run.cache import ResultCache, cache_key
from verify.run.check import check_one, exercise_notation
from verify.run.memo import remember
from verify.run.workers import DEFAULT_MEMORY_MB, DIED, MEMORY, STUCK, TIME, Job, Limits, Overrun, run_jobs
from verify.version import VERSION

TOOL_VERSION = VERSION


@dataclass(frozen=True)
class RunOptions:
    seed: int = 0
    timeout: float = 10.0       # CPU seconds per claim
    jobs: int = 1
    cache_dir: Path | None = None
    allow_code: bool = False
    plots: bool = False  # curve data of wrong claims in the results (for the HTML report); costs time
    memory_mb: int | None = DEFAULT_MEMORY_MB   # resident memory per worker process
    memo_key: str | None = None   # remember the whole report under this key (verify/run/memo.py)

    @property
    def limits(self) -> Limits:
        return Limits(self.timeout, self.memory_mb)


def budget_message(timeout: float) -> str:
    """What an unverified claim says when its budget ran out, the same whoever stopped it (the alarm inside the
    worker or the parent killing it), so that a result never depends on which came first."""
    return f"time budget of {timeout:g} s ran out"


def overrun_message(reason: str, limits: Limits, detail: str = "") -> str:
    """Why a claim whose worker was stopped from outside has no verdict."""
    if reason == TIME:
        return budget_message(limits.seconds)
    if reason == MEMORY:
        return f"memory limit of {limits.memory_mb} MB ran out"
    if reason == STUCK:
        return f"no result after {limits.wall_seconds:g} s of wall-clock time"
    assert reason == DIED
    return f"the checking process died ({detail})" if detail else "the checking process died"


def _check_claim(ex: ExerciseSpec, claim: ClaimSpec, state: tuple[Any, dict[str, Any]],
                 opts: RunOptions, derived: DerivedTruth | None = None) -> ClaimResult:
    """One claim in a worker. The claim's own alarm can fire anywhere inside SymPy; whatever comes out once its
    CPU budget is spent (an exception, a reading error) is reported as the budget running out, never as
    `unparsed` or a spec error. `derived`: the claim's truth when it was derived beforehand (grading)."""
    decls, settings = state
    start = time.process_time()

    def spent() -> bool:
        return time.process_time() - start >= opts.timeout

    try:
        with collecting_plots(opts.plots):
            result = check_one(ex, claim, decls, seed=opts.seed, timeout=opts.timeout, allow_code=opts.allow_code,
                               settings=settings, derived=derived)
    except SpecError:
        if spent():
            return result_for(ex, claim, Verdict.UNVERIFIED, budget_message(opts.timeout))
        raise
    except MemoryError:
        return result_for(ex, claim, Verdict.UNVERIFIED, f"memory limit of {opts.memory_mb} MB ran out")
    except Exception as exc:  # noqa: BLE001 - one claim's failure never ends the run
        if spent():
            return result_for(ex, claim, Verdict.UNVERIFIED, budget_message(opts.timeout))
        return result_for(ex, claim, Verdict.UNVERIFIED,
                          f"internal error ({type(exc).__name__}: {str(exc)[:200]}); please report it")
    if spent() and result.verdict not in (Verdict.CORRECT, Verdict.WRONG):
        return result_for(ex, claim, Verdict.UNVERIFIED, budget_message(opts.timeout))
    if opts.plots and result.verdict is Verdict.WRONG and result.plot is None:
        # Wrong results of claim kinds without curves still say why there is no plot (a run with plot data
        # has some for every wrong claim; only a run without has none).
        result.plot = unplotted(result)
    return result


# The public name, for `derivcheck grade` (verify/grade/judge.py): the same limits and error policy per answer.
check_in_worker = _check_claim


class _SuiteWork:
    """The exercises as jobs of the worker pool: one step per selected claim (all claims by default; one step
    for an exercise without claims)."""

    def __init__(self, exercises: list[ExerciseSpec], selections: list[list[int]], opts: RunOptions) -> None:
        self.exercises, self.selections, self.opts = exercises, selections, opts

    def job(self) -> Job:
        return Job([len(sel) for sel in self.selections], self.prepare, self.step)

    def prepare(self, n: int) -> tuple[Any, dict[str, Any]] | str:
        """The exercise's declarations and notation; SpecError for a broken spec (the run stops), the text of
        any other failure (each claim is then unverified with it)."""
        ex = self.exercises[n]
        try:
            return build_declarations(ex), exercise_notation(ex)
        except SpecError:
            raise
        except Exception as exc:  # noqa: BLE001 - one exercise's failure never ends the run
            return f"internal error reading the definitions ({type(exc).__name__}: {str(exc)[:200]}); please report it"

    def step(self, state: tuple[Any, dict[str, Any]] | str, n: int, k: int) -> ClaimResult:
        ex = self.exercises[n]
        claim = ex.claims[self.selections[n][k]] if ex.claims else None
        if isinstance(state, str):
            return result_for(ex, claim, Verdict.UNVERIFIED, state)
        if claim is None:
            return result_for(ex, None, Verdict.INCOMPLETE, ex.reason or "the notes give no answer yet")
        return _check_claim(ex, claim, state, self.opts)


def _build_parsers() -> None:
    parse_latex("x")
    parse_recipe("x")


def run_suite(exercises: list[ExerciseSpec], opts: RunOptions,
              progress: Callable[[int, int], None] | None = None) -> Report:
    """Every claim of `exercises`, in suite order whatever the worker count (deterministic JSON for a seed);
    SpecError for the first broken exercise (in suite order) met. `progress(done, total)` is called as
    exercises finish and a few times a second in between."""
    cache = ResultCache(opts.cache_dir) if opts.cache_dir and not opts.allow_code else None
    keys = [cache_key(ex, seed=opts.seed, timeout=opts.timeout, plots=opts.plots, memory_mb=opts.memory_mb)
            for ex in exercises] if cache else []
    cached: dict[int, list[ClaimResult]] = {}
    for n in range(len(exercises)):
        hit = cache.get(keys[n]) if cache else None
        if hit is not None:
            cached[n] = hit
    selections = [list(range(max(1, len(ex.claims)))) for ex in exercises]

    def store(n: int, results: list[ClaimResult]) -> None:
        if cache:
            cache.put(keys[n], results)

    stopped: set[int] = set()
    found = _run(exercises, selections, opts, cached, store, progress, stopped)
    report = Report(results=[r for batch in found for r in batch], tool_version=TOOL_VERSION, seed=opts.seed)
    if cache and opts.memo_key and not stopped:
        remember(cache.directory, opts.memo_key, report)
    return report


def check_claims(exercises: list[ExerciseSpec], selections: list[list[int]], opts: RunOptions,
                 progress: Callable[[int, int], None] | None = None) -> list[list[ClaimResult]]:
    """The results of the claims numbered in `selections[n]` of `exercises[n]` (the rest of each exercise is
    there for `from_claim` references, not checked), under the same limits as `run_suite`; no cache."""
    return _run(exercises, [list(sel) for sel in selections], opts, {}, None, progress, set())


def _run(exercises: list[ExerciseSpec], selections: list[list[int]], opts: RunOptions,
         cached: dict[int, list[ClaimResult]], store: Callable[[int, list[ClaimResult]], None] | None,
         progress: Callable[[int, int], None] | None, stopped: set[int]) -> list[list[ClaimResult]]:
    """`stopped` receives the exercises with a claim stopped from outside (their results are not cached)."""
    results: dict[int, dict[int, ClaimResult]] = {n: dict(enumerate(hit)) for n, hit in cached.items()}
    todo = [n for n in range(len(exercises)) if n not in cached and selections[n]]
    finished = len(exercises) - len(todo)
    errors: dict[int, Exception] = {}

    def report_progress() -> None:
        if progress:
            progress(finished, len(exercises))

    def on_done(n: int, k: int, result: ClaimResult) -> None:
        results.setdefault(n, {})[k] = result

    def on_overrun(o: Overrun) -> None:
        ex = exercises[o.job]
        message = overrun_message(o.reason, opts.limits, o.detail)
        if o.preparing:
            message += " (while reading the exercise's definitions)"
        stopped.add(o.job)
        last = len(selections[o.job]) if o.preparing else o.step + 1
        for k in range(o.step, last):
            claim = ex.claims[selections[o.job][k]] if ex.claims else None
            results.setdefault(o.job, {})[k] = result_for(ex, claim, Verdict.UNVERIFIED, message)

    def on_error(n: int, exc: Exception) -> None:
        errors[n] = exc

    def on_finished(n: int) -> None:
        nonlocal finished
        finished += 1
        if store and n not in stopped:
            store(n, [results[n][k] for k in sorted(results[n])])
        report_progress()

    report_progress()
    if todo:
        _build_parsers()   # once here, so the forked workers inherit them instead of each compiling its own
        # Longest first, so no worker is left with a heavy exercise at the end; results keep suite order.
        order = sorted(todo, key=lambda n: -estimated_cost(exercises[n]))
        run_jobs(_SuiteWork(exercises, selections, opts).job(), order, workers=min(opts.jobs, len(todo)),
                 limits=opts.limits, on_done=on_done, on_overrun=on_overrun, on_error=on_error,
                 on_finished=on_finished, tick=report_progress)
    if errors:
        raise errors[min(errors)]
    return [[results[n][k] for k in sorted(results.get(n, {}))] for n in range(len(exercises))]


__all__ = ["DEFAULT_MEMORY_MB", "TOOL_VERSION", "RunOptions", "budget_message", "check_claims", "check_in_worker",
           "overrun_message", "run_suite"]

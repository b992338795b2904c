"""The answer key: every claim's truth derived once from the spec, before any answer is graded.

`derive_keys` derives each exercise's claims in the worker processes of verify/run/workers.py (the same CPU and
memory limits as `verify`); the truths come back pickled, so the key can be sent to any machine (the Dask
executor scatters it to every worker once). Each claim's kind is fixed here too, from the spec's own quote: an
answer is judged as the kind of claim it answers, whatever it looks like. A claim whose truth could not be
derived within the limits has `unavailable` set, and every answer to it is `unverified` with that reason.

Declarations hold closures and do not travel: a process builds them from the exercise on first use
(`ExerciseKey.state`) and keeps them; worker processes forked after that inherit them.
"""

from __future__ import annotations

import difflib
import pickle
from dataclasses import dataclass, field
from typing import Any

from derive.lower.definitions import build_declarations
from derive.spec.errors import SpecError
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.claims.context import ClaimContext, DerivedTruth, claim_declarations, claim_seed
from verify.claims.registry import kind_of
from verify.compare.budget import time_limit
from verify.run.check import exercise_notation
from verify.run.runner import RunOptions, budget_message, overrun_message
from verify.run.workers import Job, Overrun, run_jobs
from verify.write.latex import notation


@dataclass
class ClaimKey:
    """One claim of the key: the spec's claim, the kind its answers are judged as, and its truth."""

    claim: ClaimSpec
    kind: str | None
    derived: DerivedTruth
    unavailable: str | None = None   # why no answer can be judged (the derivation ran out of its limits)

    @property
    def points(self) -> float:
        """What a correct answer scores: the claim's `points:`, 1 by default."""
        return 1.0 if self.claim.points is None else self.claim.points


@dataclass
class ExerciseKey:
    exercise: ExerciseSpec
    settings: dict[str, Any]       # the notation of the spec's quotes, for printing the derived values
    claims: dict[str, ClaimKey] = field(default_factory=dict)
    _state: tuple[Any, dict[str, Any]] | None = field(default=None, repr=False, compare=False)

    def state(self) -> tuple[Any, dict[str, Any]]:
        """(declarations, notation) as the runner's workers use them; built once per process."""
        if self._state is None:
            self._state = build_declarations(self.exercise), self.settings
        return self._state

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_state"] = None     # declarations hold closures; the receiving process builds its own
        return state


class AnswerKeys:
    """The key of every exercise of the specs, by id (one object, so that it is shared as one piece of data)."""

    def __init__(self, exercises: dict[str, ExerciseKey]) -> None:
        self.exercises = exercises

    def lookup(self, exercise: str, claim: str) -> tuple[ExerciseKey, ClaimKey] | str:
        """The keys of an answer's exercise and claim, or why there are none (with a suggestion)."""
        ex = self.exercises.get(exercise)
        if ex is None:
            return f"no exercise {exercise!r} in the specs{_close(exercise, self.exercises)}"
        ck = ex.claims.get(claim)
        if ck is None:
            return f"exercise {exercise} has no claim {claim!r}{_close(claim, ex.claims)}"
        return ex, ck

    def max_points(self) -> dict[str, float]:
        """What each exercise is worth: the points of its claims."""
        return {ex_id: sum(ck.points for ck in ek.claims.values()) for ex_id, ek in self.exercises.items()}


def _close(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _shareable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling (kinds catch it by type), else its text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any exception that does not travel becomes its text
        return RuntimeError(f"{type(error).__name__}: {error}")


def derive_claim(ex: ExerciseSpec, claim: ClaimSpec, state: tuple[Any, dict[str, Any]], opts: RunOptions) -> ClaimKey:
    """One claim's truth and kind, in the claim's time budget (SpecError for a broken spec)."""
    decls, settings = state
    ctx = ClaimContext(ex, claim, claim_declarations(ex, claim, decls), seed=claim_seed(opts.seed, ex.id, claim.id),
                       proof_seconds=min(3.0, opts.timeout / 3), allow_code=opts.allow_code)
    try:
        with time_limit(opts.timeout), notation(settings):
            try:
                derived = DerivedTruth(value=ctx.truth)
            except SpecError:
                raise
            except TimeoutError:
                raise
            except Exception as exc:  # noqa: BLE001 - kept: each answer's kind meets it as in `verify`
                derived = DerivedTruth(error=_shareable(exc))
            known = ClaimContext(ex, claim, ctx.decls, seed=ctx.seed, proof_seconds=ctx.proof_seconds,
                                 allow_code=opts.allow_code, derived=derived)
            try:
                kind: str | None = kind_of(known).name
            except Exception:  # noqa: BLE001 - left to each answer, which then meets the same error
                kind = claim.kind
    except TimeoutError:
        return ClaimKey(claim, claim.kind, DerivedTruth(), unavailable=budget_message(opts.timeout))
    return ClaimKey(claim, kind, derived)


def derive_keys(exercises: list[ExerciseSpec], opts: RunOptions) -> AnswerKeys:
    """The key of every claim of `exercises`, derived once (on `opts.jobs` worker processes); SpecError for the
    first broken exercise."""
    keys = {ex.id: ExerciseKey(ex, exercise_notation(ex)) for ex in exercises}
    errors: dict[int, Exception] = {}

    def prepare(n: int) -> tuple[Any, dict[str, Any]]:
        return keys[exercises[n].id].state()

    def step(state: tuple[Any, dict[str, Any]], n: int, k: int) -> ClaimKey:
        ex = exercises[n]
        return derive_claim(ex, ex.claims[k], state, opts)

    def on_done(n: int, k: int, ck: ClaimKey) -> None:
        keys[exercises[n].id].claims[ck.claim.id] = ck

    def on_overrun(o: Overrun) -> None:
        ex = exercises[o.job]
        message = overrun_message(o.reason, opts.limits, o.detail)
        last = len(ex.claims) if o.preparing else o.step + 1
        for claim in ex.claims[o.step:last]:
            keys[ex.id].claims[claim.id] = ClaimKey(claim, claim.kind, DerivedTruth(), unavailable=message)

    def on_error(n: int, exc: Exception) -> None:
        errors[n] = exc

    todo = [n for n, ex in enumerate(exercises) if ex.claims]
    run_jobs(Job([len(ex.claims) for ex in exercises], prepare, step), todo, workers=min(opts.jobs, max(1, len(todo))),
             limits=opts.limits, on_done=on_done, on_overrun=on_overrun, on_error=on_error)
    if errors:
        raise errors[min(errors)]
    for ek in keys.values():   # claims in spec order, whatever order the workers finished them in
        ek.claims = {c.id: ek.claims[c.id] for c in ek.exercise.claims if c.id in ek.claims}
    return AnswerKeys(keys)


__all__ = ["AnswerKeys", "ClaimKey", "ExerciseKey", "derive_claim", "derive_keys"]

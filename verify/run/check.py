"""Check the claims of one exercise: declarations once, then each claim in its time budget, through the registry."""

from __future__ import annotations

from typing import Any

from derive.lower.definitions import build_declarations
from derive.spec.declarations import Declarations
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.claims.context import ClaimContext, DerivedTruth, claim_declarations, claim_seed, result_for
from verify.claims.registry import check_claim
from verify.compare.budget import time_limit
from verify.result import ClaimResult, Verdict
from verify.write.latex import notation, notation_of


def check_exercise(ex: ExerciseSpec, *, seed: int = 0, timeout: float = 10.0,
                   allow_code: bool = False) -> list[ClaimResult]:
    """All results of one exercise; raises SpecError for a broken spec."""
    decls = build_declarations(ex)
    if not ex.claims:
        return [result_for(ex, None, Verdict.INCOMPLETE, ex.reason or "the notes give no answer yet")]
    settings = exercise_notation(ex)   # read once: the same for every claim of the exercise
    return [check_one(ex, claim, decls, seed=seed, timeout=timeout, allow_code=allow_code, settings=settings)
            for claim in ex.claims]


def check_one(ex: ExerciseSpec, claim: ClaimSpec, decls: Declarations, *, seed: int = 0, timeout: float = 10.0,
              allow_code: bool = False, settings: dict[str, Any] | None = None,
              derived: DerivedTruth | None = None) -> ClaimResult:
    """One claim as `verify` checks it: its own declarations, the exercise's notation (`settings`, read from
    the exercise when not given), the time budget. `derived`: the claim's truth, derived once beforehand
    (grading many answers to one claim); by default the claim derives it itself."""
    try:
        with time_limit(timeout), notation(settings if settings is not None else exercise_notation(ex)):
            ctx = ClaimContext(ex, claim, claim_declarations(ex, claim, decls),
                               seed=claim_seed(seed, ex.id, claim.id), proof_seconds=min(3.0, timeout / 3),
                               allow_code=allow_code, derived=derived)
            return check_claim(ctx)
    except TimeoutError:
        return result_for(ex, claim, Verdict.UNVERIFIED, f"time budget of {timeout:g} s ran out")
    except Exception as exc:
        # A library that wraps what it was interrupted by (lark turns the budget's TimeoutError into a
        # VisitError while building a parser) still ran out of time: the same verdict, not a crash.
        if _interrupted_by_timeout(exc):
            return result_for(ex, claim, Verdict.UNVERIFIED, f"time budget of {timeout:g} s ran out")
        raise


def _interrupted_by_timeout(exc: BaseException) -> bool:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, TimeoutError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def exercise_notation(ex: ExerciseSpec) -> dict[str, Any]:
    """Printer settings in the author's notation, read from the exercise's quotes and givens."""
    texts = [c.latex for c in ex.claims if c.latex]
    texts += [str(t) for kv in ex.given.items() for t in kv if isinstance(t, str)]
    return notation_of(texts, ex.functions, quotes=[c.latex for c in ex.claims if c.latex])

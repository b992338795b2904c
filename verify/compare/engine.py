"""Decide whether a claimed expression equals the derived one: numeric first, then a proof attempt.

`wrong` is only ever returned with a counterexample confirmed in high precision, so floating-point
noise never becomes a false alarm.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

from derive.lower.elided import ElidedMatrix
from derive.lower.functions import has_unknown_function
from derive.lower.matcalc import opaque_derivatives
from derive.nodes import atoms_of, free_symbols_of
from derive.numeric import Evaluator, NumericError, SamplePoints
from derive.precise import precise_value
from verify.compare.agreement import (
    AGREE_DIGITS,
    agree_to_data_digits,
    agree_to_digits,
    confirm_difference,
    decided_numbers,
    number_shown,
    value_shown,
)
from verify.compare.algebra import merge_sums
from verify.compare.budget import time_limit
from verify.compare.diagnose import diagnose, format_expr
from verify.compare.point_values import CONFIRM_DIGITS, exact_value
from verify.compare.types import Comparison
from verify.result import Counterexample

POINTS_PER_TRIAL = 32
TRIALS = 5
RTOL = 1e-7
MIN_AGREEING = 16     # agreeing points needed before the exact re-evaluation
WIDE_TRIALS = 3       # trials of the wide pass (magnitudes 10^-3 .. 10^3, both signs)
# Points per trial where a side is not real, compared as principal complex values (2 missed branch-cut
# differences, such as log(ab) against log a + log b, for about 1 seed in 40).
COMPLEX_POINTS = 8
PRECISE_POINTS = 8    # points evaluated by mpmath when floating point decides too few
PRECISE_DIGITS = 30
CHEAP_PROOF_NODES = 1500   # tree nodes of both sides beyond which the cheap proof is not attempted
EXACT_POINTS = 3      # agreeing points re-evaluated exactly or to AGREE_DIGITS digits


_ALWAYS_PROVE: ContextVar[bool] = ContextVar("always_prove", default=False)


@contextmanager
def always_proving() -> Iterator[None]:
    """Inside the block a full proof (`simplify`) is attempted even where exact agreement already decides: the
    evidence then says "proven symbolically" more often, at the cost of time (`equiv --prove`)."""
    token = _ALWAYS_PROVE.set(True)
    try:
        yield
    finally:
        _ALWAYS_PROVE.reset(token)


def compare(claimed: sp.Expr, expected: sp.Expr, *, seed: int, proof_seconds: float = 3.0) -> Comparison:
    """Values (scalars, matrices, elided matrices) compared by sampling, exact confirmation and proof.

    Minimisers (argmin values and losses equal up to what does not move the argmin) are compared by
    verify/compare/equal.py, which calls in here for everything else."""
    if isinstance(claimed, ElidedMatrix) or isinstance(expected, ElidedMatrix):
        return _compare_elided(claimed, expected, seed=seed, proof_seconds=proof_seconds)
    # d l(a, b)/da as a function l_d1(a, b): evaluable
    claimed, expected = opaque_derivatives(claimed), opaque_derivatives(expected)
    if isinstance(claimed, sp.MatrixBase) or isinstance(expected, sp.MatrixBase):
        return _compare_matrices(claimed, expected, seed=seed, proof_seconds=proof_seconds)
    if (infinite := _infinities(claimed, expected)) is not None:
        return infinite
    try:
        numeric = sampled_comparison(claimed, expected, seed)
    except NumericError as exc:
        numeric = None
        reason = str(exc)
    else:
        reason = ""
    # (the exact difference: one too small for any sampled point to show, relative to the values)
    differs = numeric if numeric is not None and numeric.equal is False else _exact_difference(claimed, expected)
    if differs is not None:
        if (unknown := has_unknown_function(claimed) or has_unknown_function(expected)) is not None:
            return _depends_on(unknown)
        if differs is numeric:
            numeric.diagnosis = diagnose(claimed, expected, numeric)
        return differs
    # Exact agreement at random rational points (or 50-digit agreement) already decides `equal`; the proof then
    # only strengthens the evidence, so it tries the cheap algebra and skips `simplify` (most of a suite's time).
    decided = numeric is not None and numeric.equal is True
    proven = prove(claimed, expected, proof_seconds, thorough=not decided or _ALWAYS_PROVE.get())
    if numeric is None:
        if proven:
            return Comparison(True, proven=True, evidence="proven symbolically")
        return Comparison(None, reason=f"numeric evaluation failed ({reason}) and no proof was found")
    if numeric.equal is None:
        if proven:
            return Comparison(True, proven=True, evidence="proven symbolically")
        return numeric
    numeric.proven = proven
    numeric.evidence += "; proven symbolically" if proven else "; not proven symbolically (exact agreement decides)"
    return numeric


def _infinities(claimed: sp.Basic, expected: sp.Basic) -> Comparison | None:
    """Sides that are an infinity (a limit, `\\infty`) have no point to sample: +oo and -oo are compared as the
    values they are; None when neither side is one."""
    sides = (claimed, expected)
    # (SymPy's complex infinity is what an undefined value such as log(0) or 1/0 evaluates to: no value, not one)
    if not any(isinstance(v, sp.Basic) and v in (sp.oo, -sp.oo) for v in sides) \
            or any(isinstance(v, sp.Basic) and v.has(sp.zoo, sp.nan) for v in sides):
        return None
    if claimed == expected:
        return Comparison(True, proven=True, evidence=f"both are {format_expr(claimed)} (exact)")
    if all(isinstance(v, sp.Basic) and (v in (sp.oo, -sp.oo) or v.is_number and v.is_finite) for v in sides):
        return Comparison(False, counterexample=Counterexample({}, _infinite_show(claimed), _infinite_show(expected)),
                          evidence=f"{format_expr(claimed)} is not {format_expr(expected)} (exact)")
    return Comparison(None, reason="one side is infinite and the other depends on free names")


def _infinite_show(value: sp.Basic) -> float | str:
    return str(value) if value in (sp.oo, -sp.oo) else float(value)


def _depends_on(name: str) -> Comparison:
    # The two sides differ for *some* function named `name`, but the notes may mean a particular one
    # (Var, Cov, KL, ...): a counterexample built from an arbitrary function would be a false alarm.
    return Comparison(None, reason=f"the sides differ for some meaning of {name}, which derivcheck does not "
                                   f"know; declare it in a spec (a built-in function, `opaque` for any "
                                   f"function, or the distribution) to decide")


def _compare_elided(claimed, expected, *, seed: int, proof_seconds: float) -> Comparison:
    if isinstance(expected, ElidedMatrix) or not isinstance(expected, sp.MatrixBase):
        return Comparison(None, reason="an elided matrix is compared only with a derived matrix")
    results = claimed.check(sp.ImmutableMatrix(expected))
    bad = [r for r in results if not r.ok]
    if not bad:
        return Comparison(True, evidence=f"each of the {len(results)} written entries is the derived entry at a "
                                         f"place its position allows (derived size {expected.shape[0]} x "
                                         f"{expected.shape[1]})")
    first = bad[0]
    if first.claimed is None:
        return Comparison(None, reason=first.message)
    comp = compare(first.claimed, first.derived, seed=seed, proof_seconds=proof_seconds)
    if comp.equal is False:
        comp.diagnosis = f"{first.message} (for instance not {format_expr(first.derived)})"
        return comp
    return Comparison(None, reason=f"{first.message}, but no point confirms it")


def _compare_matrices(claimed, expected, *, seed: int, proof_seconds: float) -> Comparison:
    a = claimed if isinstance(claimed, sp.MatrixBase) else None
    b = expected if isinstance(expected, sp.MatrixBase) else None
    if a is None or b is None or a.shape != b.shape:
        sa = a.shape if a is not None else "a scalar"
        sb = b.shape if b is not None else "a scalar"
        if b is not None and a is not None and a.shape == b.T.shape and a.shape != b.shape:
            return Comparison(False, diagnosis="transposed", evidence=f"shape {sa} where {sb} is derived")
        return Comparison(False, diagnosis="shape mismatch", evidence=f"shape {sa} where {sb} is derived")
    proven_all = True
    for idx in range(len(a)):
        r, c = divmod(idx, a.shape[1])
        comp = compare(a[idx], b[idx], seed=seed + idx, proof_seconds=proof_seconds / max(1, len(a)))
        if comp.equal is False:
            comp.diagnosis = f"entry ({r + 1},{c + 1}): {comp.diagnosis or 'differs'}"
            return comp
        if comp.equal is None:
            return Comparison(None, reason=f"entry ({r + 1},{c + 1}): {comp.reason}")
        proven_all = proven_all and comp.proven
    return Comparison(True, proven=proven_all, evidence=f"all {len(a)} entries agree")


@dataclass
class _Tally:
    """What the sampled points have shown so far (no confirmed disagreement yet)."""

    agree: int = 0
    complex_agree: int = 0
    unconfirmed: int = 0
    witnesses: list[tuple[SamplePoints, int]] = field(default_factory=list)


def sampled_comparison(claimed: sp.Expr, expected: sp.Expr, seed: int) -> Comparison:
    """Floating point finds candidate disagreements (each confirmed to CONFIRM_DIGITS digits before it counts);
    agreement is only ever concluded from exact or AGREE_DIGITS-digit evaluation at some of the points.

    Points: uniform in [-2, 2] (and in (0, 2.5] when those could not decide), then a wide pass whose magnitudes
    run from 10^-3 to 10^3 on both signs; declared assumptions are kept. Where a side is not real at a point,
    the principal complex values are compared there; where floating point overflows, mpmath decides."""
    tally = _Tally()
    for positive_only, wide in ((False, False), (True, False), (False, True)):
        if positive_only and tally.agree >= MIN_AGREEING:
            continue   # the positive half-line only when the signed points could not decide
        for trial in range(WIDE_TRIALS if wide else TRIALS):
            pts = SamplePoints(n=POINTS_PER_TRIAL, seed=seed * 1000 + trial + (100 if wide else 0),
                               positive_only=positive_only, trial=trial, wide=wide)
            found = _sampled_trial(claimed, expected, pts, tally)
            if found is not None:
                return found
    if tally.agree + tally.complex_agree < MIN_AGREEING:
        found = _precise_trial(claimed, expected, seed, tally)
        if found is not None:
            return found
    if tally.agree + tally.complex_agree >= MIN_AGREEING:
        return _exact_agreement(claimed, expected, tally)
    if tally.unconfirmed:
        return Comparison(None, reason=f"{tally.unconfirmed} floating-point disagreements could not be confirmed "
                                       f"exactly")
    if tally.agree:
        return Comparison(None, reason=f"only {tally.agree} points could be evaluated (domain)")
    return Comparison(None, reason="no point where both sides are defined, real or complex, among "
                                   f"{(2 * TRIALS + WIDE_TRIALS) * POINTS_PER_TRIAL} random points")


def _sampled_trial(claimed: sp.Expr, expected: sp.Expr, pts: SamplePoints, tally: _Tally) -> Comparison | None:
    ev = _MemoEvaluator(pts)
    c, e = ev(claimed), ev(expected)
    ok = np.isfinite(c) & np.isfinite(e)
    with np.errstate(all="ignore"):   # inf - inf and nan at points outside a side's domain
        scale = np.maximum(1.0, np.maximum(np.abs(c), np.abs(e)))
        gap = np.where(ok, np.abs(c - e) / scale, 0.0)
    bad = ok & (gap > RTOL)
    for k in np.argsort(-gap * bad)[: 3 if bad.any() else 0]:
        if not bad[k]:
            continue
        confirmed = confirm_difference(claimed, expected, pts, int(k))
        if confirmed is not None:
            return Comparison(False, counterexample=confirmed,
                              evidence=f"differs at a point (confirmed to {CONFIRM_DIGITS} digits)")
    tally.agree += int((ok & ~bad).sum())
    tally.unconfirmed += int(bad.sum())
    tally.witnesses += [(pts, int(k)) for k in np.flatnonzero(ok & ~bad)[:1]]
    # A side that is not real here (a negative base under a fractional power, the log of a negative number):
    # the principal complex values must agree too.
    not_real = (np.isnan(c) | np.isnan(e)) & ~np.isinf(c) & ~np.isinf(e)
    for k in np.flatnonzero(not_real)[:COMPLEX_POINTS]:
        verdict = _precise_point(claimed, expected, pts, int(k))
        if isinstance(verdict, Comparison):
            return verdict
        if verdict == "complex":
            tally.complex_agree += 1
        elif verdict == "real":   # only floating point overflowed there (e^{1000} / e^{2000})
            tally.agree += 1
        if verdict:
            tally.witnesses.append((pts, int(k)))
    return None


def _precise_trial(claimed: sp.Expr, expected: sp.Expr, seed: int, tally: _Tally) -> Comparison | None:
    """Points floating point could not evaluate (overflow: `(x - a)^{6000}`), decided by mpmath."""
    pts = SamplePoints(n=PRECISE_POINTS, seed=seed * 1000 + 200)
    for k in range(PRECISE_POINTS):
        verdict = _precise_point(claimed, expected, pts, k)
        if isinstance(verdict, Comparison):
            return verdict
        if verdict:
            tally.agree += verdict == "real"
            tally.complex_agree += verdict == "complex"
            tally.witnesses.append((pts, k))
    return None


def _precise_point(claimed: sp.Expr, expected: sp.Expr, pts: SamplePoints, k: int) -> Comparison | str | None:
    """Both sides at point k with mpmath (principal complex values where not real), at PRECISE_DIGITS and at twice
    that: a disagreement that stays put is confirmed (a Comparison); "real" or "complex" when they agree (with
    real or complex values); None when a side has no value there."""
    point: dict[str, object] = {}
    try:
        values = [(precise_value(claimed, pts, k, d, point), precise_value(expected, pts, k, d)) for d in
                  (PRECISE_DIGITS, 2 * PRECISE_DIGITS)]
    except NumericError:
        return None
    (c1, e1), (c2, e2) = values
    if not all(mpmath.isfinite(v) for v in (c1, e1, c2, e2)):
        return None
    scale = max(mpmath.mpf(1), abs(c2), abs(e2))
    tiny = mpmath.mpf(10) ** (10 - PRECISE_DIGITS) * scale
    real = not any(isinstance(v, mpmath.mpc) and v.imag != 0 for v in (c2, e2))
    if abs(c2 - e2) <= tiny:
        return "real" if real else "complex"
    if abs((c1 - e1) - (c2 - e2)) > tiny:
        return None   # the difference moves with the precision: not confirmed
    how = f"confirmed to {PRECISE_DIGITS} digits" + ("" if real else ", principal complex values")
    return Comparison(False, counterexample=Counterexample(dict(sorted(point.items())), value_shown(c2), value_shown(e2)),
                      evidence=f"differs at a point ({how})")


def _float_digits(*exprs: sp.Basic) -> int | None:
    """The precision (decimal digits) of the least precise floating-point number in the expressions, if any."""
    digits = [int(f._prec * 0.30103) for e in exprs for f in atoms_of(e, sp.Float)]
    return min(digits) if digits else None


def _exact_agreement(claimed: sp.Expr, expected: sp.Expr, tally: _Tally) -> Comparison:
    """Re-evaluate both sides at a few of the agreeing points, exactly (rationals) or to AGREE_DIGITS digits.

    Floating point cannot tell 1/3 from 0.333333333333333 or 100000000 from 100000001: agreement counts only
    here. Expressions carrying floating-point data (kernel outputs) can agree only to the digits they hold."""
    agree, witnesses = tally.agree + tally.complex_agree, tally.witnesses
    float_digits = _float_digits(claimed, expected)
    constant = not (free_symbols_of(claimed) or free_symbols_of(expected))
    exact = digits = 0
    for pts, k in witnesses[:EXACT_POINTS]:
        point: dict[str, object] = {}
        try:
            vc = exact_value(claimed, pts, k, point, digits=AGREE_DIGITS + 10)
            ve = exact_value(expected, pts, k, point, digits=AGREE_DIGITS + 10)
        except (NumericError, TypeError, ValueError, ZeroDivisionError):
            continue
        if not decided_numbers(vc, ve):
            continue
        if vc.is_Rational and ve.is_Rational:
            if vc != ve:
                return Comparison(False, counterexample=Counterexample(dict(sorted(point.items())), number_shown(vc), number_shown(ve)),
                                  evidence=f"differs exactly at a point (by {sp.nsimplify(vc - ve)})")
            exact += 1
            continue
        if float_digits is not None:
            verdict = agree_to_data_digits(vc, ve, float_digits)
        else:
            verdict = agree_to_digits(claimed, expected, pts, k, (vc, ve), constant)
        if verdict is None:
            continue
        if verdict is not True:
            return Comparison(False, counterexample=Counterexample(dict(sorted(point.items())), number_shown(vc), number_shown(ve)),
                              evidence=f"differs at a point by {sp.N(abs(vc - ve), 3)} ({verdict})")
        digits += 1
    if exact + digits == 0:
        return Comparison(None, reason=f"agrees at {agree} random points in floating point only: no point could be "
                                       f"evaluated exactly or to {AGREE_DIGITS} digits")
    how = [f"exact at {exact}"] if exact else []
    if digits:
        how.append(f"{AGREE_DIGITS}-digit agreement at {digits}" if float_digits is None else
                   f"agreement to the {float_digits} digits of its floating-point data at {digits}")
    where = [_domain(claimed, expected)]
    if tally.complex_agree:
        where.append(f"{tally.complex_agree} of them principal complex values")
    where_text = f" ({'; '.join(w for w in where if w)})" if any(where) else ""
    return Comparison(True, evidence=f"agrees at {agree} random points{where_text}; {' and '.join(how)} of them")


def _domain(*exprs: sp.Basic) -> str:
    """The sampled domain, by the declared assumptions of the free symbols (`x, y real; sigma > 0`)."""
    groups: dict[str, list[str]] = {}
    for s in sorted({s for e in exprs for s in free_symbols_of(e) if isinstance(s, sp.Symbol)}, key=str):
        flags = s.assumptions0
        kind = ("whole numbers" if flags.get("integer") else "> 0" if flags.get("positive") else
                "< 0" if flags.get("negative") else ">= 0" if flags.get("nonnegative") else "real, both signs")
        groups.setdefault(kind, []).append(s.name)
    if any(atoms_of(e, sp.Indexed) for e in exprs):
        groups.setdefault("real", []).append("data")
    parts = []
    for kind, names in groups.items():
        shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
        parts.append(f"{shown} {kind}")
    return "; ".join(parts)


class _MemoEvaluator(Evaluator):
    """Evaluates each distinct subexpression once per set of points (a deep network repeats Max(0, .) a lot)."""

    def __init__(self, pts: SamplePoints) -> None:
        super().__init__(pts)
        self._memo: dict = {}

    def ev(self, e: sp.Basic):
        if e.is_Atom:
            return super().ev(e)
        key = (e, tuple(self.bound.items())) if self.bound else e
        hit = self._memo.get(key)
        if hit is None:
            hit = super().ev(e)
            self._memo[key] = hit
        return hit


def _too_big_to_prove(*exprs: sp.Basic, limit: int = 20_000) -> bool:
    """More nodes than a proof attempt can expand in its time budget (the numeric verdict stands alone)."""
    count = 0
    for expr in exprs:
        for _ in sp.preorder_traversal(expr):
            count += 1
            if count > limit:
                return True
    return False


def _exact_difference(claimed: sp.Expr, expected: sp.Expr) -> Comparison | None:
    """Two sides whose difference SymPy reduces to a nonzero rational (`e^{e^5} + 10^{-20}` against `e^{e^5}`):
    different everywhere, whatever their size, with the difference as the evidence."""
    try:
        difference = claimed - expected
    except (TypeError, ValueError):
        return None
    if not isinstance(difference, sp.Rational) or difference == 0:
        return None
    # any point will do: the difference is the same everywhere (1 for each symbol, -1 for a negative one)
    point = {s: sp.Integer(-1 if s.is_negative else 1) for e in (claimed, expected) for s in e.free_symbols
             if isinstance(s, sp.Symbol)}
    try:
        values = [number_shown(sp.N(v.xreplace(point), 30)) for v in (claimed, expected)]
    except (TypeError, ValueError):
        return None
    return Comparison(False, counterexample=Counterexample({str(k): int(v) for k, v in sorted(point.items(),
                                                                                              key=str)}, *values),
                      diagnosis=f"differs by {format_expr(difference)}",
                      evidence=f"differs exactly by {sp.sstr(difference)} everywhere")


def _concrete_combinatorics(expr: sp.Expr) -> bool:
    """Binomials, factorials, or sums and products whose every bound is a number (cheap to evaluate)."""
    loops = expr.atoms(sp.Sum, sp.Product)
    if not loops:
        return expr.has(sp.binomial, sp.factorial)
    return all(lim[1].is_number and lim[2].is_number for loop in loops for lim in loop.limits)


def prove(claimed: sp.Expr, expected: sp.Expr, seconds: float, *, thorough: bool = True) -> bool:
    """Whether `claimed - expected` simplifies to 0 within `seconds` of CPU time. Not `thorough`: only merging
    sums, expanding and evaluating concrete counts, without `simplify`."""
    # Not thorough (exact agreement already decided): only small expressions, so that whether the evidence says
    # "proven" is decided by their size, never by how fast a loaded machine expanded them within the budget.
    if _too_big_to_prove(claimed, expected, limit=20_000 if thorough else CHEAP_PROOF_NODES):
        return False
    if any(e.has(sp.Piecewise, sp.Max, sp.Min, sp.Heaviside) for e in (claimed, expected)):
        # simplify on piecewise expressions rarely finishes; the sampled agreement (both sides of every
        # kink) already decided, the proof only upgrades the evidence
        seconds = min(seconds, 0.5)
    try:
        with time_limit(seconds):
            diff = merge_sums(claimed - expected)
            if diff == 0:
                return True
            if isinstance(diff, sp.Sum):
                body = sp.simplify(diff.function)
                return body == 0
            if sp.expand(diff) == 0:
                return True
            # Counts and bounds with concrete sizes (sums of binomials) are numbers once evaluated;
            # simplify would spend seconds in gammasimp on them.
            evaluated = diff.doit() if _concrete_combinatorics(diff) else diff
            if evaluated == 0 or sp.expand(evaluated) == 0:
                return True
            if not evaluated.free_symbols or not thorough:
                return False
            return sp.simplify(diff) == 0
    except TimeoutError:
        return False
    except (TypeError, ValueError, RecursionError, AttributeError, NotImplementedError):
        return False


__all__ = ["always_proving", "compare", "exact_value", "prove", "sampled_comparison"]

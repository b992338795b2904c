"""Bound claims (`kind: bound`): inequalities and implications checked at random points.

The claim is a chain such as `\\sigma'(z) \\leq 1/4`, `a \\leq b \\leq c`, or implications
`M\\gamma \\leq R\\sqrt{M} \\Rightarrow \\sqrt{M} \\leq R/\\gamma`. Every operand is read under the exercise's
declarations; `expect:` (optional) is the derived value of the first operand (the quantity bounded).

* Without `\\Rightarrow`, every relation must hold at every sampled point (declared assumptions respected).
* With `\\Rightarrow`, the first segment is the hypothesis; each later segment must hold wherever the
  segments before it hold (at least MIN_POINTS such points are needed, else `unverified`).

Points come from the same sampler as equality checks (several trials, also positive-only), plus a dense
grid when there is a single real variable, so a bound attained at one point (tanh'(0) = 1) is probed
there. A violation is `wrong` only after it is confirmed exactly (40 digits); agreement is numeric
evidence, reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.numeric import Evaluator, NumericError, SamplePoints
from derive.parse.latex import LatexParseError
from derive.parse.tree import Formula
from derive.safe import as_expr
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext
from verify.claims.statements import truth_or_result
from verify.compare.point_values import CONFIRM_DIGITS, exact_value
from verify.result import ClaimResult, Counterexample, Verdict

NAME = "bound"
HEAVY = False
RELATIONS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "=": np.equal}
POINTS = 64
TRIALS = 5
MIN_POINTS = 16
GRID = np.round(np.linspace(-10.0, 10.0, 2001), 12)   # includes 0 exactly (bounds are often attained there)
RTOL = 1e-9


@dataclass
class _Chain:
    operands: list[Any]         # SymPy values
    relations: list[str]


def _segments(formula: Formula, low: Lowerer) -> list[_Chain]:
    """Split the claim at `\\Rightarrow` into relation chains of lowered operands."""
    segments = [_Chain([], [])]
    for st in formula.statements:
        nodes = list(st.operands)
        for k, node in enumerate(nodes):
            if k > 0:
                rel = st.relations[k - 1]
                if rel == "=>":
                    segments.append(_Chain([], []))
                elif rel in RELATIONS:
                    segments[-1].relations.append(rel)
                else:
                    raise LoweringError(f"relation {rel!r} in a bound claim")
            if node.kind == "empty":
                raise LoweringError("a relation without an operand")
            segments[-1].operands.append(low.expr(node))
    for seg in segments:
        if len(seg.operands) != len(seg.relations) + 1 or not seg.relations:
            raise LoweringError("each part of a bound claim is a chain like a <= b")
    return segments


def _values(ev: Evaluator, value: Any, n: int) -> np.ndarray:
    """(n, entries) array of a scalar or matrix operand at every point."""
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return np.stack([np.broadcast_to(np.asarray(ev(as_expr(e)), dtype=float), (n,)) for e in entries], axis=1)


def _holds(a: np.ndarray, rel: str, b: np.ndarray) -> np.ndarray:
    """Points where the relation clearly holds in floating point; the others are candidates whose
    violation is confirmed (or dismissed as noise) exactly. A strict relation at equality is a candidate."""
    tol = RTOL * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    if rel == "=":
        ok = np.abs(a - b) <= tol
    elif rel == "<=":
        ok = a <= b + tol
    elif rel == "<":
        ok = a < b - tol
    elif rel == ">=":
        ok = a >= b - tol
    else:
        ok = a > b + tol
    return np.all(ok, axis=1)


def _exact_holds(a: sp.Expr, rel: str, b: sp.Expr) -> bool | None:
    if a is None or b is None or not (a.is_finite and b.is_finite):
        return None
    diff = a - b
    scale = max(1, abs(a), abs(b))
    if abs(diff) <= sp.Float(10) ** (-20) * scale:
        return rel in ("<=", ">=", "=")
    return bool(diff < 0) if rel in ("<", "<=") else bool(diff > 0) if rel in (">", ">=") else False


def _confirm(lhs, rel: str, rhs, pts: SamplePoints, k: int) -> Counterexample | None:
    """The violation at point k, re-evaluated exactly; None if it was float noise."""
    pairs = list(zip(_entries(lhs), _entries(rhs), strict=False)) if isinstance(lhs, sp.MatrixBase) or isinstance(
        rhs, sp.MatrixBase) else [(lhs, rhs)]
    for a, b in pairs:
        point: dict[str, object] = {}
        try:
            va, vb = exact_value(as_expr(a), pts, k, point), exact_value(as_expr(b), pts, k, point)
        except (NumericError, TypeError, ValueError, ZeroDivisionError):
            return None
        if _exact_holds(va, rel, vb) is False:
            return Counterexample(point=dict(sorted(point.items())), claimed=float(sp.Float(vb, 17)),
                                  expected=float(sp.Float(va, 17)))
    return None


def _entries(value) -> list:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _point_sets(segments: list[_Chain], seed: int):
    """Sampler configurations: random trials (all reals, then positive only), then a grid in one variable."""
    symbols = set()
    for seg in segments:
        for v in seg.operands:
            symbols |= {s for s in as_expr(v).free_symbols} if not isinstance(v, sp.MatrixBase) else {
                s for e in v for s in as_expr(e).free_symbols}
    for positive_only in (False, True):
        for trial in range(TRIALS):
            yield SamplePoints(n=POINTS, seed=seed * 1000 + trial, positive_only=positive_only, trial=trial)
    reals = [s for s in symbols if not s.is_integer]
    if len(reals) == 1 and not any(s.is_integer for s in symbols):
        (x,) = reals
        grid = GRID[GRID > 0] if x.is_positive or x.is_nonnegative else GRID[GRID < 0] if x.is_negative else GRID
        pts = SamplePoints(n=grid.size, seed=seed * 1000 + 99)
        pts.scalars[x.name] = grid.copy()
        yield pts


def check_bound(formula: Formula, decls: Declarations, expected: Any = None, *, seed: int = 0
                ) -> tuple[Verdict, str, Any]:
    """(verdict, message, counterexample) for a bound claim."""
    low = Lowerer(decls)
    try:
        segments = _segments(formula, low)
    except (LoweringError, ValueError, TypeError) as exc:
        return Verdict.UNPARSED, str(exc), None
    if expected is not None:
        segments[0].operands[0] = expected
    implication = len(segments) > 1
    checked = premise_points = 0
    for pts in _point_sets(segments, seed):
        ev = Evaluator(pts)
        try:
            with np.errstate(all="ignore"):
                vals = [[_values(ev, v, pts.n) for v in seg.operands] for seg in segments]
        except (NumericError, TypeError, ValueError) as exc:
            return Verdict.UNVERIFIED, f"numeric evaluation failed ({exc})", None
        defined = np.all([np.all(np.isfinite(v), axis=1) for seg in vals for v in seg], axis=0)
        mask = defined.copy()
        for s, (seg, sv) in enumerate(zip(segments, vals, strict=True)):
            for r, rel in enumerate(seg.relations):
                ok = _holds(sv[r], rel, sv[r + 1])
                if s == 0 and implication:
                    mask &= ok          # the hypothesis selects the points
                    continue
                bad = np.flatnonzero(mask & ~ok)
                for k in bad[:3]:
                    cex = _confirm(seg.operands[r], rel, seg.operands[r + 1], pts, int(k))
                    if cex is not None:
                        where = f"part {s + 1}, " if implication else ""
                        return (Verdict.WRONG, f"{where}relation {r + 1} ({rel}) fails at a point (confirmed to "
                                f"{CONFIRM_DIGITS} digits): {cex.expected:.6g} {rel} {cex.claimed:.6g} is false",
                                cex)
                mask &= ok
        checked += int(defined.sum())
        premise_points += int(mask.sum())
    if implication and premise_points < MIN_POINTS:
        return Verdict.UNVERIFIED, f"only {premise_points} sampled points satisfy the hypothesis", None
    if checked < MIN_POINTS:
        return Verdict.UNVERIFIED, f"only {checked} points could be evaluated (domain)", None
    how = f"holds at {premise_points} random points where the hypothesis holds" if implication else \
        f"holds at {checked} random points"
    return Verdict.CORRECT, f"correct ({how}; numeric evidence, not a proof)", None


def check(ctx: ClaimContext) -> ClaimResult:
    derived = truth_or_result(ctx)
    if isinstance(derived, ClaimResult):
        return derived
    expected, expected_latex = derived
    try:
        formula = ctx.claim.formula
    except LatexParseError as exc:
        return ctx.result(Verdict.UNPARSED, str(exc), expected_latex=expected_latex)
    verdict, message, cex = check_bound(formula, ctx.decls, expected, seed=ctx.seed)
    return ctx.result(verdict, message, expected_latex=expected_latex, counterexample=cex,
                      diagnosis="bound violated" if verdict == Verdict.WRONG else None,
                      evidence=message if verdict == Verdict.CORRECT else "")



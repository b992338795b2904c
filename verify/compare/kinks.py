"""Kinks and jumps of piecewise expressions (ReLU, |.|, step, max, Piecewise) along a line.

Found from the expression, not guessed from the samples: each piecewise part switches where some
argument changes sign, so those roots are located (two 65-point refinements) and kept only where the
curve's slope or value really changes. The plot inserts them into its grid, so corners are drawn sharp.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import sympy as sp

_MAX_SWITCHES = 60

Curve = Callable[[np.ndarray], np.ndarray]  # t values -> values along the line


def _own(e: sp.Basic) -> list[sp.Basic]:
    """The switch expressions of one node (not of its arguments)."""
    if isinstance(e, (sp.Max, sp.Min)):
        return [e.args[i] - e.args[j] for i in range(len(e.args)) for j in range(i + 1, len(e.args))]
    if isinstance(e, (sp.Abs, sp.Heaviside, sp.sign)):
        return [e.args[0]]
    if isinstance(e, sp.Piecewise):
        rel = sp.core.relational.Relational
        conds = [c for _, c in e.args if isinstance(c, sp.Basic) and c not in (sp.true, sp.false)]
        return [r.lhs - r.rhs for c in conds for r in ([c] if isinstance(c, rel) else c.atoms(rel))]
    return []


def switches(expr: sp.Basic, integers: dict[str, int]) -> list[sp.Basic]:
    """Expressions whose sign change is a kink or jump of `expr`.

    A switch inside a sum over a known number of terms gives one switch per term (the index substituted
    into the small switch expression, not the sum expanded: rebuilding Max terms is slow in SymPy).
    """
    ints = {s: sp.Integer(integers[s.name]) for s in expr.free_symbols
            if getattr(s, "name", None) in integers}
    out: list[sp.Basic] = []

    def walk(e: sp.Basic, ranges: list[tuple[sp.Symbol, int, int]]) -> None:
        if len(out) >= _MAX_SWITCHES:
            return
        if isinstance(e, sp.Sum):
            inner = list(ranges)
            for var, lo, hi in e.limits:
                lo, hi = lo.xreplace(ints), hi.xreplace(ints)
                if not (lo.is_Integer and hi.is_Integer and 0 <= int(hi) - int(lo) < _MAX_SWITCHES):
                    return  # an unknown number of terms: its switches cannot be placed
                inner.append((var, int(lo), int(hi)))
            walk(e.function, inner)
            return
        for s in _own(e):
            used = [(v, lo, hi) for v, lo, hi in ranges if v in s.free_symbols]
            for values in itertools.product(*(range(lo, hi + 1) for _, lo, hi in used)):
                bound = {v: sp.Integer(k) for (v, _, _), k in zip(used, values, strict=True)}
                out.append(s.xreplace({**ints, **bound}))
        for a in e.args:
            walk(a, ranges)

    walk(expr, [])
    return list(dict.fromkeys(out))[:_MAX_SWITCHES]


def roots(f: Curve, t: np.ndarray) -> list[float]:
    """Sign changes of f on the grid t, each refined twice on a 65-point sub-grid."""
    y = f(t)
    bracket = np.nonzero((np.sign(y[:-1]) * np.sign(y[1:]) < 0) & np.isfinite(y[:-1]) & np.isfinite(y[1:]))[0]
    lo, hi = t[bracket], t[bracket + 1]
    for _ in range(2):
        if not len(lo):
            return []
        sub = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, 65)[None, :]
        ys = f(sub.ravel()).reshape(sub.shape)
        k = np.argmax(np.sign(ys[:, :-1]) * np.sign(ys[:, 1:]) <= 0, axis=1)
        rows = np.arange(len(lo))
        lo, hi = sub[rows, k], sub[rows, k + 1]
    return list((lo + hi) / 2)


def kinks(expr: sp.Basic, curve: Curve, along: Callable[[sp.Basic], Curve], integers: dict[str, int],
          t: np.ndarray) -> np.ndarray:
    """t positions in [t[0], t[-1]] where `expr` has a kink or a jump; `along(e)` evaluates e on the line."""
    found: list[float] = []
    for s in switches(expr, integers):
        try:
            found.extend(roots(along(s), t))
        except Exception:  # noqa: BLE001 - a switch we cannot evaluate marks nothing
            continue
    if not found:
        return np.empty(0)
    k = np.unique(np.round(np.array(found), 9))
    h = 1e-4 * (t[-1] - t[0])
    y = curve(np.concatenate([k - 2 * h, k - h, k + h, k + 2 * h])).reshape(4, len(k))
    left, right = (y[1] - y[0]) / h, (y[3] - y[2]) / h
    scale = np.maximum(1.0, np.abs(y).max(axis=0))
    # A switch that changes nothing (a max whose branches agree there, a term multiplied by 0) is no kink.
    jump = np.abs(y[2] - y[1]) - np.maximum(np.abs(left), np.abs(right)) * 2 * h
    real = (np.abs(right - left) > 1e-3 * scale) | (jump > 1e-6 * scale)
    return k[real & np.isfinite(y).all(axis=0)]

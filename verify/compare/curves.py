"""Curve data for the plot of a wrong claim: claimed and derived value along a line through the counterexample.

Computed when the claim is checked, from the very expressions the checker compared, and stored in the result
(`ClaimResult.plot`, plain numbers), so a report only draws it and never re-derives anything (as coverage.py's
HTML report reads its data file). Opt-in, because it costs time: `RunOptions(plots=True)` (`verify --plots`,
`report --html` when it checks the suite itself) runs the checks inside `collecting_plots()`; otherwise every
entry point returns None at once.

The checker's call sites, one line each where a wrong result is built:
- a chain step: `curves_for(claimed, derived, comp.counterexample, seed=<the seed given to compare>,
  diagnosis=comp.diagnosis)`;
- an equation row: `equation_curves(residual, derived_residual, comp.counterexample, seed=...,
  diagnosis=comp.diagnosis)` (the diagnosis names the unknown the checker solved for);
- an ill-posed step with a free index that is wrong even read at index 1: `fixed_index_curves(value, derived,
  free_names, seed=<the seed of that reading>)`.
Results of other claim kinds get a `PlotData` that says why there is no plot (`unplotted`), from the runner.

A curve pair is drawn only when it gives back the counterexample's own values at its point, so a plot never
shows anything but what was checked. Kinks and jumps are located from the expressions (`kinks.py`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.lower.elided import ElidedMatrix
from derive.lower.matcalc import opaque_derivatives
from derive.numeric import Evaluator, SamplePoints
from derive.recipes.interpreter import expand_sums
from verify.compare.argmin import is_argmin_value
from verify.compare.budget import time_limit
from verify.compare.engine import TRIALS
from verify.compare.equal import compare
from verify.compare.kinks import kinks
from verify.result import ClaimResult, Counterexample, PlotData

SAMPLES = 401
PLOT_SECONDS = 8.0  # a plot never costs a claim more than this
_SPAN = 2.0  # t runs over [-_SPAN, _SPAN] along the line; one variable also covers [-2.5, 2.5]
_SOLVE_SECONDS = 2.0
_MAX_WIGGLES = 16  # turning points a curve may have and still be drawn faithfully by SAMPLES points

_ENABLED: ContextVar[bool] = ContextVar("derivcheck_plots", default=False)


@contextmanager
def collecting_plots(enabled: bool = True) -> Iterator[None]:
    """Within the block the entry points compute curve data (the runner wraps a run with `plots=True`)."""
    token = _ENABLED.set(enabled)
    try:
        yield
    finally:
        _ENABLED.reset(token)


def plots_enabled() -> bool:
    return _ENABLED.get()


class NoPlot(Exception):
    """Why a wrong claim gets no plot (one line, shown on the page)."""


@dataclass
class Pair:
    """The two expressions to draw, and what must give the counterexample's values at its point."""

    claimed: sp.Basic
    derived: sp.Basic
    check_claimed: sp.Basic | None = None  # equations: the residuals were compared, not the curves
    check_derived: sp.Basic | None = None
    ylabel: str = "value"
    what: str = ""
    entry: int = 0  # matrix entry compared (its seed offset)


# --------------------------------------------------------------------------- entry points


def curves_for(claimed: Any, derived: Any, counterexample: Counterexample | None, *, seed: int,
               diagnosis: str | None = None) -> PlotData | None:
    """A wrong chain step: `compare(claimed, derived, seed=seed)` found `counterexample`."""
    if not plots_enabled():
        return None
    return _guarded(lambda: _single(claimed, derived, counterexample, seed, diagnosis))


def equation_curves(residual: Any, derived_residual: Any, counterexample: Counterexample | None, *, seed: int,
                    diagnosis: str | None) -> PlotData | None:
    """A wrong equation row: the unknown the diagnosis names, as each equation gives it."""
    if not plots_enabled():
        return None
    return _guarded(lambda: _equation(residual, derived_residual, counterexample, seed, diagnosis))


def fixed_index_curves(value: Any, derived: Any, free: set[str], *, seed: int) -> PlotData | None:
    """An ill-posed step with free index letters `free`, plotted as read at index 1 when that reading is wrong
    too. `seed` is the one the checker compared that reading with, so the counterexample is the same."""
    if not plots_enabled():
        return None
    return _guarded(lambda: _fixed_index(value, derived, free, seed))


def unplotted(result: ClaimResult) -> PlotData:
    """Why a wrong result checked without a curve call site has no plot (from its counterexample alone)."""
    try:
        _point(result.counterexample)
    except NoPlot as exc:
        return PlotData(str(exc))
    return PlotData("this kind of claim is not plotted")


@dataclass
class _Found:
    pair: Pair
    seed: int  # sample seed the pair reproduces the counterexample with
    reals: dict[str, float]  # the counterexample's real coordinates (the line passes through them)
    integers: dict[str, int]


def _guarded(find: Callable[[], _Found]) -> PlotData:
    try:
        with time_limit(PLOT_SECONDS):
            found = find()
            return _along_line(found.pair, found.seed, found.reals, found.integers)
    except NoPlot as exc:
        return PlotData(str(exc))
    except TimeoutError:
        return PlotData(f"the curves took longer than {PLOT_SECONDS:g} s")
    except Exception as exc:  # noqa: BLE001 - a plot must never cost a verdict
        return PlotData(f"the plot could not be computed ({type(exc).__name__})")


# --------------------------------------------------------------------------- which expressions


def _point(cx: Counterexample | None) -> tuple[dict[str, float], dict[str, int], Counterexample]:
    """(real coordinates, whole-number coordinates, the counterexample), or NoPlot saying why not."""
    if cx is None:
        raise NoPlot("no counterexample point to plot around")
    if _number(cx.claimed) is None or _number(cx.expected) is None:
        raise NoPlot("the counterexample values are not real numbers")
    if any("__" in k for k in cx.point):
        # The checker's own auxiliary variables (parameter copies when losses are compared by their
        # minimisers, a fresh input): the values are not claimed vs derived; plotting them so would mislead.
        raise NoPlot("compared through auxiliary variables (same minimisers, a model on an interval), "
                     "not as one value against another")
    integers = {k: int(v) for k, v in cx.point.items() if isinstance(v, int) and not isinstance(v, bool)}
    reals = {k: float(v) for k, v in cx.point.items() if isinstance(v, float)}
    if not reals:
        if integers:
            raise NoPlot(f"the values depend only on whole numbers ({', '.join(sorted(integers))})")
        raise NoPlot("the claim is a number, not a function of a real variable")
    return reals, integers, cx


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None  # strings such as {"entry": "3"} name a table cell, not a variable
    return float(value)


def _single(claimed: Any, derived: Any, cx: Counterexample | None, seed: int,
            diagnosis: str | None) -> _Found:
    reals, integers, cx = _point(cx)
    if is_argmin_value(claimed) or is_argmin_value(derived):
        raise NoPlot("compared by their minimisers, not as one value against another")
    if isinstance(claimed, ElidedMatrix) or isinstance(derived, ElidedMatrix):
        raise NoPlot("a matrix written with dots is compared cell by cell, not as values along a line")
    # As `compare` does before sampling: partial derivatives of unspecified functions become functions.
    pair = _entry(Pair(opaque_derivatives(claimed), opaque_derivatives(derived)), diagnosis)
    return _Found(pair, _matching_seed(pair, cx, reals, integers, seed), reals, integers)


def _entry(pair: Pair, diagnosis: str | None) -> Pair:
    """A matrix is compared entry by entry (`compare` names the first wrong one and offsets its seed)."""
    c, d = pair.claimed, pair.derived
    if not (isinstance(c, sp.MatrixBase) or isinstance(d, sp.MatrixBase)):
        return pair
    m = re.match(r"entry \((\d+),(\d+)\)", diagnosis or "")
    if m is None or not (isinstance(c, sp.MatrixBase) and isinstance(d, sp.MatrixBase)) or c.shape != d.shape:
        raise NoPlot("the claim is not one value (its sizes differ from the derived ones)")
    i, j = int(m.group(1)) - 1, int(m.group(2)) - 1
    if not (i < d.shape[0] and j < d.shape[1]):
        raise NoPlot("the wrong entry is outside the matrix")
    what = f"entry ({i + 1},{j + 1})" + (f", {pair.what}" if pair.what else "")
    return Pair(c[i, j], d[i, j], ylabel=f"entry ({i + 1},{j + 1})", what=what, entry=i * d.shape[1] + j)


def _solve_for(expr: sp.Basic, var: sp.Symbol) -> sp.Basic | None:
    try:
        with time_limit(_SOLVE_SECONDS):
            # Linear in var (the usual case: a derivative set to zero): no need for solve, which is slow.
            slope = sp.diff(expr, var)
            if var not in slope.free_symbols and slope != 0:
                return -expr.xreplace({var: sp.Integer(0)}) / slope
            sols = sp.solve(expand_sums(expr), var, dict=True)
    except Exception:  # noqa: BLE001 - TimeoutError, NotImplementedError and friends: no solution here
        return None
    return sols[0][var] if len(sols) == 1 and var in sols[0] else None


def _equation(residual: Any, ref: Any, cx: Counterexample | None, seed: int,
              diagnosis: str | None) -> _Found:
    """The value of the solved-for unknown under each equation; failing that, the claimed equation's residual
    with the unknown solving the derived one (which is what the checker compared with 0)."""
    reals, integers, cx = _point(cx)
    m = re.search(r"with (\S+) solving the derived equation", diagnosis or "")
    var = next((s for s in getattr(ref, "free_symbols", ()) if m and getattr(s, "name", None) == m.group(1)), None)
    if var is None:
        raise NoPlot("the unknown the equations were solved for is not known")
    sol = _solve_for(ref, var)
    if sol is None:
        raise NoPlot(f"the derived equation has no single solution for {var}")
    check = residual.xreplace({var: sol})
    candidates = []
    own = _solve_for(residual, var)
    if own is not None:
        candidates.append(Pair(own, sol, check, sp.Integer(0), ylabel=str(var),
                               what=f"the value of {var} that solves the claimed and the derived equation"))
    candidates.append(Pair(check, sp.Integer(0), check, sp.Integer(0), ylabel="residual",
                           what=f"claimed equation's left minus right side, with {var} solving the derived one"))
    for pair in candidates:
        try:
            return _Found(pair, _matching_seed(pair, cx, reals, integers, seed), reals, integers)
        except NoPlot:
            continue
    raise NoPlot("neither equation gives the reported values at the counterexample")


def _fixed_index(value: Any, ref: Any, free: set[str], seed: int) -> _Found:
    if isinstance(ref, (sp.Eq, sp.MatrixBase)):
        raise NoPlot("the derived value is an equation or a matrix, not one number to plot")
    if not isinstance(ref, sp.Expr) or not isinstance(value, sp.Expr):
        raise NoPlot("an ill-posed claim has no value to plot")
    subs = {s: sp.Integer(1) for s in value.free_symbols if getattr(s, "name", None) in free}
    fixed = value.xreplace(subs)
    # The checker's own comparison of this reading, repeated for its counterexample (it keeps only a sentence).
    comp = compare(fixed, ref, seed=seed, proof_seconds=0.5)
    if comp.equal is not False or comp.counterexample is None:
        raise NoPlot("the claim does not differ from the derivation with its index fixed")
    reals, integers, cx = _point(comp.counterexample)
    pair = Pair(fixed, ref, what=f"the claim read with its free index {', '.join(sorted(free))} = 1")
    return _Found(pair, _matching_seed(pair, cx, reals, integers, seed), reals, integers)


# --------------------------------------------------------------------------- numbers


def _evaluate(expr: sp.Basic, scalars: dict[str, np.ndarray], integers: dict[str, int], n: int,
              seed: int) -> np.ndarray:
    pts = SamplePoints(n=n, seed=seed, scalars=dict(scalars), integers=dict(integers))
    value = Evaluator(pts)(expr)
    if value.shape != (n,):
        raise NoPlot("the value is not a number")
    return value


def _close(a: float, b: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= 1e-3 * max(1.0, abs(b))


def _matching_seed(pair: Pair, cx: Counterexample, reals: dict[str, float], integers: dict[str, int],
                   seed: int) -> int:
    """The sample seed under which the pair gives the counterexample's values at its point.

    An unspecified function (f[x, phi]) is a fixed random function per sample seed, and `compare` draws one per
    trial (`seed * 1000 + trial`, the entry's offset added to the seed); anything else does not depend on it.
    """
    exprs = (pair.claimed if pair.check_claimed is None else pair.check_claimed,
             pair.derived if pair.check_derived is None else pair.check_derived)
    # Only plain values: not equations, matrices or the checker's own wrappers (argmin classes, ...).
    if any(not isinstance(e, sp.Expr) or isinstance(e, sp.MatrixBase) for e in exprs):
        raise NoPlot("the claim is not one value (an equation, a matrix or a set)")
    c0, e0 = float(cx.claimed), float(cx.expected)
    at = {k: np.array([v]) for k, v in reals.items()}
    opaque = any(e.atoms(AppliedUndef) for e in exprs)
    for s in [(seed + pair.entry) * 1000 + trial for trial in range(TRIALS)] if opaque else [0]:
        try:
            if (_close(_evaluate(exprs[1], at, integers, 1, s)[0], e0)
                    and _close(_evaluate(exprs[0], at, integers, 1, s)[0], c0)):
                return s
        except NoPlot:
            raise
        except Exception:  # noqa: BLE001 - a pair we cannot evaluate is not drawn
            raise NoPlot("the compared expressions cannot be evaluated at the counterexample") from None
    raise NoPlot("the compared expressions do not give the reported values at the counterexample")


def _wiggles(y: np.ndarray) -> int:
    d = np.diff(y[np.isfinite(y)])
    return int(np.count_nonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0))


def _plain(values: np.ndarray) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in values.tolist()]


def _along_line(pair: Pair, seed: int, reals: dict[str, float], integers: dict[str, int]) -> PlotData:
    names = sorted(reals)
    step = 1.0 / math.sqrt(len(names))
    symbols = {s.name: s for e in (pair.claimed, pair.derived) for s in e.free_symbols if hasattr(s, "name")}
    positive = [n for n in names if n in symbols and (symbols[n].is_positive or symbols[n].is_nonnegative)]
    lo, hi = -_SPAN, _SPAN
    if len(names) == 1:  # show the origin too: kinks of ReLU-like functions sit there most often
        lo, hi = min(lo, -2.5 - reals[names[0]]), max(hi, 2.5 - reals[names[0]])
    for n in positive:  # stay inside the declared domain
        lo = max(lo, -0.98 * reals[n] / step)

    def along(expr: sp.Basic) -> Callable[[np.ndarray], np.ndarray]:
        return lambda tt: _evaluate(expr, {k: reals[k] + step * np.asarray(tt) for k in names}, integers,
                                    len(tt), seed)

    try:
        # Zoom in on the counterexample while a curve oscillates too fast for the samples (aliasing).
        for _ in range(5):
            t = np.linspace(lo, hi, SAMPLES)
            if max(_wiggles(along(pair.claimed)(t)), _wiggles(along(pair.derived)(t))) <= _MAX_WIGGLES:
                break
            lo, hi = lo / 4, hi / 4
        kc = kinks(pair.claimed, along(pair.claimed), along, integers, t)
        ke = kinks(pair.derived, along(pair.derived), along, integers, t)
        # The exact kink positions join the grid, so corners are drawn sharp, not cut.
        t = np.unique(np.concatenate([t, [0.0], kc, ke]))
        yc, ye = along(pair.claimed)(t), along(pair.derived)(t)
        here = np.array([0.0])
        c0, e0 = float(along(pair.claimed)(here)[0]), float(along(pair.derived)(here)[0])
    except (NoPlot, TimeoutError):
        raise
    except Exception as exc:  # noqa: BLE001 - any evaluation failure only means "no plot", said on the page
        raise NoPlot(f"cannot evaluate along a line ({type(exc).__name__})") from None
    if not (np.isfinite(yc).any() and np.isfinite(ye).any()):
        raise NoPlot("the values are not finite near the counterexample")
    if not (math.isfinite(c0) and math.isfinite(e0)):
        raise NoPlot("the values are not finite at the counterexample")

    if len(names) == 1:
        shift = reals[names[0]]
        x, xlabel = t + shift, names[0]
        note = f"as {names[0]} varies, everything else as at the counterexample"
    else:
        shift, x, xlabel = 0.0, t, "t"
        listed = (", ".join(names) if len(names) <= 6
                  else f"all {len(names)} real values ({', '.join(names[:4])}, ...)")
        note = (f"along the line through the counterexample that moves {listed} together by "
                f"t/\u221a{len(names)}")
    if pair.what:
        note = f"{pair.what}; {note}"
    if any(e.atoms(AppliedUndef) for e in (pair.claimed, pair.derived)):
        funcs = sorted({str(a.func) for e in (pair.claimed, pair.derived) for a in e.atoms(AppliedUndef)})
        note += f"; {', '.join(funcs)} unspecified, drawn as the fixed smooth function the checker used"
    marks = np.unique(np.concatenate([kc, ke])) + shift
    if len(marks):
        shown = ", ".join(f"{v:.3g}" for v in marks[:6]) + (", ..." if len(marks) > 6 else "")
        note += f"; kinks or jumps (\u25c6) at {xlabel} = {shown}"
    return PlotData(note=note, x=[float(v) for v in x], claimed=_plain(yc), derived=_plain(ye), x0=float(shift),
                    c0=c0, e0=e0, xlabel=xlabel, ylabel=pair.ylabel,
                    kinks_claimed=[float(v) for v in kc + shift], kinks_derived=[float(v) for v in ke + shift])


__all__ = ["NoPlot", "PlotData", "collecting_plots", "curves_for", "equation_curves", "fixed_index_curves",
           "plots_enabled", "unplotted"]

"""Small SVG plots of a wrong claim: claimed vs derived value along a line through the counterexample.

The report only stores LaTeX and numbers, so the SymPy expressions are rebuilt here: from the
exercise's spec when it is at hand (same declarations the checker used), else by parsing the
result's LaTeX under default declarations. A plot is drawn only when the rebuilt expressions give
back the counterexample's own values at its point, so a plot never shows something else.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sympy as sp

from derive.declarations import Declarations
from derive.spec import ClaimSpec, ExerciseSpec
from verify.result import ClaimResult

SpecIndex = dict[tuple[str, str], tuple[ExerciseSpec, ClaimSpec]]

_SAMPLES = 241
_SPAN = 2.0  # t runs over [-_SPAN, _SPAN]
_DERIVE_SECONDS = 5.0


@dataclass
class Plot:
    svg: str | None  # SVG document, or None when no plot could be drawn
    note: str  # what the x axis is, or why there is no plot


def _claim_declarations(ex: ExerciseSpec, claim: ClaimSpec) -> Declarations:
    # Same layering as the checker: the claim's own symbols/given over the exercise's.
    from derive.exercise import build_declarations

    symbols, given = claim.raw.get("symbols"), claim.raw.get("given")
    if isinstance(symbols, dict) or isinstance(given, dict):
        ex = replace(ex, symbols={**ex.symbols, **(symbols or {})}, given={**ex.given, **(given or {})})
    return build_declarations(ex)


def _lowered_sides(latex: str, decls: Declarations) -> list[sp.Basic]:
    from derive.latex import parse_latex
    from derive.lower import Lowerer

    low = Lowerer(decls)
    sides: list[sp.Basic] = []
    for st in parse_latex(latex).statements:
        for node in st.operands:
            if node.kind == "empty":
                continue
            try:
                sides.append(low.expr(node))
            except Exception:  # noqa: BLE001 - a side we cannot read is just not a candidate
                continue
    return sides


def _expressions(result: ClaimResult, specs: SpecIndex) -> tuple[list[sp.Basic], sp.Basic]:
    """(candidate claimed expressions, derived expression); raises when they cannot be rebuilt."""
    found = specs.get((result.exercise, result.claim))
    if found is not None:
        from verify.check import derive_expected
        from verify.compare import time_limit

        ex, claim = found
        decls = _claim_declarations(ex, claim)
        with time_limit(_DERIVE_SECONDS):
            expected = derive_expected(claim, ex, decls)
        if expected is None:
            raise ValueError("the spec gives no derivation")
        return _lowered_sides(claim.latex, decls), expected
    if not result.expected_latex:
        raise ValueError("no derived formula in the report")
    decls = Declarations()
    derived = _lowered_sides(result.expected_latex, decls)
    if len(derived) != 1:
        raise ValueError("the derived formula is not one expression")
    return _lowered_sides(result.claimed_latex, decls), derived[0]


def _evaluate(expr: sp.Basic, scalars: dict[str, np.ndarray], integers: dict[str, int], n: int) -> np.ndarray:
    from verify.numeric import Evaluator, SamplePoints

    pts = SamplePoints(n=n, seed=0, scalars=dict(scalars), integers=dict(integers))
    return Evaluator(pts)(expr)


def _close(a: float, b: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= 1e-3 * max(1.0, abs(b))


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def plot_claim(result: ClaimResult, specs: SpecIndex) -> Plot:
    """An SVG of claimed vs derived near the counterexample, or a note saying why there is none."""
    cx = result.counterexample
    if cx is None:
        return Plot(None, "no counterexample point to plot around")
    claimed_at, expected_at = _as_float(cx.claimed), _as_float(cx.expected)
    if claimed_at is None or expected_at is None:
        return Plot(None, "the counterexample values are not real numbers")
    integers = {k: int(v) for k, v in cx.point.items() if isinstance(v, int) and not isinstance(v, bool)}
    reals = {k: float(v) for k, v in cx.point.items() if k not in integers and _as_float(v) is not None}
    if not reals:
        return Plot(None, "the counterexample has no real variable to move along")
    try:
        candidates, expected = _expressions(result, specs)
        if isinstance(expected, sp.Eq):
            raise ValueError("the claim is an equation, not a value")
        at_point = {k: np.array([v]) for k, v in reals.items()}
        e0 = _evaluate(expected, at_point, integers, 1)[0]
        if not _close(e0, expected_at):
            raise ValueError("the rebuilt derivation does not give the reported value")
        claimed = next(c for c in candidates if _close(_evaluate(c, at_point, integers, 1)[0], claimed_at))
    except StopIteration:
        return Plot(None, "no plot: could not rebuild the claimed side that gives the reported value")
    except Exception as exc:  # noqa: BLE001 - any failure only means "no plot", said on the page
        return Plot(None, f"no plot: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")

    names = sorted(reals)
    t = np.linspace(-_SPAN, _SPAN, _SAMPLES)
    # One variable: its own axis. Several: move all of them together along (1, ..., 1)/sqrt(k).
    step = 1.0 / math.sqrt(len(names))
    line = {k: reals[k] + step * t for k in names}
    try:
        yc = _evaluate(claimed, line, integers, _SAMPLES)
        ye = _evaluate(expected, line, integers, _SAMPLES)
    except Exception as exc:  # noqa: BLE001
        return Plot(None, f"no plot: {exc}")
    if not (np.isfinite(yc).any() and np.isfinite(ye).any()):
        return Plot(None, "no plot: the values are not finite near the counterexample")
    if len(names) == 1:
        x, x0, label = t + reals[names[0]], reals[names[0]], names[0]
        note = f"claimed and derived value as {names[0]} varies; other values as at the counterexample"
    else:
        x, x0, label = t, 0.0, "t"
        note = (f"along the line through the counterexample where each of {', '.join(names)} "
                f"is moved by t/\u221a{len(names)}; t = 0 is the counterexample")
    return Plot(_svg(x, yc, ye, x0, claimed_at, expected_at, label), note)


def _svg(x: np.ndarray, yc: np.ndarray, ye: np.ndarray, x0: float, c0: float, e0: float, label: str) -> str:
    import matplotlib

    matplotlib.use("Agg")  # no display on CI or in a headless shell
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "derivcheck", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(5.0, 3.0))
        try:
            ax.plot(x, ye, color="#1a7f37", label="derived", linewidth=1.8)
            ax.plot(x, yc, color="#cf222e", label="claimed", linewidth=1.8, linestyle="--")
            ax.plot([x0], [e0], "o", color="#1a7f37")
            ax.plot([x0], [c0], "o", color="#cf222e")
            ax.axvline(x0, color="#888888", linewidth=0.8, linestyle=":")
            ax.annotate("counterexample", (x0, c0), textcoords="offset points", xytext=(6, 6), fontsize=8)
            ax.set_xlabel(label)
            ax.set_ylabel("value")
            ax.legend(loc="best", fontsize=8)
            ax.grid(True, alpha=0.3)
            fig.tight_layout()
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    return buf.getvalue()

"""Curves for the plot of a wrong claim: claimed and derived value along a line through the counterexample.

The report stores LaTeX and numbers only, so the SymPy expressions are rebuilt: from the exercise's spec
when it is at hand (the checker's own declarations), else from the report's LaTeX under default
declarations. A rebuilt pair is used only when it gives back the counterexample's own values at its point,
so a plot never shows something other than what was checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.spec.declarations import Declarations
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.report.html.kinks import kinks
from verify.result import ClaimResult, Verdict

SpecIndex = dict[tuple[str, str], tuple[ExerciseSpec, ClaimSpec]]

_SAMPLES = 401
_SPAN = 2.0  # t runs over [-_SPAN, _SPAN] along the line; one variable also covers [-2.5, 2.5]
_DERIVE_SECONDS = 5.0
_SOLVE_SECONDS = 2.0
_MAX_WIGGLES = 16  # turning points a curve may have and still be drawn faithfully by _SAMPLES points


class NoPlot(Exception):
    """Why a wrong claim gets no plot (one line, shown on the page)."""


@dataclass
class Curves:
    x: np.ndarray
    claimed: np.ndarray
    derived: np.ndarray
    x0: float  # the counterexample on the x axis, and both values there
    c0: float
    e0: float
    xlabel: str
    ylabel: str
    note: str
    kinks_claimed: np.ndarray = field(default_factory=lambda: np.empty(0))  # x positions of kinks and jumps
    kinks_derived: np.ndarray = field(default_factory=lambda: np.empty(0))


@dataclass
class _Pair:
    claimed: sp.Basic
    derived: sp.Basic
    # What must give the counterexample's values at its point (equations: residuals, not the curves).
    check_claimed: sp.Basic | None = None
    check_derived: sp.Basic | None = None
    ylabel: str = "value"
    what: str = ""


# --------------------------------------------------------------------------- rebuilding expressions


def claim_declarations(ex: ExerciseSpec, claim: ClaimSpec) -> Declarations:
    # Same layering as the checker: the claim's own symbols/given over the exercise's.
    from derive.lower.definitions import build_declarations

    symbols, given = claim.raw.get("symbols"), claim.raw.get("given")
    if isinstance(symbols, dict) or isinstance(given, dict):
        ex = replace(ex, symbols={**ex.symbols, **(symbols or {})}, given={**ex.given, **(given or {})})
    return build_declarations(ex)


class _Side:
    """One operand of a claim, lowered only when a candidate needs it (expectations can take seconds)."""

    def __init__(self, node: Any, low: Any) -> None:
        self._node, self._low, self._done = node, low, False
        self._value: sp.Basic | None = None

    @property
    def value(self) -> sp.Basic | None:
        if not self._done:
            self._done = True
            try:
                self._value = self._low.expr(self._node)
            except Exception:  # noqa: BLE001 - a side we cannot read is just not a candidate
                self._value = None
        return self._value


def _statements(latex: str, decls: Declarations) -> list[list[_Side]]:
    """Each relation chain of `latex` as its (lazily lowered) operands."""
    from derive.lower.lowerer import Lowerer
    from derive.parse.latex import parse_latex

    if not latex or not latex.strip():
        return []
    try:
        formula = parse_latex(latex)
    except Exception:  # noqa: BLE001 - unreadable LaTeX just gives no candidates
        return []
    low = Lowerer(decls)
    return [[_Side(node, low) for node in st.operands if node.kind != "empty"] for st in formula.statements]


def _values(sides: list[_Side]) -> Iterator[sp.Basic]:
    return (v for s in sides if (v := s.value) is not None)


def _solve_for(expr: sp.Basic, var: sp.Symbol) -> sp.Basic | None:
    from derive.recipes.interpreter import expand_sums
    from verify.compare.budget import time_limit

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


def _equation_pairs(result: ClaimResult, rows: list[list[_Side]], ref: sp.Basic) -> Iterator[_Pair]:
    """Equation claims: the value of the solved-for unknown under each equation (as the checker solved)."""
    m = re.search(r"with (\S+) solving the derived equation", f"{result.diagnosis} {result.message}")
    var = next((s for s in ref.free_symbols if m and getattr(s, "name", None) == m.group(1)), None)
    if var is None:
        return
    sol = _solve_for(ref, var)
    if sol is None:
        return
    for row in rows:
        if len(row) != 2 or row[0].value is None or row[1].value is None:
            continue
        residual = row[0].value - row[1].value
        check = residual.xreplace({var: sol})
        own = _solve_for(residual, var)
        if own is not None:
            yield _Pair(own, sol, check, sp.Integer(0), ylabel=str(var),
                        what=f"the value of {var} that solves the claimed and the derived equation")
        yield _Pair(check, sp.Integer(0), check, sp.Integer(0), ylabel="residual",
                    what=f"claimed equation's left minus right side, with {var} solving the derived one")


def _wrong_steps(result: ClaimResult, decls: Declarations) -> list[tuple[int, list[_Side]]]:
    """(1-based side index, sides) of each wrong step, from the checker's own LaTeX of that side."""
    return [(st.index, [x for row in _statements(st.latex, decls) for x in row])
            for st in result.steps if st.verdict.value == "wrong"]


def _spec_pairs(result: ClaimResult, ex: ExerciseSpec, claim: ClaimSpec,
                decls: Declarations) -> Iterator[_Pair]:
    from verify.claims.context import derive_expected
    from verify.compare.budget import time_limit

    try:
        with time_limit(_DERIVE_SECONDS):
            expected = derive_expected(claim, ex, decls)
    except Exception:  # noqa: BLE001 - the LaTeX route below may still work
        expected = None
    rows = _statements(claim.latex, decls)
    if isinstance(expected, sp.Eq):
        yield from _equation_pairs(result, rows, expected.lhs - expected.rhs)
        return
    sides = [s for row in rows for s in row]
    if expected is not None:  # the checker's LaTeX of the wrong step is cheaper to lower than the quote
        written = [x for _, w in _wrong_steps(result, decls) for x in w]
        yield from (_Pair(v, expected) for v in _values(written + sides))
        return
    # No derivation: each side is compared with the previous one. The wrong step's side comes first,
    # from the checker's own LaTeX, so only its predecessor needs lowering.
    for index, written in _wrong_steps(result, decls):
        if 2 <= index <= len(sides) and (before := sides[index - 2].value) is not None:
            yield from (_Pair(v, before) for v in _values([*written, sides[index - 1]]))
    for gap in range(1, len(sides)):
        for j in range(gap, len(sides)):
            if sides[j].value is not None and sides[j - gap].value is not None:
                yield _Pair(sides[j].value, sides[j - gap].value)


def _latex_pairs(result: ClaimResult, decls: Declarations) -> Iterator[_Pair]:
    derived_rows = _statements(result.expected_latex or "", decls)
    if len(derived_rows) != 1:
        return
    claim_rows = _statements(result.claimed_latex, decls)
    if len(derived_rows[0]) == 2:  # an equation
        lhs, rhs = (s.value for s in derived_rows[0])
        if lhs is not None and rhs is not None:
            yield from _equation_pairs(result, claim_rows, lhs - rhs)
        return
    if len(derived_rows[0]) != 1 or (derived := derived_rows[0][0].value) is None:
        return
    written = [x for _, sides in _wrong_steps(result, decls) for x in sides]
    yield from (_Pair(v, derived) for v in _values(written + [x for row in claim_rows for x in row]))


def _pairs(result: ClaimResult, specs: SpecIndex) -> Iterator[_Pair]:
    found = specs.get((result.exercise, result.claim))
    if found is not None:
        ex, claim = found
        try:
            decls = claim_declarations(ex, claim)
        except Exception:  # noqa: BLE001
            decls = None
        if decls is not None:
            yield from _spec_pairs(result, ex, claim, decls)
            yield from _latex_pairs(result, decls)
    yield from _latex_pairs(result, Declarations())


# --------------------------------------------------------------------------- numbers


def _evaluate(expr: sp.Basic, scalars: dict[str, np.ndarray], integers: dict[str, int], n: int,
              seed: int) -> np.ndarray:
    from derive.numeric import Evaluator, SamplePoints

    pts = SamplePoints(n=n, seed=seed, scalars=dict(scalars), integers=dict(integers))
    value = Evaluator(pts)(expr)
    if value.shape != (n,):
        raise NoPlot("the value is not a number")
    return value


def _close(a: float, b: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= 1e-3 * max(1.0, abs(b))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None  # strings such as {"entry": "3"} name a table cell, not a variable
    return float(value)


def _oracle_seeds(result: ClaimResult, report_seed: int, entry: int = 0) -> list[int]:
    """Seeds the checker may have drawn an opaque function (f[x, phi]) with: chain step plus matrix entry
    offsets, then the trial number, exactly as `verify.compare` combines them."""
    from verify.claims.context import claim_seed
    from verify.compare.engine import TRIALS

    base = claim_seed(report_seed, result.exercise, result.claim)
    return [(base + k) * 1000 + trial for k in [*range(8 + entry), 97] for trial in range(TRIALS)]


def _entry_of(result: ClaimResult, pair: _Pair) -> tuple[_Pair, int] | None:
    """A matrix claim is compared entry by entry; the report names the first wrong one."""
    m = re.search(r"entry \((\d+),(\d+)\)", f"{result.diagnosis} {result.message}")
    c, d = pair.claimed, pair.derived
    if m is None or not (isinstance(c, sp.MatrixBase) and isinstance(d, sp.MatrixBase)) or c.shape != d.shape:
        return None
    i, j = int(m.group(1)) - 1, int(m.group(2)) - 1
    if not (i < d.shape[0] and j < d.shape[1]):
        return None
    what = f"entry ({i + 1},{j + 1})" + (f", {pair.what}" if pair.what else "")
    return _Pair(c[i, j], d[i, j], ylabel=f"entry ({i + 1},{j + 1})", what=what), i * d.shape[1] + j


def _matching(result: ClaimResult, pairs: Iterator[_Pair], reals: dict[str, float], integers: dict[str, int],
              report_seed: int) -> tuple[_Pair, int]:
    cx = result.counterexample
    assert cx is not None
    c0, e0 = float(cx.claimed), float(cx.expected)
    at = {k: np.array([v]) for k, v in reals.items()}
    seen = 0
    for pair in pairs:
        seen += 1
        entry = 0
        if (picked := _entry_of(result, pair)) is not None:
            pair, entry = picked
        exprs = (pair.claimed if pair.check_claimed is None else pair.check_claimed,
                 pair.derived if pair.check_derived is None else pair.check_derived)
        # Only plain values: not equations, matrices or the checker's own wrappers (argmin classes, ...).
        if any(not isinstance(e, sp.Expr) or isinstance(e, sp.MatrixBase) for e in exprs):
            continue
        opaque = any(e.atoms(AppliedUndef) for e in exprs)
        for seed in _oracle_seeds(result, report_seed, entry) if opaque else [0]:
            try:
                if (_close(_evaluate(exprs[1], at, integers, 1, seed)[0], e0)
                        and _close(_evaluate(exprs[0], at, integers, 1, seed)[0], c0)):
                    return pair, seed
            except Exception:  # noqa: BLE001 - a candidate we cannot evaluate is not the one
                break
    if not seen:
        raise NoPlot("the claim and its derivation could not be rebuilt")
    raise NoPlot("no rebuilt claim gives the reported values at the counterexample")


# --------------------------------------------------------------------------- entry

FIXED_INDEX = "even with the index fixed to 1"


def _fixed_index(result: ClaimResult, specs: SpecIndex, report_seed: int) -> tuple[ClaimResult, list[_Pair]]:
    """An ill-posed claim with a free index that is wrong even read at i = 1 (the checker's own test):
    that reading, with the counterexample the checker's comparison finds (same seed)."""
    from verify.claims.context import claim_seed, derive_expected
    from verify.compare.budget import time_limit
    from verify.compare.equal import compare

    m = re.match(r"free index ([\w, ]+?)(?: outside any sum)?$", result.diagnosis or "")
    found = specs.get((result.exercise, result.claim))
    if FIXED_INDEX not in result.message or m is None:
        raise NoPlot("an ill-posed claim has no value to plot")
    if found is None:
        raise NoPlot("rebuilding an ill-posed claim needs the exercise's spec")
    names = {n.strip() for n in m.group(1).split(",")}
    ex, claim = found
    try:
        decls = claim_declarations(ex, claim)
        with time_limit(_DERIVE_SECONDS):
            expected = derive_expected(claim, ex, decls)
    except Exception:  # noqa: BLE001
        expected = None
    if isinstance(expected, (sp.Eq, sp.MatrixBase)):
        raise NoPlot("the derived value is an equation or a matrix, not one number to plot")
    if not isinstance(expected, sp.Expr):
        raise NoPlot("the derivation could not be rebuilt")
    for value in _values([x for row in _statements(claim.latex, decls) for x in row]):
        subs = {s: sp.Integer(1) for s in value.free_symbols if getattr(s, "name", None) in names}
        if not subs:
            continue
        fixed = value.xreplace(subs)
        try:
            seed = claim_seed(report_seed, ex.id, claim.id) + 97  # as verify.check._bind_free_index
            comp = compare(fixed, expected, seed=seed, proof_seconds=0.5)
        except Exception:  # noqa: BLE001
            continue
        if comp.equal is False and comp.counterexample is not None:
            what = f"the claim read with its free index {', '.join(sorted(names))} = 1"
            return replace(result, counterexample=comp.counterexample), [_Pair(fixed, expected, what=what)]
    raise NoPlot("no side of the claim differs from the derivation with its index fixed")


def claim_curves(result: ClaimResult, specs: SpecIndex, report_seed: int = 0) -> Curves:
    """Claimed and derived value along a line through the counterexample; NoPlot says why not."""
    pairs: Iterator[_Pair] | None = None
    if result.verdict is Verdict.ILL_POSED:
        result, fixed = _fixed_index(result, specs, report_seed)
        pairs = iter(fixed)
    cx = result.counterexample
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
    pair, seed = _matching(result, pairs or _pairs(result, specs), reals, integers, report_seed)
    return _along_line(pair, seed, reals, integers)


def _wiggles(y: np.ndarray) -> int:
    d = np.diff(y[np.isfinite(y)])
    return int(np.count_nonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0))


def _along_line(pair: _Pair, seed: int, reals: dict[str, float], integers: dict[str, int]) -> Curves:
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
            t = np.linspace(lo, hi, _SAMPLES)
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
    except NoPlot:
        raise
    except Exception as exc:  # noqa: BLE001 - any evaluation failure only means "no plot", said on the page
        raise NoPlot(f"cannot evaluate along a line ({type(exc).__name__})") from None
    if not (np.isfinite(yc).any() and np.isfinite(ye).any()):
        raise NoPlot("the values are not finite near the counterexample")

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
    return Curves(x, yc, ye, shift, c0, e0, xlabel, pair.ylabel, note, kc + shift, ke + shift)

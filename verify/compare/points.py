"""Whether a condition holds at a point, decided exactly or to 50 digits, never in floating point.

Used by the comparisons of conditions (verify/compare/conditions.py) and sets (sets.py): a counterexample is a
point where one side holds and the other does not, each decided here; an undecidable value (outside a side's
domain, not real, or too close to a boundary to tell) is no evidence either way.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from verify.compare.readings import Rel

DIGITS = 50
ZERO_BELOW = sp.Float(10) ** -40      # |value| below: zero only if SymPy proves it is
NONZERO_ABOVE = sp.Float(10) ** -30   # |value| above, at 50 digits: its sign is decided
_DENOMINATORS = (1, 1, 2, 3, 4, 5, 7)


def sign(value: sp.Expr) -> int | None:
    """-1, 0 or 1 for an exact number (Rational) or a real one decided at 50 digits; None if undecided."""
    if value.is_Rational:
        return int(bool(value > 0)) - int(bool(value < 0))
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    try:
        n = sp.N(value, DIGITS)
        re_part, im_part = n.as_real_imag()
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not (re_part.is_Number and im_part.is_Number) or abs(im_part) > ZERO_BELOW:
        return None   # not real here: outside the real reading of the side
    if abs(re_part) > NONZERO_ABOVE:
        return 1 if re_part > 0 else -1
    if abs(re_part) < ZERO_BELOW:
        try:
            return 0 if sp.simplify(value) == 0 else None
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            return None
    return None


def undefined(rel: Rel, point: dict[sp.Symbol, sp.Expr]) -> bool:
    """A side has no value at the point as written, exactly: a division by zero (`1/0`, `0/0`, log 0)."""
    return sp.sympify(rel.d).xreplace(point).has(sp.zoo, sp.nan)


def holds(rels: list[Rel], point: dict[sp.Symbol, sp.Expr]) -> bool | None:
    """All of `rels` hold at `point` (True/False), or None when one of them cannot be decided there.

    A relation whose side is undefined at the point (exactly, `undefined`) does not hold there: the solution
    set of an equation or inequality lies in its domain ((x^2 - 1)/(x - 1) = 2 has no solution)."""
    result: bool | None = True
    for rel in rels:
        if undefined(rel, point):
            result = False
            continue
        s = sign(sp.sympify(rel.d).xreplace(point))
        if s is None:
            return None
        ok = {"=": s == 0, "!=": s != 0, "<": s < 0, "<=": s <= 0}[rel.op]
        if not ok:
            result = False   # keep going: a later undecidable relation makes the point no evidence
    return result


def holds_any(terms: list[list[Rel]], point: dict[sp.Symbol, sp.Expr]) -> bool | None:
    """One of the alternatives holds (True), none does (False), or undecided (None) where that matters."""
    results = [holds(t, point) for t in terms]
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


def admissible(point: dict[sp.Symbol, sp.Expr]) -> bool:
    """The point honours each symbol's declared assumptions (a counterexample at n = 1/2 for an integer n, or at
    x = -1 for a positive x, would be no counterexample)."""
    for sym, v in point.items():
        for flag, ok in (("integer", v.is_integer), ("positive", v.is_positive), ("negative", v.is_negative),
                         ("nonnegative", v.is_nonnegative), ("nonpositive", v.is_nonpositive)):
            if sym.assumptions0.get(flag) and ok is not True:
                return False
    return True


def domain_of(sym: sp.Symbol) -> sp.Set | None:
    """The real values a symbol may take by its declared assumptions, or None for an integer one (solution
    sets over the reals say nothing about which integers they hold)."""
    flags = sym.assumptions0
    if flags.get("integer"):
        return None
    if flags.get("positive"):
        return sp.Interval.open(0, sp.oo)
    if flags.get("negative"):
        return sp.Interval.open(-sp.oo, 0)
    if flags.get("nonnegative"):
        return sp.Interval(0, sp.oo)
    if flags.get("nonpositive"):
        return sp.Interval(-sp.oo, 0)
    return sp.S.Reals


def random_value(sym: sp.Symbol, rng: random.Random, wide: bool = False) -> sp.Rational:
    """A small rational honouring the symbol's assumptions (integer, positive, nonnegative, negative)."""
    top = 40 if wide else 9
    if sym.is_integer:
        v = sp.Integer(rng.randint(-top, top))
    else:
        v = sp.Rational(rng.randint(-top, top), rng.choice(_DENOMINATORS))
    if sym.is_positive and v <= 0 or sym.is_nonnegative and v < 0:
        v = -v + (1 if sym.is_positive else 0)
    if sym.is_negative and v >= 0:
        v = -v - 1
    return v


def random_point(symbols: list[sp.Symbol], rng: random.Random, wide: bool = False) -> dict[sp.Symbol, sp.Expr]:
    return {s: random_value(s, rng, wide) for s in symbols}


def shown(value: sp.Expr) -> Any:
    """A coordinate for a counterexample: an int, a float when the rational is a short decimal, "p/q" for another
    rational, else the exact value in LaTeX (`\\frac{\\sqrt{2}}{2}`, `2 \\pi`), which `equiv` reads back."""
    if value.is_Integer:
        return int(value)
    if value.is_Rational:
        q = int(value.q)
        while q % 2 == 0:
            q //= 2
        while q % 5 == 0:
            q //= 5
        return float(value) if q == 1 else f"{value.p}/{value.q}"
    return sp.latex(value)


def shown_point(point: dict[sp.Symbol, sp.Expr]) -> dict[str, Any]:
    return {s.name: shown(v) for s, v in sorted(point.items(), key=lambda kv: kv[0].name)}


__all__ = ["admissible", "domain_of", "holds", "holds_any", "undefined", "random_point", "random_value", "shown", "shown_point", "sign"]

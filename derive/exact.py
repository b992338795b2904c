"""Exact rational evaluation of a SymPy expression at one sample point, with Python's `Fraction`.

Agreement counts only when both sides are evaluated exactly (or to 50 digits) at some of the sampled points. For
the rational part of mathematics (polynomials, rational functions, sums over data, counts, piecewise-linear
activations) that value is a `Fraction` of the point's coordinates taken as exact binary fractions, computed here
node by node with shared subexpressions evaluated once. SymPy's `doit()` + `xreplace` + `N` reached the same value
through general symbolic machinery and cost a quarter of the whole suite's time.

Anything that is not rational at a rational point (exp, log, a fractional power, a floating-point constant) raises
`NotRational`; the caller then evaluates that expression to many digits instead (derive/precise.py).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from fractions import Fraction
from math import ceil, factorial, floor
from typing import Any

import numpy as np
import sympy as sp

from derive.numeric import (
    MAX_SUM_TERMS,
    NumericError,
    SamplePoints,
    data_sign,
    double_factorial,
    integer_binomial,
    value_key,
)
from derive.walk import MemoWalk

MAX_EXPONENT = 4096     # x^6000 is rational but its digits are not worth the time: evaluated to 60 digits instead


class NotRational(Exception):
    """The expression is not a rational function of the point at this point (or not cheaply)."""


_RELATIONS = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge, "==": operator.eq,
              "!=": operator.ne}


def _relation(op: str, a: Fraction, b: Fraction) -> bool:
    return _RELATIONS[op](a, b)   # (only the one comparison asked for, on a hot path)


class RationalEvaluator(MemoWalk):
    """Values as Fractions, given the value of each free symbol (`values`); an unknown symbol or an indexed
    quantity is NotRational (subclasses read them from sample points)."""

    def __init__(self, values: Mapping[sp.Symbol, Fraction] | None = None) -> None:
        super().__init__()
        self.values = values or {}

    def _symbol(self, e: sp.Symbol) -> Fraction:
        value = self.values.get(e)
        if value is None:
            raise NotRational(f"no value for {e.name}")
        return value

    def _indexed(self, e: sp.Indexed) -> Fraction:
        raise NotRational("no values for indexed quantities")

    def __call__(self, expr: sp.Basic) -> Fraction:
        value = self._ev(expr)
        if isinstance(value, bool):
            raise NotRational("a condition, not a value")
        return value

    def _leaf(self, e: sp.Basic) -> Fraction | None:
        if e.is_Integer:
            return Fraction(int(e))
        if e.is_Rational:
            return Fraction(int(e.p), int(e.q))
        return None

    def _node(self, e: sp.Basic) -> Any:  # noqa: C901 - one dispatch over node types, as in derive/precise.py
        if isinstance(e, sp.Symbol):
            return Fraction(self._bound[e]) if e in self._bound else self._symbol(e)
        if isinstance(e, sp.Add):
            return sum((self._ev(a) for a in e.args), Fraction(0))
        if isinstance(e, sp.Mul):
            out = Fraction(1)
            for a in e.args:
                out *= self._ev(a)
            return out
        if isinstance(e, sp.Pow):
            if not e.exp.is_Integer or abs(int(e.exp)) > MAX_EXPONENT:
                raise NotRational("a power that is not a whole number")
            base = self._ev(e.base)
            return base ** int(e.exp)   # 0 ** -n: ZeroDivisionError, a point where the value is undefined
        if isinstance(e, sp.Indexed):
            return self._indexed(e)
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._loop(e)
        if isinstance(e, sp.Abs):
            return abs(self._ev(e.args[0]))
        if isinstance(e, sp.sign):
            v = self._ev(e.args[0])
            return Fraction((v > 0) - (v < 0))
        if isinstance(e, (sp.Max, sp.Min)):
            values = [self._ev(a) for a in e.args]
            return max(values) if isinstance(e, sp.Max) else min(values)
        if isinstance(e, sp.Heaviside):
            v = self._ev(e.args[0])
            if v == 0:
                return self._ev(e.args[1]) if len(e.args) > 1 else Fraction(1, 2)
            return Fraction(1 if v > 0 else 0)
        if isinstance(e, sp.Piecewise):
            for value, cond in e.args:
                if self._ev(cond):
                    return self._ev(value)
            raise NotRational("no branch of the piecewise function holds")
        if isinstance(e, sp.core.relational.Relational):
            return _relation(e.rel_op, self._ev(e.lhs), self._ev(e.rhs))
        if (truth := self._connective(e)) is not None:
            return truth
        if isinstance(e, sp.KroneckerDelta):
            return Fraction(1 if self._ev(e.args[0]) == self._ev(e.args[1]) else 0)
        if isinstance(e, sp.binomial):
            n, k = self._int(e.args[0]), self._int(e.args[1])
            return Fraction(integer_binomial(n, k))
        if isinstance(e, sp.factorial):
            n = self._int(e.args[0])
            if n < 0 or n > MAX_EXPONENT:
                raise NotRational("factorial out of range")
            return Fraction(factorial(n))
        if isinstance(e, sp.factorial2):
            n = self._int(e.args[0])
            if n > MAX_EXPONENT:
                raise NotRational("double factorial out of range")
            return Fraction(double_factorial(n))
        if isinstance(e, sp.floor):
            return Fraction(floor(self._ev(e.args[0])))
        if isinstance(e, sp.ceiling):
            return Fraction(ceil(self._ev(e.args[0])))
        raise NotRational(f"{type(e).__name__} is not evaluated exactly")

    def _int(self, e: sp.Basic) -> int:
        if e.is_Integer:
            return int(e)
        v = self._ev(e)
        if isinstance(v, bool) or v.denominator != 1:
            raise NumericError("non-integer index or bound")
        return int(v)

    def _loop(self, e: sp.Basic) -> Fraction:
        var, lo, hi = e.limits[-1]   # the last limit is the outermost (SymPy's order)
        start, end = self._int(lo), self._int(hi)
        if end < start - 1:   # SymPy reads such a sum as minus the sum the other way round (Karr); no evidence
            raise NotRational("a sum or product whose upper limit is below its lower one")
        if end - start + 1 > MAX_SUM_TERMS:
            raise NotRational("a sum with too many terms")
        inner = e.func(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        if isinstance(e, sp.Sum):
            return sum(self._terms(var, start, end, inner), Fraction(0))
        out = Fraction(1)
        for term in self._terms(var, start, end, inner):
            out *= term
        return out


class PointEvaluator(RationalEvaluator):
    """Values at point `k` of `pts`; `point` collects the coordinates used, as a report prints them (name ->
    value rounded to 6 digits, whole numbers as ints)."""

    def __init__(self, pts: SamplePoints, k: int, point: dict[str, object]) -> None:
        super().__init__()
        self.pts, self.k, self.point = pts, k, point

    def _coordinate(self, name: str, value: float) -> Fraction:
        self.point.setdefault(name, round(float(value), 6))
        return Fraction(float(value))

    def _symbol(self, e: sp.Symbol) -> Fraction:
        value = self.pts.symbol_value(e)
        if isinstance(value, (int, np.integer)):
            self.point.setdefault(e.name, int(value))
            return Fraction(int(value))
        return self._coordinate(e.name, value[self.k])

    def _indexed(self, e: sp.Indexed) -> Fraction:
        key = value_key(str(e.base.label), tuple(self._int(i) for i in e.indices))
        return self._coordinate(key, self.pts.keyed_value(key, data_sign(e.base))[self.k])


def as_rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def rational_at(expr: sp.Basic, values: Mapping[sp.Symbol, Fraction]) -> sp.Rational:
    """`expr` with each symbol replaced by its value, as an exact Rational; NotRational when it is not one."""
    return as_rational(RationalEvaluator(values)(expr))


def rational_value(expr: sp.Basic, pts: SamplePoints, k: int, point: dict[str, object]) -> sp.Rational:
    """`expr` at sample point k as an exact Rational; NotRational when it is not one (or not cheaply)."""
    found: dict[str, object] = {}
    value = PointEvaluator(pts, k, found)(expr)
    point.update(found)   # only once the value is known: a fallback records its own coordinates
    return as_rational(value)


__all__ = ["NotRational", "PointEvaluator", "RationalEvaluator", "as_rational", "rational_at", "rational_value"]

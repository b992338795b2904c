"""High-precision evaluation of a SymPy expression at one sample point, with mpmath.

The floating-point `Evaluator` (derive/numeric.py) finds where two expressions might differ; agreement and
disagreement are decided here, at many more digits, on the same sample point (the point's coordinates are the
float samples taken as exact binary fractions). Shared subexpressions are evaluated once, so the derivative of
a deep network (thousands of operations, mostly repeated) costs milliseconds, not the seconds `sympy.N` takes.

Values that are not real (a negative base under a fractional power, the log of a negative number) are
principal complex values (mpmath's `mpc`); the caller decides what that means.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import factorial

import mpmath
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

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

_UNARY = {
    sp.exp: mpmath.exp, sp.log: mpmath.log, sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
    sp.tanh: mpmath.tanh, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh, sp.asin: mpmath.asin,
    sp.acos: mpmath.acos, sp.atan: mpmath.atan, sp.erf: mpmath.erf, sp.floor: mpmath.floor,
    sp.ceiling: mpmath.ceil, sp.sec: mpmath.sec, sp.csc: mpmath.csc, sp.cot: mpmath.cot, sp.coth: mpmath.coth,
    sp.sech: mpmath.sech, sp.csch: mpmath.csch, sp.asinh: mpmath.asinh, sp.acosh: mpmath.acosh,
    sp.atanh: mpmath.atanh, sp.acot: mpmath.acot, sp.asec: mpmath.asec, sp.acsc: mpmath.acsc,
    sp.acoth: mpmath.acoth, sp.asech: mpmath.asech, sp.acsch: mpmath.acsch, sp.sinc: mpmath.sinc,
    sp.gamma: mpmath.gamma,
}
_PERIODIC = frozenset({sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot})
MAX_PERIODIC_DIGITS = 200
_RELATIONS = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
              ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


_MAX_LOG_MAGNITUDE = 10**6
_CANCELLATION_BITS = 50   # terms 2^50 (10^15) times larger than their sum (and than 1): count the digits lost
MAX_ESCALATED_DIGITS = 2000        # digits a cancelling sum may ask for; beyond, the point is no evidence


class LostPrecision(Exception):
    """A sum cancelled more digits than the working precision kept; `extra` more digits would keep them."""

    def __init__(self, extra: int) -> None:
        super().__init__(f"cancellation needs {extra} more digits")
        self.extra = extra


class PointEvaluator(MemoWalk):
    """Evaluate expressions at point `k` of `pts` with `digits` significant digits (plus guard digits).

    `point` collects the coordinates used (name -> value), for the counterexample a report prints."""

    GUARD_DIGITS = 20

    def __init__(self, pts: SamplePoints, k: int, digits: int) -> None:
        super().__init__()
        self.pts, self.k, self.digits = pts, k, digits
        self.extra_digits = 0   # beyond digits + GUARD_DIGITS, for sums that cancel (_watch_cancellation)
        self.point: dict[str, object] = {}

    def __call__(self, expr: sp.Basic) -> mpmath.mpf | mpmath.mpc:
        with mpmath.workdps(self.digits + self.GUARD_DIGITS + self.extra_digits):
            value = self._ev(expr)
            if isinstance(value, bool):
                raise NumericError("a condition, not a value")
            return +mpmath.mpmathify(value)

    def _leaf(self, e: sp.Basic):
        if e.is_Atom and not isinstance(e, (sp.Symbol, sp.Indexed)):   # (SymPy counts x_i as an atom)
            return self._atom(e)
        return None

    def _atom(self, e: sp.Basic):
        if e.is_Integer:
            return mpmath.mpf(int(e))
        if e.is_Rational:
            return mpmath.mpf(int(e.p)) / int(e.q)
        if e.is_Float:
            return mpmath.mpf(e._mpf_)
        constants = {sp.E: mpmath.e, sp.pi: mpmath.pi, sp.oo: mpmath.inf, sp.S.NegativeInfinity: -mpmath.inf,
                     sp.nan: mpmath.nan, sp.I: mpmath.mpc(0, 1)}
        if e in constants:
            return +constants[e]
        if e is sp.true or e is sp.false:
            return bool(e)
        raise NumericError(f"cannot evaluate {type(e).__name__}")

    def _scalar(self, name: str, value: float) -> mpmath.mpf:
        self.point.setdefault(name, round(float(value), 6))
        return mpmath.mpf(float(value))

    def _symbol(self, e: sp.Symbol):
        value = self.pts.symbol_value(e)
        if isinstance(value, (int, np.integer)):
            self.point.setdefault(e.name, int(value))
            return mpmath.mpf(int(value))
        return self._scalar(e.name, value[self.k])

    def _indexed(self, e: sp.Indexed):
        key = value_key(str(e.base.label), tuple(self._int(i) for i in e.indices))
        return self._scalar(key, self.pts.keyed_value(key, data_sign(e.base))[self.k])

    def _node(self, e: sp.Basic):  # noqa: C901 - one dispatch over node types, as in derive/numeric.py
        if isinstance(e, sp.Symbol):
            if e in self._bound:
                return mpmath.mpf(self._bound[e])
            return self._symbol(e)
        if isinstance(e, sp.Add):
            terms = [self._ev(a) for a in e.args]
            total = mpmath.fsum(terms)
            self._watch_cancellation(terms, total)
            return total
        if isinstance(e, sp.Mul):
            return mpmath.fprod(self._ev(a) for a in e.args)
        if isinstance(e, sp.Pow):
            return self._power(e)
        fn = _UNARY.get(e.func)
        if fn is not None:
            arg = self._ev(e.args[0])
            if e.func in _PERIODIC and mpmath.isfinite(arg) and abs(arg) > mpmath.mpf(10) ** MAX_PERIODIC_DIGITS:
                # sin(e^{e^{10}}): reducing the argument modulo 2 pi needs pi to as many digits as the argument
                # has, which takes minutes; such a point is no evidence either way
                raise NumericError("a periodic function of an argument too large to reduce")
            return fn(arg)
        if isinstance(e, sp.Abs):
            return abs(self._ev(e.args[0]))
        if isinstance(e, sp.sign):
            v = self._ev(e.args[0])
            return mpmath.mpf(0) if v == 0 else v / abs(v)
        if isinstance(e, (sp.Max, sp.Min)):
            values = [self._real(self._ev(a)) for a in e.args]
            return max(values) if isinstance(e, sp.Max) else min(values)
        if isinstance(e, sp.atan2):
            return mpmath.atan2(self._real(self._ev(e.args[0])), self._real(self._ev(e.args[1])))
        if isinstance(e, sp.Heaviside):
            v = self._real(self._ev(e.args[0]))
            if v == 0:
                return self._ev(e.args[1]) if len(e.args) > 1 else mpmath.mpf(0.5)
            return mpmath.mpf(1 if v > 0 else 0)
        if isinstance(e, sp.Piecewise):
            for value, cond in e.args:
                if self._ev(cond):
                    return self._ev(value)
            return mpmath.nan
        if isinstance(e, sp.core.relational.Relational):
            return _RELATIONS[e.rel_op](self._real(self._ev(e.lhs)), self._real(self._ev(e.rhs)))
        if (truth := self._connective(e)) is not None:
            return truth
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._sum(e)
        if isinstance(e, sp.Indexed):
            return self._indexed(e)
        if isinstance(e, sp.KroneckerDelta):
            return mpmath.mpf(1 if self._ev(e.args[0]) == self._ev(e.args[1]) else 0)
        if isinstance(e, sp.binomial):
            n, k = self._int(e.args[0]), self._int(e.args[1])
            return mpmath.mpf(integer_binomial(n, k))
        if isinstance(e, sp.factorial):
            return mpmath.mpf(factorial(self._int(e.args[0])))
        if isinstance(e, sp.factorial2):
            return mpmath.mpf(double_factorial(self._int(e.args[0])))
        if isinstance(e, sp.besseli):
            return mpmath.besseli(self._int(e.args[0]), self._ev(e.args[1]))
        if isinstance(e, AppliedUndef):
            return self._oracle(str(e.func), [self._ev(a) for a in e.args])
        raise NumericError(f"cannot evaluate {type(e).__name__}")

    def _watch_cancellation(self, terms: list, total) -> None:
        """Terms of 10^160 that cancel to 1 (cosh^2 x - sinh^2 x far from 0) leave only rounding error at any
        precision short of 160 digits, and the same rounding error at two precisions looks like a true value.
        A sum whose rounding error (its largest term times the working precision) is not far below its own size
        asks for more digits (LostPrecision, caught by `_escalating`). Sizes are compared as binary exponents
        (`mpmath.mag`), which costs a fraction of a microsecond per term."""
        if not all(isinstance(t, (mpmath.mpf, mpmath.mpc)) for t in terms):
            return
        top = max(mpmath.mag(t) for t in terms)
        if not isinstance(top, int) or top < _CANCELLATION_BITS:   # small terms, or an infinity / nan
            return
        size = mpmath.mag(total)
        lost_bits = top - (max(size, 0) if isinstance(size, int) else 0)
        if lost_bits <= _CANCELLATION_BITS:
            return
        lost = int(lost_bits * 0.30103) + 1   # decimal digits
        if lost > self.extra_digits + self.GUARD_DIGITS - 5:
            raise LostPrecision(lost + 10)

    def _power(self, e: sp.Pow):
        base = self._ev(e.base)
        if e.exp.is_Integer:
            n = int(e.exp)
            if base == 0 and n < 0:
                return mpmath.nan
            return base ** n
        exponent = self._ev(e.exp)
        if base == 0:
            real = self._real(exponent)
            return mpmath.mpf(0) if real > 0 else mpmath.nan
        # A power tower (x^{x^{x^...}}) reaches exponents whose exp needs memory in proportion to their size:
        # a value beyond e^(10^6) is refused, as floating point refuses one beyond e^709.
        if abs(exponent) * abs(mpmath.log(abs(base))) > _MAX_LOG_MAGNITUDE:
            raise NumericError("a power too large to evaluate")
        return mpmath.power(base, exponent)

    @staticmethod
    def _real(value) -> mpmath.mpf:
        if isinstance(value, mpmath.mpc):
            if value.imag != 0:
                raise NumericError("an order comparison of a complex value")
            return value.real
        return value

    def _int(self, e: sp.Basic) -> int:
        if e.is_Integer:
            return int(e)
        v = self._real(self._ev(e))
        if v != int(v):
            raise NumericError("non-integer index or bound")
        return int(v)

    def _sum(self, e: sp.Basic):
        body = e.function
        var, lo, hi = e.limits[-1]   # the last limit is the outermost (SymPy's order)
        start, end = self._int(lo), self._int(hi)
        if end < start - 1:   # SymPy reads such a sum as minus the sum the other way round (Karr); no evidence
            raise NumericError("a sum or product whose upper limit is below its lower one")
        if end - start + 1 > MAX_SUM_TERMS:
            raise NumericError("sum with too many terms to evaluate")
        inner = e.func(body, *e.limits[:-1]) if len(e.limits) > 1 else body
        terms = list(self._terms(var, start, end, inner))
        return mpmath.fsum(terms) if isinstance(e, sp.Sum) else mpmath.fprod(terms)

    def _oracle(self, name: str, args: list) -> mpmath.mpf:
        """The same fixed random function as `SamplePoints.oracle`, computed at this precision."""
        weights, shift, coupling_weight = self.pts.oracle_weights(name, len(args))
        total = mpmath.mpf(0)
        coupling = mpmath.mpf(1)
        for k, (a, w) in enumerate(zip(args, weights, strict=True)):
            w0, w1, w2, w3 = (mpmath.mpf(float(x)) for x in w)
            total += w0 * mpmath.sin(w1 * a + k) + w2 * a
            coupling *= mpmath.cos(w3 * a + mpmath.mpf(k) / 2)
        if len(args) > 1:
            total += mpmath.mpf(coupling_weight) * coupling
        return total + mpmath.mpf(shift)


class ValuesEvaluator(PointEvaluator):
    """Evaluate with given exact values of the free symbols (no sample points, no indexed data, no opaque
    functions: those raise NumericError)."""

    def __init__(self, values: Mapping[sp.Symbol, Fraction], digits: int) -> None:
        super().__init__(SamplePoints(n=1, seed=0), 0, digits)
        self.values = values

    def _symbol(self, e: sp.Symbol):
        value = self.values.get(e)
        if value is None:
            raise NumericError(f"no value for {e.name}")
        return mpmath.mpf(value.numerator) / value.denominator

    def _indexed(self, e: sp.Indexed):
        raise NumericError("no values for indexed quantities")

    def _oracle(self, name: str, args: list) -> mpmath.mpf:
        raise NumericError(f"no values for the function {name}")


def value_with(expr: sp.Basic, values: Mapping[sp.Symbol, Fraction], digits: int) -> mpmath.mpf | mpmath.mpc:
    """`expr` to `digits` digits with each free symbol at its exact value; NumericError when it has none."""
    return _escalating(lambda d: ValuesEvaluator(values, d), expr, digits, None)


def precise_value(expr: sp.Basic, pts: SamplePoints, k: int, digits: int,
                  point: dict[str, object] | None = None) -> mpmath.mpf | mpmath.mpc:
    """`expr` at sample point k to `digits` digits; the coordinates used are added to `point`."""
    return _escalating(lambda d: PointEvaluator(pts, k, d), expr, digits, point)


def _escalating(make, expr: sp.Basic, digits: int, point: dict[str, object] | None):
    """Evaluate with the evaluator `make(digits)` builds, again with more digits while a sum cancels more than
    they keep (LostPrecision), up to MAX_ESCALATED_DIGITS."""
    extra = 0
    while True:
        ev = make(digits)
        ev.extra_digits = extra
        try:
            value = ev(expr)
        except LostPrecision as lost:
            extra = max(lost.extra, extra + 10)
            if digits + extra > MAX_ESCALATED_DIGITS:
                raise NumericError(f"terms cancel beyond {MAX_ESCALATED_DIGITS} digits") from None
            continue
        except (ZeroDivisionError, OverflowError, ValueError, TypeError) as exc:
            raise NumericError(f"cannot evaluate at the point ({exc})") from None
        if point is not None:
            point.update(ev.point)
        return value

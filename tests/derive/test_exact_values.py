"""derive/exact.py: exact values at a sample point agree with SymPy's own substitution, and anything not rational
is refused rather than approximated."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.exact import NotRational, rational_value
from derive.numeric import NumericError, SamplePoints, value_key
from derive.precise import precise_value

x, y = sp.symbols("x y", real=True)
n = sp.Symbol("n", integer=True, positive=True)
i = sp.Symbol("i", integer=True)
X = sp.IndexedBase("X")


def _sympy_value(expr: sp.Expr, pts: SamplePoints, k: int) -> sp.Expr:
    """The reference: substitute the point's coordinates as exact rationals and let SymPy evaluate."""
    ints = {s: sp.Integer(pts.symbol_value(s)) for s in expr.free_symbols if s.is_integer and s != i}
    e = expr.xreplace(ints).doit()
    subs = {a: sp.Rational(float(pts.keyed_value(value_key(str(a.base.label), tuple(int(j) for j in a.indices)))[k]))
            for a in e.atoms(sp.Indexed)}
    subs.update({s: sp.Rational(float(pts.symbol_value(s)[k])) for s in e.free_symbols
                 if isinstance(s, sp.Symbol) and not s.is_integer})
    return e.xreplace(subs)


@pytest.mark.parametrize("expr", [
    (x + 1) ** 2 - x ** 2 - 2 * x - 1,
    x / (1 + x ** 2) - y ** -3,
    sp.Sum((X[i] - x) ** 2, (i, 1, n)),
    sp.Product(1 + X[i] * y, (i, 1, 3)),
    sp.Max(0, x) - sp.Heaviside(x) * x + sp.Abs(y),
    sp.Piecewise((x, x > 0), (x / 10, True)),
    sp.binomial(n + 2, 2) * sp.factorial(n) + sp.floor(x) + sp.KroneckerDelta(n, 3),
])
def test_agrees_with_sympy_substitution(expr):
    pts = SamplePoints(n=4, seed=11)
    for k in range(4):
        point: dict[str, object] = {}
        value = rational_value(expr, pts, k, point)
        assert value == _sympy_value(expr, pts, k)
        assert point, "the coordinates used are recorded for a counterexample"


@pytest.mark.parametrize("expr", [sp.exp(x), sp.sqrt(x ** 2 + 1), sp.log(2), x ** sp.Rational(1, 3), sp.Float(0.1) * x,
                                  sp.Function("f")(x)])
def test_non_rational_parts_are_refused(expr):
    point: dict[str, object] = {}
    with pytest.raises(NotRational):
        rational_value(expr, SamplePoints(n=2, seed=3), 0, point)
    assert point == {}, "a refused value records no coordinates"


def test_a_pole_at_the_point_is_a_division_by_zero():
    pts = SamplePoints(n=1, seed=0, scalars={"x": np.array([2.0])})
    with pytest.raises(ZeroDivisionError):
        rational_value(1 / (x - 2), pts, 0, {})


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=5), st.integers(-3, 3))
def test_polynomials_are_exact(coefficients, power):
    expr = sum(c * x ** d for d, c in enumerate(coefficients)) * (1 + y ** 2) ** power
    pts = SamplePoints(n=2, seed=5)
    value = rational_value(expr, pts, 1, {})
    fx, fy = Fraction(float(pts.symbol_value(x)[1])), Fraction(float(pts.symbol_value(y)[1]))
    expected = sum(c * fx ** d for d, c in enumerate(coefficients)) * (1 + fy ** 2) ** power
    assert value == sp.Rational(expected.numerator, expected.denominator)


def test_a_power_beyond_what_memory_can_hold_has_no_value_rather_than_exhausting_memory():
    pts = SamplePoints(n=2, seed=3, positive_only=True)
    tower = sp.Pow(10, sp.Pow(10, 7 + x ** 2, evaluate=False), evaluate=False)   # 10^(10^7): e^(2.3e7)
    with pytest.raises(NumericError, match="too large"):
        precise_value(tower, pts, 0, 50)
    assert precise_value(sp.Pow(10, 3 + x ** 2, evaluate=False), pts, 0, 50) > 1000

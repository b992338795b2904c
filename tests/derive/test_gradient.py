"""derive/gradient.py: one reverse sweep gives, for every variable, the derivative SymPy's `diff` gives
(compared exactly at rational points), on random expressions and on the constructs with no local rule."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.gradient import partials

x, y, z = sp.symbols("x y z", real=True)
VARS = [x, y, z]
POINT = {x: sp.Rational(3, 7), y: sp.Rational(-2, 5), z: sp.Rational(5, 3)}
f = sp.Function("f")

_leaf = st.sampled_from([x, y, z, sp.Integer(2), sp.Rational(1, 3)])
_unary = [sp.sin, sp.cos, sp.tanh, sp.exp, sp.atan, lambda a: sp.log(1 + a ** 2), lambda a: sp.sqrt(1 + a ** 2),
          sp.Abs, lambda a: f(a)]
_expr = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda ab: ab[0] + ab[1]),
        st.tuples(inner, inner).map(lambda ab: ab[0] * ab[1]),
        st.tuples(inner, st.integers(-3, 3)).map(lambda ab: (ab[0] ** 2 + 1) ** ab[1]),
        st.tuples(st.sampled_from(_unary), inner).map(lambda fa: fa[0](fa[1])),
    ),
    max_leaves=12,
)


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    gap = (a - b).doit().subs(POINT).doit()
    if gap == 0 or sp.expand(gap) == 0:
        return True
    if gap.atoms(sp.Subs, sp.Derivative) or gap.atoms(sp.core.function.AppliedUndef):
        return sp.simplify(gap) == 0   # f(3/7), f'(3/7) of an unspecified f have no value
    return abs(sp.N(gap, 40)) < sp.Float("1e-30")


@settings(max_examples=150, deadline=None)
@given(_expr)
def test_the_sweep_agrees_with_diff_for_every_variable(expr):
    for v, d in zip(VARS, partials(expr, VARS), strict=True):
        assert _same(d, sp.diff(expr, v)), (expr, v)


def test_constructs_without_a_local_rule_are_differentiated_whole():
    j = sp.Symbol("j", integer=True)
    w = sp.IndexedBase("w")
    for expr in [sp.Piecewise((x ** 2 * y, x > 0), (y * z, True)), sp.Sum(w[j] * x ** j, (j, 1, 3)) * y,
                 x ** y * sp.Max(x, z), sp.Heaviside(x) * z]:
        for v, d in zip(VARS, partials(expr, VARS), strict=True):
            assert _same(d.subs({w[1]: 2, w[2]: 3, w[3]: 5}), sp.diff(expr, v).subs({w[1]: 2, w[2]: 3, w[3]: 5}))


def test_a_shared_subexpression_is_swept_once_and_counted_for_each_use():
    inner = sp.tanh(x * y + z)
    expr = inner ** 2 + 3 * inner + sp.sin(inner)   # the same node under three parents
    for v, d in zip(VARS, partials(expr, VARS), strict=True):
        assert _same(d, sp.diff(expr, v))
    assert partials(sp.Integer(4), VARS) == [0, 0, 0] and partials(x, [x, y]) == [1, 0]


def test_absolute_value_of_a_complex_quantity_is_left_to_sympy():
    """|u|' = sign(u) u' only for real u: an unspecified (complex) f takes SymPy's rule, a real one the local rule."""
    g = sp.Function("g", real=True)
    assert partials(sp.Abs(f(x)), [x]) == [sp.diff(sp.Abs(f(x)), x)]
    assert partials(sp.Abs(g(x)), [x]) == [sp.sign(g(x)) * sp.Derivative(g(x), x)]

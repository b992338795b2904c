"""Definite integrals `\\int_a^b f(x) \\, dx`: a closed form from SymPy, confirmed by quadrature.

Only the plain form is read: both bounds written, the body ending in `d<variable>`, one integral
sign. SymPy's answer is kept only if numerical quadrature agrees with it at two points (with any
other letters set to sample values), so a wrong closed form can never become a false alarm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from derive.lower.errors import IntegralError, LoweringError
from derive.lower.syntax import single_expression
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

_SAMPLES = ((sp.Rational(7, 10), sp.Rational(13, 10)), (sp.Rational(19, 10), sp.Rational(3, 10)))


def definite_integral(low: Lowerer, node: Node) -> sp.Expr:
    _, lower, upper, body = node.args
    if lower is None or upper is None:
        raise IntegralError("an integral without both bounds")
    factors = list(body.args) if body.kind == "implicit" else [body]
    if len(factors) < 2 or not _is_d(factors[-2]) or factors[-1].kind not in ("name", "sub"):
        raise IntegralError("an integral whose body does not end in d<variable>")
    rest = factors[:-2]
    if any(_is_d(f) or f.kind == "bigop" for f in rest):
        raise IntegralError("a multiple integral")
    name = low.name_of(factors[-1])
    if name is None:
        raise IntegralError("cannot read the variable of integration")
    a, b = low.script_value(lower), low.script_value(upper)
    with low.hiding(name):
        var = low.decls.symbol(name)
        if not rest:
            integrand: sp.Expr = sp.Integer(1)
        else:
            integrand = low.expr(rest[0] if len(rest) == 1 else Node("implicit", tuple(rest)))
    if not all(isinstance(v, sp.Expr) for v in (a, b, integrand)):
        raise IntegralError("an integral of a vector")
    value = sp.integrate(integrand, (var, a, b))
    if value.has(sp.Integral, sp.Piecewise) or value.has(sp.zoo, sp.nan):
        raise IntegralError("no closed form for the integral")
    _confirm(integrand, var, a, b, value)
    return value


def _is_d(node: Node) -> bool:
    if node.kind == "name":
        return node.args[0] == "d"
    if node.kind in ("style", "text"):
        inner = node.args[-1]
        if isinstance(inner, str):
            return inner.strip() == "d"
        try:
            one = single_expression(inner)
        except LoweringError:
            return False
        return one.kind == "name" and one.args[0] == "d"
    return False


def _confirm(integrand: sp.Expr, var: sp.Symbol, a: sp.Expr, b: sp.Expr, value: sp.Expr) -> None:
    """Quadrature at two sample points must agree with the closed form to 8 digits."""
    others = sorted((integrand.free_symbols | a.free_symbols | b.free_symbols | value.free_symbols) - {var},
                    key=str)
    for sample in _SAMPLES:
        point = {s: sample[k % 2] + k for k, s in enumerate(others)}
        try:
            quad = sp.Integral(integrand.xreplace(point), (var, a.xreplace(point), b.xreplace(point))).evalf(20)
            closed = value.xreplace(point).evalf(20)
        except (TypeError, ValueError, ZeroDivisionError, ArithmeticError) as exc:
            raise IntegralError(f"cannot confirm the integral numerically ({exc})") from None
        if not (quad.is_number and closed.is_number and quad.is_finite and closed.is_finite):
            raise IntegralError("cannot confirm the integral numerically")
        if abs(quad - closed) > sp.Float("1e-8") * max(1, abs(closed)):
            raise IntegralError("SymPy's closed form of the integral is not confirmed by quadrature")

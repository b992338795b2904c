"""Integrals: `\\int_a^b f(x) \\, dx` (a closed form from SymPy, confirmed by quadrature), iterated integrals
`\\int_0^2 \\int_0^1 x y \\, dx \\, dy` as SymPy prints them (the innermost sign pairs with the first
differential), and indefinite integrals `\\int x^2 \\, dx`, `\\iint x y \\, dx \\, dy`.

The body ends in one `d<variable>` per integral sign. SymPy's answer for a definite integral is kept only if
numerical quadrature agrees with it at two points (with any other letters set to sample values), so a wrong
closed form can never become a false alarm. An indefinite integral is defined only up to a constant: it stays
an unevaluated `Integral` (no bounds), which verify/compare/antiderivative.py compares by its derivative. Lint's
strict reading refuses it, as before.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import sympy as sp

from derive.lower.errors import IntegralError, LoweringError
from derive.lower.syntax import single_expression
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

# \iint x y \, dx \, dy (SymPy's printer for an iterated indefinite integral) is two integral signs.
_SIGNS = {"int": 1, "iint": 2, "iiint": 3}
_SAMPLES = ((sp.Rational(7, 10), sp.Rational(13, 10)), (sp.Rational(19, 10), sp.Rational(3, 10)))


def integral(low: Lowerer, node: Node) -> sp.Expr:
    """The value of one integral sign, or of a chain of them written one after another."""
    signs: list[tuple[Node | None, Node | None]] = []
    body = node
    while body.kind == "bigop" and body.args[0] in _SIGNS:
        if _SIGNS[body.args[0]] > 1 and (body.args[1] is not None or body.args[2] is not None):
            raise IntegralError(f"\\{body.args[0]} with bounds (write one \\int per variable)")
        signs += [(body.args[1], body.args[2])] * _SIGNS[body.args[0]]
        body = body.args[3]
    factors = list(body.args) if body.kind == "implicit" else [body]
    count = len(signs)
    if len(factors) < 2 * count:
        raise IntegralError("an integral whose body does not end in d<variable>")
    differentials = factors[len(factors) - 2 * count:]
    rest = factors[: len(factors) - 2 * count]
    pairs = list(zip(differentials[::2], differentials[1::2], strict=True))
    if any(not _is_d(d) or v.kind not in ("name", "sub") for d, v in pairs):
        raise IntegralError("an integral whose body does not end in d<variable>")
    if any(_is_d(f) or f.kind == "bigop" and f.args[0] in _SIGNS for f in rest):
        raise IntegralError("a multiple integral whose signs and differentials do not pair up")
    names = [low.name_of(v) for _, v in pairs]
    if any(n is None for n in names) or len(set(names)) != len(names):
        raise IntegralError("cannot read the variables of integration")
    definite = [lo is not None and hi is not None for lo, hi in signs]
    if any(lo is not None or hi is not None for (lo, hi), d in zip(signs, definite, strict=True) if not d):
        raise IntegralError("an integral with only one bound")
    if any(definite) and not all(definite):
        raise IntegralError("an iterated integral mixing definite and indefinite signs")
    if not definite[0] and low.settings.strict:
        raise IntegralError("an integral without both bounds")
    with ExitStack() as stack:
        for name in names:
            stack.enter_context(low.hiding(name))
        variables = [low.decls.symbol(name) for name in names]
        if not rest:
            integrand: sp.Expr = sp.Integer(1)
        else:
            integrand = low.expr(rest[0] if len(rest) == 1 else Node("implicit", tuple(rest)))
        bounds = [(low.script_value(lo), low.script_value(hi)) if lo is not None and hi is not None else None
                  for lo, hi in signs]
    # the innermost sign (written last) pairs with the first differential
    bounds.reverse()
    if not all(isinstance(v, sp.Expr) for v in (integrand, *(b for pair in bounds if pair for b in pair))):
        raise IntegralError("an integral of a vector")
    if not all(definite):
        return sp.Integral(integrand, *variables)
    value = integrand
    for var, (a, b) in zip(variables, bounds, strict=True):
        value = _definite(value, var, a, b)
    return value


def _definite(integrand: sp.Expr, var: sp.Symbol, a: sp.Expr, b: sp.Expr) -> sp.Expr:
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

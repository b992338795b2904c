"""Values of index-notation components at the model's random point, exact or to AGREE_DIGITS digits.

A component agrees with the derived one only exactly (rational inputs) or to AGREE_DIGITS digits; a difference
is real when it survives that precision (floating point alone could hide one of 10^-12).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import mpmath
import sympy as sp

from derive.exact import NotRational, as_rational, rational_at
from derive.numeric import NumericError
from derive.precise import value_with
from derive.safe import as_expr

AGREE_DIGITS = 50


def precise_value(value: object, exact: Mapping[sp.Symbol, Fraction]) -> sp.Expr | None:
    """`value` at the point `exact` (the leaves' values as exact rationals): a Rational when it is one, else
    evaluated to AGREE_DIGITS digits; None when it is not a number there."""
    expr = as_expr(value)
    try:
        return rational_at(expr, exact)
    except NotRational:
        pass
    except ZeroDivisionError:
        return None
    try:   # mpmath, shared subexpressions once; what it does not know, SymPy's own evaluation
        value = value_with(expr, exact, AGREE_DIGITS)
    except NumericError:
        v = sp.N(expr.xreplace({s: as_rational(f) for s, f in exact.items()}), AGREE_DIGITS)
        return v if v.is_number and v.is_finite else None
    if not mpmath.isfinite(value):
        return None
    if isinstance(value, mpmath.mpc):
        return sp.Float(value.real, AGREE_DIGITS) + sp.I * sp.Float(value.imag, AGREE_DIGITS)
    return sp.Float(value, AGREE_DIGITS)


def agree(x: sp.Expr, y: sp.Expr) -> bool:
    if x.is_Rational and y.is_Rational:
        return x == y
    return bool(abs(x - y) <= sp.Float(10, AGREE_DIGITS) ** -(AGREE_DIGITS - 20) * (1 + abs(x)))


def shown(value: sp.Expr) -> str:
    """A component's value as a message prints it (6 significant digits; complex as a + bj)."""
    z = complex(sp.N(value))
    return f"{z.real:.6g}" if abs(z.imag) < 1e-12 else f"{z:.6g}"


__all__ = ["AGREE_DIGITS", "agree", "precise_value", "shown"]

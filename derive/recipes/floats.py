"""Floating-point facts for property claims: a value overflows or underflows an IEEE format.

The limits come from each format's exponent and fraction bits (NumPy's `finfo` for the formats it has;
bfloat16, which NumPy lacks, from its 8 + 7 bits), compared with 50-digit logarithms, so e^{1000} is decided.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.recipes.errors import RecipeError
from derive.recipes.verdicts import Property


def _show(expr: object) -> str:
    return sp.latex(expr)


# IEEE formats by their bits: (exponent bits, fraction bits). NumPy's finfo describes the ones it has;
# bfloat16 (8, 7) is computed from the same formulas.
_FORMATS = {"float16": np.float16, "float32": np.float32, "float64": np.float64, "bfloat16": None}


def format_limits(dtype: str) -> dict[str, sp.Rational]:
    """max (largest finite), tiny (smallest normal), subnormal (smallest positive), eps of a float format."""
    if dtype not in _FORMATS:
        raise RecipeError(f"unknown float format {dtype!r} (known: {', '.join(_FORMATS)})")
    np_type = _FORMATS[dtype]
    if np_type is not None:
        info = np.finfo(np_type)
        exp_bits, frac_bits = int(info.iexp), int(info.nmant)
    else:
        exp_bits, frac_bits = 8, 7
    bias = 2 ** (exp_bits - 1) - 1
    two = sp.Integer(2)
    limits = {"max": (2 - two ** -frac_bits) * two ** bias, "tiny": two ** (1 - bias),
              "subnormal": two ** (1 - bias - frac_bits), "eps": two ** -frac_bits}
    return limits


def overflows(e: sp.Expr, dtype: str) -> Property:
    limits = format_limits(str(dtype))
    statement = f"{_show(e)} overflows {dtype}"
    # Round to nearest: values up to max + half a unit in the last place still round to max.
    edge = limits["max"] + limits["max"] * limits["eps"] / 4
    largest = sp.N(limits["max"], 6)
    return _compare_magnitude(statement, e, edge, above=True, what=f"the largest finite {dtype} ({largest})")


def underflows(e: sp.Expr, dtype: str) -> Property:
    limits = format_limits(str(dtype))
    statement = f"{_show(e)} underflows to zero in {dtype}"
    edge = limits["subnormal"] / 2   # below half the smallest subnormal, round to nearest gives 0
    return _compare_magnitude(statement, e, edge, above=False, what=f"half the smallest {dtype} subnormal "
                              f"({sp.N(edge, 6)})")


def _compare_magnitude(statement: str, e: sp.Expr, edge: sp.Expr, *, above: bool, what: str) -> Property:
    if not isinstance(e, sp.Expr) or e.free_symbols:
        raise RecipeError("overflows/underflows take a number (an expression without free names)")
    # log10 |e| compared with log10 of the edge: exact for e^{1000}, which no float holds
    magnitude = sp.N(sp.log(sp.Abs(e), 10), 50)
    bound = sp.N(sp.log(edge, 10), 50)
    if not magnitude.is_real:
        return Property(statement, None, "the value could not be evaluated")
    shown = f"|value| = 10^{{{sp.N(magnitude, 6)}}}"
    result = magnitude > bound if above else magnitude < bound
    return Property(statement, bool(result), f"{shown} {'>' if result == above else '<'} {what}")

"""Whether two values at one sample point agree or differ, beyond doubt: exactly when both are rational, else at
several precisions, so that neither rounding error (terms that cancel) nor a difference too small for one
precision (e^{-1000} against 0) decides. Used by verify/compare/engine.py once floating point has found a
candidate point."""

from __future__ import annotations

import mpmath
import sympy as sp

from derive.numeric import NumericError, SamplePoints
from verify.compare.point_values import CONFIRM_DIGITS, exact_value
from verify.result import Counterexample

AGREE_DIGITS = 50     # agreement: both sides to this many digits (below 10^-AGREE_DIGITS of their size)


def value_shown(value: mpmath.mpf | mpmath.mpc) -> float | str:
    """An mpmath value for a counterexample: a float, or `a + bi` text for a complex value."""
    if isinstance(value, mpmath.mpc) and value.imag != 0:
        return f"{mpmath.nstr(value.real, 10)} {'+' if value.imag >= 0 else '-'} {mpmath.nstr(abs(value.imag), 10)}i"
    return float(mpmath.re(value))


def number_shown(v: sp.Expr) -> float | str:
    """A value for a counterexample: a float, or `a + bi` text for a complex value."""
    re_part, im_part = v.as_real_imag()
    if im_part != 0:
        return value_shown(mpmath.mpc(float(sp.Float(re_part, 17)), float(sp.Float(im_part, 17))))
    return float(sp.Float(re_part, 17))


def decided_numbers(*values: sp.Expr | None) -> bool:
    """Finite numbers (not an undecided condition such as an indicator of a complex value, not infinite)."""
    return all(v is not None and v.is_number and v.is_finite for v in values)


def confirm_difference(claimed: sp.Expr, expected: sp.Expr, pts: SamplePoints, k: int) -> Counterexample | None:
    """Re-evaluate both sides exactly (rationals), else to CONFIRM_DIGITS digits and to twice that; None if the
    difference was noise: below 10^-20 of the values' size, or moving with the precision (terms of 10^160 that
    cancel, as cosh^2 x - sinh^2 x far from 0, leave only rounding error at any fixed number of digits)."""
    point: dict[str, object] = {}
    try:
        values = [(exact_value(claimed, pts, k, point, digits=d), exact_value(expected, pts, k, point, digits=d))
                  for d in (CONFIRM_DIGITS, 2 * CONFIRM_DIGITS)]
    except (NumericError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not all(decided_numbers(*pair) for pair in values):
        return None
    (c1, e1), (vc, ve) = values
    try:
        gap = abs(vc - ve)
        if gap <= sp.Float(10) ** (-20) * max(1, abs(vc), abs(ve)) or bool(abs(abs(c1 - e1) - gap) > gap / 1000):
            return None
    except TypeError:   # a condition that cannot be decided at this point (an indicator of a complex value)
        return None
    return Counterexample(point=dict(sorted(point.items())), claimed=number_shown(vc), expected=number_shown(ve))


def agree_to_data_digits(vc: sp.Expr, ve: sp.Expr, float_digits: int) -> bool | str | None:
    """Sides carrying floating-point data (kernel outputs) agree to the digits that data holds, no further."""
    try:
        differs = bool(abs(vc - ve) > sp.Float(10) ** -(float_digits - 3) * max(1, abs(vc), abs(ve)))
    except TypeError:   # a value whose size cannot be compared at this point: no evidence either way
        return None
    return f"beyond the {float_digits} digits of its data" if differs else True


def agree_to_digits(claimed: sp.Expr, expected: sp.Expr, pts: SamplePoints, k: int,
                     first: tuple[sp.Expr, sp.Expr], constant: bool) -> bool | str | None:
    """True when the sides agree to AGREE_DIGITS digits at point k; a description of the evidence when they
    differ; None when neither is shown.

    Agreement needs the difference below 10^-AGREE_DIGITS of the values' size (or of 1, since a side that cancels
    to 0 carries the rounding error of its terms). A larger difference is evaluated again with twice the digits:
    rounding error shrinks as the digits grow, a true difference does not, however small (x + 10^{-40} sin x
    against x), so a difference that stays the same at two precisions is a difference. Constants always take
    the ladder, to four times the digits: one point is all they have (tanh(100) against 1, e^{-1000} against 0)."""
    try:
        gap = abs(first[0] - first[1])
        if not constant and bool(gap <= sp.Float(10) ** -AGREE_DIGITS * max(1, abs(first[0]), abs(first[1]))):
            return True   # (already below 10^-50: more digits could only show a difference beyond the 50th)
    except TypeError:
        return None
    values = [first]
    rungs = [AGREE_DIGITS + 10] + [m * (AGREE_DIGITS + 10) for m in ((2, 4) if constant else (2,))]
    for digits in rungs[1:]:
        point: dict[str, object] = {}
        try:
            values.append((exact_value(claimed, pts, k, point, digits=digits),
                           exact_value(expected, pts, k, point, digits=digits)))
        except (NumericError, TypeError, ValueError, ZeroDivisionError):
            return None
        if not decided_numbers(*values[-1]):
            return None
    try:
        (c1, e1), (c2, e2) = values[-2], values[-1]
        before, gap = abs(c1 - e1), abs(c2 - e2)
        if gap != 0 and bool(abs(before - gap) <= gap / 1000):
            return f"the same difference at {rungs[-2]} and {rungs[-1]} digits"
        scale = max(1, abs(c2), abs(e2))
        return True if bool(gap <= sp.Float(10) ** -AGREE_DIGITS * scale) else None
    except TypeError:   # a value whose size cannot be compared at this point: no evidence either way
        return None


__all__ = ["AGREE_DIGITS", "agree_to_data_digits", "agree_to_digits", "confirm_difference", "decided_numbers",
           "number_shown", "value_shown"]

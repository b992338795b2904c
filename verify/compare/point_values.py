"""Values of an expression at one sample point, exact or to many digits: what agreement and every
counterexample rest on.

Rational values come from Fraction arithmetic (derive/exact.py), others from mpmath with shared subexpressions
(derive/precise.py), and what mpmath does not know from SymPy's own evaluation.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derive.exact import NotRational, rational_value
from derive.numeric import Evaluator, NumericError, SamplePoints, data_sign, value_key
from derive.precise import precise_value

CONFIRM_DIGITS = 40
EXACT_NODES = 300     # larger expressions are evaluated only by mpmath (derive/precise.py), never by substitution


def exact_value(expr: sp.Expr, pts: SamplePoints, k: int, point: dict[str, object],
                digits: int = CONFIRM_DIGITS) -> sp.Expr | None:
    """The value of `expr` at sample point k with the point's coordinates as exact rationals: a Rational when
    the expression is rational there, else evaluated to `digits` significant digits. Records the point.

    A large expression (a deep network's derivative) is evaluated by mpmath with shared subexpressions once, at
    `digits` and again at twice as many: a value that moves between the two is refused (NumericError)."""
    try:
        return rational_value(expr, pts, k, point)
    except NotRational:
        pass
    try:
        return precise_at(expr, pts, k, point, digits)
    except NumericError:
        if _larger_than(expr, EXACT_NODES):
            raise
    # What mpmath cannot evaluate (a function it does not know): SymPy's own evaluation
    ints = {s: sp.Integer(v) for s in expr.free_symbols if isinstance(s, sp.Symbol)
            and (v := pts.integers.get(s.name)) is not None}
    e = expr.xreplace(ints)
    for s, v in ints.items():
        point[s.name] = int(v)
    if e.has(sp.Sum, sp.Product):
        e = e.doit()
    subs: dict[sp.Basic, sp.Expr] = {}
    for atom in e.atoms(sp.Indexed):
        if not all(i.is_Integer for i in atom.indices):
            return None
        key = value_key(str(atom.base.label), tuple(int(i) for i in atom.indices))
        val = float(pts.keyed_value(key, data_sign(atom.base))[k])
        subs[atom] = sp.Rational(val)
        point[key] = round(val, 6)
    labels = {a.base.label for a in e.atoms(sp.Indexed)}
    for s in e.free_symbols:
        if isinstance(s, sp.Symbol) and s not in labels:
            arr = pts.symbol_value(s)
            val = float(arr[k]) if isinstance(arr, np.ndarray) else float(arr)
            subs[s] = sp.Rational(val)
            point[s.name] = round(val, 6)
    # An opaque function (f[x, \phi]) is a fixed random function; its value at the point is exact data.
    opaque = sorted(e.atoms(sp.core.function.AppliedUndef), key=sp.default_sort_key)
    if opaque:
        ev = Evaluator(pts)
        for atom in opaque:
            subs[atom] = sp.Rational(float(ev(atom)[k]))
    value = e.xreplace(subs)
    return value if value.is_Rational else sp.N(value, digits)


def _larger_than(expr: sp.Basic, limit: int) -> bool:
    for n, _ in enumerate(sp.preorder_traversal(expr)):
        if n > limit:
            return True
    return False


def precise_at(expr: sp.Expr, pts: SamplePoints, k: int, point: dict[str, object], digits: int) -> sp.Expr:
    """`expr` at sample point k to `digits` digits by mpmath, refused (NumericError) when the value moves at
    twice the digits."""
    first = precise_value(expr, pts, k, digits, point)
    second = precise_value(expr, pts, k, 2 * digits)
    scale = max(mpmath.mpf(1), abs(second))
    if abs(first - second) > mpmath.mpf(10) ** (5 - digits) * scale:
        raise NumericError("the value is not stable under higher precision")
    if isinstance(second, mpmath.mpc):
        return sp.Float(second.real, digits) + sp.I * sp.Float(second.imag, digits)
    return sp.Float(second, digits)


__all__ = ["CONFIRM_DIGITS", "exact_value", "precise_at"]

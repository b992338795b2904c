"""Matrix calculus on random concrete sizes.

When an exercise declares matrix sizes (`symbols: {Omega: {shape: [D_o, D_h]}}`), `instantiate` gives every shaped quantity a matrix of scalar entries with concrete, distinct
sizes, so `\\beta + \\Omega h` is an honest matrix expression, and `matrix_derivative` builds the derivative
of a matrix quantity under the exercise's layout convention. Agreement on concrete sizes with distinct
dimensions is evidence, and a transposed answer is caught because the sizes differ.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.exceptions import ShapeError

from derive.gradient import partials
from derive.safe import as_expr
from derive.spec.declarations import Declarations

FIRST_SIZE = 2


def instantiate(decls: Declarations) -> None:
    """Concrete matrices (entries `Omega[r,c]`) for every quantity with a declared non-scalar size."""
    dims = sorted({d for s in decls.shapes.values() for d in s if isinstance(d, sp.Symbol)}, key=lambda d: d.name)
    sizes = {d: sp.Integer(FIRST_SIZE + k) for k, d in enumerate(dims)}
    for name, (r, c) in decls.shapes.items():
        rows, cols = int(r.xreplace(sizes)), int(c.xreplace(sizes))
        if rows == 1 and cols == 1:
            continue
        decls.constants[name] = sp.ImmutableMatrix(
            rows, cols, lambda i, j, name=name, cols=cols: sp.Symbol(
                entry_name(name, i + 1, j + 1 if cols > 1 else None), real=True))


_ENTRY = re.compile(r"(?P<name>.+)\[(?P<indices>\d+(?:,\d+)?)\]")


def entry_name(name: str, row: int, col: int | None = None) -> str:
    """The symbol name of an entry of a concrete quantity (1-based): `v[2]` of a column, `Omega[2,3]`."""
    return f"{name}[{row}]" if col is None else f"{name}[{row},{col}]"


def entry_of(symbol_name: str) -> tuple[str, tuple[int, ...]] | None:
    """`Omega[2,3]` -> ('Omega', (2, 3)), the inverse of `entry_name` (the LaTeX writer names the entry
    `\\Omega_{23}`); None for other names."""
    m = _ENTRY.fullmatch(symbol_name)
    if m is None:
        return None
    return m["name"], tuple(int(k) for k in m["indices"].split(","))


def elementwise(fn, arg: sp.MatrixBase, rest=()) -> sp.MatrixBase:
    """An activation applied to every entry (further arguments, like a slope, stay scalars)."""
    if any(isinstance(r, sp.MatrixBase) for r in rest):
        raise ValueError("only the first argument of an activation may be a vector")
    return sp.ImmutableMatrix(arg.shape[0], arg.shape[1], lambda i, j: fn([arg[i, j], *rest]))


def by_intermediate(y, x, layout: str):
    """d y / d x for a defined quantity x (f = beta + Omega h): x's entries become fresh variables."""
    fresh = [sp.Dummy(f"x{k}", real=True) for k in range(len(x))]
    swap = dict(zip(list(x), fresh, strict=True))
    y_fresh = y.xreplace(swap)
    underlying = set().union(*(as_expr(e).free_symbols for e in x))
    if y_fresh.free_symbols & underlying:
        raise ValueError("the quantity depends on the variable's ingredients other than through it")
    var = sp.ImmutableMatrix(x.shape[0], x.shape[1], fresh)
    result = matrix_derivative(y_fresh, var, layout)
    back = dict(zip(fresh, list(x), strict=True))
    result = result.applyfunc(opaque_derivatives)
    # One simultaneous replacement, without re-evaluating every Max(0, .) on the way back up: sympy's Max looks
    # for dominated arguments each time it is built, which costs seconds on a deep network's expressions.
    with sp.evaluate(False):
        return result.applyfunc(lambda e: e.xreplace(back))


def opaque_derivatives(expr):
    """Partial derivatives of unspecified functions as unspecified functions: d l(a, b)/da -> l_d1(a, b).

    The derivative of an arbitrary function is an arbitrary function of the same arguments; naming it keeps
    the expression free of Derivative/Subs objects, so it can be substituted into and evaluated at points
    (both sides of a claim name the same partial derivative the same way).
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Derivative):
        return expr

    def derivative(d: sp.Derivative) -> sp.Basic:
        f = d.expr
        if not isinstance(f, AppliedUndef) or len(set(f.args)) != len(f.args):
            return d
        name = f.func.__name__
        for v, n in d.variable_count:
            if v not in f.args:
                return d
            name += f"_d{list(f.args).index(v) + 1}" * int(n)
        return sp.Function(name, real=True)(*f.args)

    def subs(s: sp.Subs) -> sp.Basic:
        inner = opaque_derivatives(s.expr)
        try:
            return inner.xreplace(dict(zip(s.variables, s.point, strict=True)))
        except ValueError:   # d floor(u)/du at u = 1/x: a derivative by an expression stays a Subs
            return s

    out = expr.replace(lambda e: isinstance(e, sp.Subs), subs)
    return out.replace(lambda e: isinstance(e, sp.Derivative), derivative)


def matrix_derivative(y, x, layout: str | None):
    """d y / d x for y, x scalars, vectors or (scalar y) matrices x; None when neither is a matrix."""
    result = _matrix_derivative(y, x, layout)
    return None if result is None else sp.ImmutableMatrix(result.applyfunc(opaque_derivatives))


def _matrix_derivative(y, x, layout: str | None):
    ym, xm = isinstance(y, sp.MatrixBase), isinstance(x, sp.MatrixBase)
    if not ym and not xm:
        return None
    if layout not in ("denominator", "numerator"):
        raise ValueError("a matrix derivative needs `layout: denominator` or `layout: numerator`")
    if xm and not all(isinstance(e, sp.Symbol) for e in x):
        return by_intermediate(y, x, layout)
    if not ym:
        grad = sp.Matrix(x.shape[0], x.shape[1], partials(y, list(x)))   # one reverse sweep for every entry
        return sp.ImmutableMatrix(grad if layout == "denominator" else grad.T)
    if ym and y.shape[1] != 1:
        raise ShapeError(f"the derivative of a {y.shape[0]} x {y.shape[1]} matrix is a tensor of order 3 or more, "
                         f"not a matrix")
    if not xm:
        col = y.applyfunc(lambda e: sp.diff(e, x))
        return sp.ImmutableMatrix(col.T if layout == "denominator" else col)
    if x.shape[1] != 1:
        raise ShapeError(f"the derivative of a vector ({y.shape[0]} entries) by a {x.shape[0]} x {x.shape[1]} matrix "
                         f"is a third-order tensor, not a matrix")
    jac = sp.Matrix([partials(y[i], list(x)) for i in range(y.shape[0])])
    return sp.ImmutableMatrix(jac.T if layout == "denominator" else jac)

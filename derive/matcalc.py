"""Matrix calculus on random concrete sizes.

When an exercise declares matrix sizes (`symbols: {Omega: {shape: [D_o, D_h]}}`), `instantiate` gives every shaped quantity a matrix of scalar entries with concrete, distinct
sizes, so `\\beta + \\Omega h` is an honest matrix expression, and `matrix_derivative` builds the derivative
of a matrix quantity under the exercise's layout convention. Agreement on concrete sizes with distinct
dimensions is evidence, and a transposed answer is caught because the sizes differ.
"""

from __future__ import annotations

import sympy as sp

from derive.declarations import Declarations

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
                f"{name}[{i + 1}]" if cols == 1 else f"{name}[{i + 1},{j + 1}]", real=True))


def elementwise(fn, arg: sp.MatrixBase, rest=()) -> sp.MatrixBase:
    """An activation applied to every entry (further arguments, like a slope, stay scalars)."""
    if any(isinstance(r, sp.MatrixBase) for r in rest):
        raise ValueError("only the first argument of an activation may be a vector")
    return sp.ImmutableMatrix(arg.shape[0], arg.shape[1], lambda i, j: fn([arg[i, j], *rest]))


def _by_intermediate(y, x, layout: str):
    """d y / d x for a defined quantity x (f = beta + Omega h): x's entries become fresh variables."""
    fresh = [sp.Dummy(f"x{k}", real=True) for k in range(len(x))]
    swap = dict(zip(list(x), fresh, strict=True))
    y_fresh = y.xreplace(swap)
    underlying = set().union(*(sp.sympify(e).free_symbols for e in x))
    if y_fresh.free_symbols & underlying:
        raise ValueError("the quantity depends on the variable's ingredients other than through it")
    var = sp.ImmutableMatrix(x.shape[0], x.shape[1], fresh)
    result = matrix_derivative(y_fresh, var, layout)
    back = dict(zip(fresh, list(x), strict=True))
    return result.applyfunc(lambda e: e.subs(back, simultaneous=True))


def matrix_derivative(y, x, layout: str | None):
    """d y / d x for y, x scalars, vectors or (scalar y) matrices x; None when neither is a matrix."""
    ym, xm = isinstance(y, sp.MatrixBase), isinstance(x, sp.MatrixBase)
    if not ym and not xm:
        return None
    if layout not in ("denominator", "numerator"):
        raise ValueError("a matrix derivative needs `layout: denominator` or `layout: numerator`")
    if xm and not all(isinstance(e, sp.Symbol) for e in x):
        return _by_intermediate(y, x, layout)
    if not ym:
        grad = x.applyfunc(lambda v: sp.diff(y, v))
        return sp.ImmutableMatrix(grad if layout == "denominator" else grad.T)
    if ym and y.shape[1] != 1:
        raise ValueError("the derivative of a matrix is a higher-order tensor")
    if not xm:
        col = y.applyfunc(lambda e: sp.diff(e, x))
        return sp.ImmutableMatrix(col.T if layout == "denominator" else col)
    if x.shape[1] != 1:
        raise ValueError("the derivative of a vector by a matrix is a higher-order tensor")
    jac = sp.Matrix(y.shape[0], x.shape[0], lambda i, j: sp.diff(y[i], x[j]))
    return sp.ImmutableMatrix(jac.T if layout == "denominator" else jac)

"""Recipe operations on vectors and matrices by their definitions: `norm(v, 1)`, `dot(a, b)`,
`softmax(z)`, `logsumexp(z)`, `diag(p)`, `outer(p, p)`, `hadamard(a, b)`, `apply(relu, Z)`, `avg(v)`,
`variance(v)`.

They work on SymPy matrices with symbolic or numeric entries (concrete sizes, see
derive/index_expansion.py), so a claim written in index notation can be compared with the
definition's value. Registered into the recipe interpreter by `derive.recipes.kernels.register_kernel_ops`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from derive.lower import functions as F
from derive.recipes.errors import RecipeError
from derive.safe import as_expr


def _entries(v: Any) -> list[sp.Expr]:
    return list(v) if isinstance(v, sp.MatrixBase) else [v]


def _matrix(v: Any, what: str) -> sp.MatrixBase:
    if isinstance(v, sp.MatrixBase):
        return v
    if isinstance(v, list):
        return sp.ImmutableMatrix(v)
    raise RecipeError(f"{what} must be a vector or matrix")


def op_norm(v: Any, p: Any = 2) -> sp.Expr:
    """`norm(v)` Euclidean (Frobenius for a matrix); `norm(v, 1)`, `norm(v, oo)`, `norm(v, p)`."""
    xs = _entries(v)
    if p == 2:
        return sp.sqrt(sp.Add(*[x ** 2 for x in xs]))
    if p == 1:
        return sp.Add(*[sp.Abs(x) for x in xs])
    if p is sp.oo:
        return sp.Max(*[sp.Abs(x) for x in xs])
    return sp.Add(*[sp.Abs(x) ** p for x in xs]) ** (1 / p)


def op_dot(a: Any, b: Any) -> sp.Expr:
    xs, ys = _entries(a), _entries(b)
    if len(xs) != len(ys):
        raise RecipeError(f"dot of vectors of lengths {len(xs)} and {len(ys)}")
    return sp.Add(*[x * y for x, y in zip(xs, ys, strict=True)])


def op_outer(a: Any, b: Any) -> sp.MatrixBase:
    return sp.ImmutableMatrix([[x * y for y in _entries(b)] for x in _entries(a)])


def op_hadamard(a: Any, b: Any) -> sp.MatrixBase:
    A, B = _matrix(a, "hadamard"), _matrix(b, "hadamard")
    if A.shape != B.shape:
        raise RecipeError(f"hadamard of sizes {A.shape} and {B.shape}")
    return sp.ImmutableMatrix(A.multiply_elementwise(B))


def op_apply(f: Any, m: Any) -> Any:
    """`apply(relu, Z)`: a built-in function entry by entry."""
    name = f.name if isinstance(f, sp.Symbol) else str(f)
    builder = F.builtin_named(name)
    if builder is None:
        raise RecipeError(f"apply: unknown function {name!r}")
    if isinstance(m, sp.MatrixBase):
        return m.applyfunc(lambda x: builder([x]))
    return builder([m])


def op_avg(v: Any) -> sp.Expr:
    xs = _entries(v)
    return sp.Add(*xs) / len(xs)


def op_variance(v: Any) -> sp.Expr:
    """Biased (1/n) variance of the entries."""
    xs = _entries(v)
    mu = op_avg(v)
    return sp.Add(*[(x - mu) ** 2 for x in xs]) / len(xs)


def op_sum_entries(v: Any) -> sp.Expr:
    return sp.Add(*_entries(v))


def op_recurrence(step: Any, state: Any, init: Any, index: Any, start: Any, count: Any) -> sp.Expr:
    """`recurrence("\\beta v + g_k", v, 0, k, 0, 4)`: apply v <- step(v, k) for k = start, ..., start+count-1."""
    if not isinstance(state, sp.Symbol) or not isinstance(index, sp.Symbol):
        raise RecipeError("recurrence: the state and the index must be names")
    n0, n = int(start), int(count)
    if not 0 <= n <= 64:
        raise RecipeError("recurrence: between 0 and 64 steps")
    value = init
    for k in range(n0, n0 + n):
        value = as_expr(step).xreplace({state: value, index: sp.Integer(k)})
    return value


TENSOR_OPS: dict[str, Callable[..., Any]] = {
    "norm": op_norm, "dot": op_dot, "outer": op_outer, "hadamard": op_hadamard, "apply": op_apply,
    "avg": op_avg, "variance": op_variance, "sum_entries": op_sum_entries,
    "softmax": lambda z: F.softmax(_matrix(z, "softmax") if isinstance(z, list) else z),
    "logsumexp": lambda z: F.logsumexp(z), "diag": lambda v: F.diag(v), "recurrence": op_recurrence,
}

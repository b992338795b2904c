"""Heads that act on what follows them in their own way: `\\operatorname*{argmin}_{\\phi}[L]`, `f_{1,d}[x, \\phi]`
of an opaque f, `\\Pr(y | x)` with no Pr defined, unspecified functions of vectors (`f(x)` with a declared
output size), a quantity given as a function of a variable (`h(x)`), and `D F(p)` / `\\nabla G(p)` (the
Jacobian / gradient of a function at a point).

applications.py asks `head_operator` before it reads a head as an ordinary function or a factor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import sympy as sp

from derive.lower.argmin import argmin_operator
from derive.lower.errors import LoweringError, UndefinedQuantity
from derive.lower.matcalc import opaque_derivatives
from derive.lower.syntax import single_expression, split_arguments, times

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer
    from derive.parse.tree import Node


def head_operator(low: Lowerer, node: Node, applied: bool = True) -> Callable[[Sequence[sp.Expr]], sp.Expr] | None:
    """An operator written before its operand (`\\operatorname*{argmin}_{\\phi}`), else None.

    `applied`: the node heads a bracket (`f(x)`), so functions of vectors apply too; otherwise it is a factor of
    a product, where only operators (argmin) act on what follows.
    """
    if node.kind == "func":
        return _undefined_probability(low, node)
    if applied and node.kind in ("name", "sub", "bold") and (vector := _function_of_vectors(low, node)) is not None:
        return vector
    if node.kind != "sub":
        return None
    return argmin_operator(low, node) or _family_member(low, node)


def _family_member(low: Lowerer, node: Node) -> Callable[[Sequence[sp.Expr]], sp.Expr] | None:
    """`f_{1,d}[x, phi]` for an opaque f (and no function named f_{1,d}): the head f(1, d, x, phi).

    Network heads indexed by output and dimension are one unspecified function of their indices and inputs,
    so f_{1,d} and f_{2,d} are different functions, and f_{1,d} differs between values of d.
    """
    name = low.name_of(node)
    if name is None or name in low.decls.functions or name in low.decls.given_functions:
        return None
    base = low.name_of(node.args[0])
    builder = low.decls.functions.get(base) if base else None
    head = getattr(builder, "opaque_head", None)
    if head is None:
        return None
    indices = low.index_letters(node.args[1])

    def apply(args: Sequence[sp.Expr]) -> sp.Expr:
        flat = [e for a in args for e in (a if isinstance(a, sp.MatrixBase) else [a])]
        return head(*indices, *flat)

    apply.names_a_value = True  # type: ignore[attr-defined]  # with nothing to apply to, f_5 is the symbol f_5
    return apply


def _undefined_probability(low: Lowerer, node: Node) -> Callable[[Sequence[sp.Expr]], sp.Expr] | None:
    """`Pr(y | x)` with no `Pr` under given: names a probability the exercise does not define."""
    if node.kind != "func" or node.args[0] != "Pr" or low.function("Pr") is not None:
        return None

    def undefined(args: Sequence[sp.Expr]) -> sp.Expr:
        raise UndefinedQuantity("Pr(...) is not defined (define 'Pr[y, ...]' under given:)")

    return undefined


# ------------------------------------------------------------------ functions of vectors
def _flat(args: Sequence[sp.Expr]) -> list[sp.Expr]:
    return [e for a in args for e in (list(a) if isinstance(a, sp.MatrixBase) else [a])]


def _output_size(low: Lowerer, name: str) -> int | None:
    """The declared output size of an unspecified function (`functions: {f: opaque}`, `symbols: {f: {shape: [M]}}`)."""
    shape = low.decls.shapes.get(name)
    if shape is None:
        return None
    rows, cols = (s.xreplace({low.decls.symbol(k): v for k, v in low.decls.given.items()
                              if isinstance(v, sp.Basic) and v.is_Integer}) for s in shape)
    if not (rows.is_Integer and cols == 1):
        return None
    return int(rows)


def opaque_call(low: Lowerer, name: str, args: Sequence[sp.Expr]) -> sp.Expr | None:
    """f(x) of an unspecified function with vector arguments: a vector when f has a declared output size."""
    builder = low.decls.functions.get(name)
    head = getattr(builder, "opaque_head", None)
    if head is None:
        return None
    size = _output_size(low, name)
    flat = _flat(args)
    if size is None:
        if not any(isinstance(a, sp.MatrixBase) for a in args) or len(args) == 1:
            return None   # the ordinary scalar application
        return head(*flat)
    return sp.ImmutableMatrix([[head(k, *flat)] for k in range(1, size + 1)])


def _quantity_at(low: Lowerer, node: Node) -> tuple[sp.Basic, sp.Basic] | None:
    """`h(x)` for a quantity given as a function of the variable x: (its value, x); else None."""
    if node.kind != "call":
        return None
    name = low.name_of(node.args[0])
    if name is None or name not in low.decls.given or name in low.decls.functions:
        return None
    try:
        point = low.expr(single_expression(node.args[1]))
    except (ValueError, TypeError):
        return None
    value = low.decls.given[name]
    entries = list(point) if isinstance(point, sp.MatrixBase) else [point]
    if not all(isinstance(e, sp.Symbol) for e in entries) or not isinstance(value, sp.Basic):
        return None
    if not any(value.has(e) for e in entries):
        return None
    return value, point


def function_operator(low: Lowerer, op: Node, target: Node) -> sp.Expr | None:
    """`D F(p)` (the Jacobian of F at p) and `\\nabla G(p)` (the gradient of a scalar G at p, a column).

    F is an unspecified function (its derivatives stay unspecified functions, matcalc.py) or a quantity
    given as a function of the variable p. `\\nabla G(p)^T` transposes the gradient. None for anything else.
    """
    transpose = target.kind == "sup" and low.is_transpose(target.args[1])
    call = target.args[0] if transpose else target
    if call.kind != "call":
        return None
    at = _quantity_at(low, call)
    if at is not None:
        value, point = at
        variables = list(point) if isinstance(point, sp.MatrixBase) else [point]
        outputs = list(value) if isinstance(value, sp.MatrixBase) else [value]
        jac = sp.Matrix([[sp.diff(v, x) for x in variables] for v in outputs])
    else:
        name = low.name_of(call.args[0])
        if name is None or getattr(low.decls.functions.get(name), "opaque_head", None) is None:
            return None
        args = [low.argument(a) for a in split_arguments(call.args[1])]
        flat = _flat(args)
        fresh = [sp.Dummy(f"xi{k}", real=True) for k in range(len(flat))]
        shaped, start = [], 0
        for a in args:
            n = len(a) if isinstance(a, sp.MatrixBase) else 1
            shaped.append(sp.ImmutableMatrix(fresh[start:start + n]) if isinstance(a, sp.MatrixBase) else fresh[start])
            start += n
        value = opaque_call(low, name, shaped)
        if value is None:
            value = low.decls.functions[name](shaped)
        outputs = list(value) if isinstance(value, sp.MatrixBase) else [value]
        jac = sp.Matrix([[sp.diff(v, x) for x in fresh] for v in outputs])
        jac = jac.applyfunc(opaque_derivatives).xreplace(dict(zip(fresh, flat, strict=True)))
    jac = sp.ImmutableMatrix(jac.applyfunc(opaque_derivatives))
    if op.args[0] == "nabla":
        if jac.shape[0] != 1:
            raise LoweringError("\\nabla of a vector-valued function (use its Jacobian D)")
        result = jac.T
    else:
        result = jac
    return result.T if transpose else result


def _function_of_vectors(low: Lowerer, node: Node) -> Callable[[Sequence[sp.Expr]], sp.Expr] | None:
    """Heads that take vectors: an unspecified f with a declared output size or several vector arguments, and
    `h(x)` for a quantity h given as a function of the variable x (its value there)."""
    name = low.name_of(node)
    if name is None:
        return None
    builder = low.decls.functions.get(name)
    if getattr(builder, "opaque_head", None) is not None:
        def vector_valued(args: Sequence[sp.Expr]) -> sp.Expr:
            value = opaque_call(low, name, args)
            return value if value is not None else builder(args)

        return vector_valued
    value = low.decls.given.get(name)
    if name in low.decls.functions or name in low.decls.given_functions or not isinstance(value, sp.Basic):
        return None
    if not low.decls.shapes:
        return None   # only exercises that compute with vectors read `h(x)` as h at x

    def at_point(args: Sequence[sp.Expr]) -> sp.Expr:
        point = args[0] if len(args) == 1 else None
        entries = list(point) if isinstance(point, sp.MatrixBase) else [point]
        if point is not None and all(isinstance(e, sp.Symbol) for e in entries) and any(value.has(e) for e in entries):
            return value
        return times(value, point) if point is not None else value

    return at_point

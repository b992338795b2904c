"""Reverse-mode differentiation of one SymPy expression by many symbols: one sweep for the whole gradient.

`sp.diff(y, v)` walks y again for every v, and through shared subexpressions as a tree; the gradient of a
loss by the nine entries of a 3 x 3 weight matrix through an unrolled network took seconds that way. Here each
distinct node is visited once, parents before children, carrying the derivative of y by that node (its adjoint)
down to its arguments with the node's local rule (sums, products, powers, and any function SymPy knows the
partial derivatives of, `fdiff`). A node with no local rule here (a Piecewise, a sum over an index, an integral,
an indexed entry) is differentiated by SymPy as a whole, so every result is SymPy's derivative in another
(equal) form.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from sympy.core.function import ArgumentIndexError

_PLAIN = (sp.Add, sp.Mul, sp.Pow, sp.Function)


def partials(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> list[sp.Expr]:
    """[d expr / d v for v in variables]; variables are symbols (anything else is left to `sp.diff`)."""
    if not all(isinstance(v, sp.Symbol) for v in variables) or not isinstance(expr, sp.Expr):
        return [sp.diff(expr, v) for v in variables]
    wanted = frozenset(variables)
    order, depends = _post_order(expr, wanted)
    adjoint: dict[int, sp.Expr] = {id(expr): sp.Integer(1)}
    parts: dict[sp.Symbol, list[sp.Expr]] = {v: [] for v in variables}
    for node in reversed(order):   # every parent before its children
        g = adjoint.pop(id(node), None)
        if g is None or not depends[id(node)]:
            continue
        if node in wanted:
            parts[node].append(g)
            continue
        local = _local_partials(node, depends)
        if local is None:
            for v in wanted & node.free_symbols:
                parts[v].append(g * sp.diff(node, v))
            continue
        for child, partial in local:
            term = g * partial
            adjoint[id(child)] = adjoint[id(child)] + term if id(child) in adjoint else term
    return [sp.Add(*parts[v]) for v in variables]


def _post_order(expr: sp.Basic, wanted: frozenset) -> tuple[list[sp.Basic], dict[int, bool]]:
    """Distinct nodes, children before parents, and whether each depends on a wanted symbol."""
    order: list[sp.Basic] = []
    depends: dict[int, bool] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in depends:
            continue
        plain = isinstance(node, _PLAIN)
        if expanded or not plain or not node.args:
            if plain and node.args:
                depends[id(node)] = any(depends[id(a)] for a in node.args)
            else:
                depends[id(node)] = node in wanted or bool(node.free_symbols & wanted)
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((a, False) for a in node.args if id(a) not in depends)
    return order, depends


_NOT_HOLOMORPHIC = (sp.Abs, sp.sign, sp.re, sp.im, sp.arg, sp.conjugate)


def _local_partials(node: sp.Basic, depends: dict[int, bool]) -> list[tuple[sp.Basic, sp.Expr]] | None:
    """(argument, d node / d argument) for the arguments that depend on a wanted symbol; None: no local rule."""
    args = node.args
    if isinstance(node, sp.Add):
        return [(a, sp.Integer(1)) for a in args if depends[id(a)]]
    if isinstance(node, sp.Mul):
        return [(a, sp.Mul(*args[:k], *args[k + 1:])) for k, a in enumerate(args) if depends[id(a)]]
    if isinstance(node, sp.Pow):
        base, exp = args
        out = []
        if depends[id(base)]:
            out.append((base, exp * base ** (exp - 1)))
        if depends[id(exp)]:
            out.append((exp, node * sp.log(base)))
        return out
    if isinstance(node, _NOT_HOLOMORPHIC) and not all(a.is_extended_real for a in args):
        return None   # |u|' = sign(u) u' holds for real u only; for complex u SymPy's own rule applies
    if isinstance(node, sp.Function) and not isinstance(node, sp.Piecewise) \
            and all(isinstance(a, sp.Expr) for a in args):
        out = []
        for k, a in enumerate(args):
            if not depends[id(a)]:
                continue
            try:
                partial = node.fdiff(k + 1)
            except (ArgumentIndexError, AttributeError, NotImplementedError, TypeError, ValueError):
                return None
            out.append((a, partial))
        return out
    return None


__all__ = ["partials"]

"""Walks over SymPy expressions that visit each distinct subexpression once.

A derivative through a network is a tree in which the same subexpressions appear again and again (the forward
pass inside every factor of the chain rule). SymPy's `atoms()` and `free_symbols` walk it as a tree, so their cost
grows with the number of paths, not of distinct nodes; on an unrolled recurrent network that was a third of a
claim's time. These walk it as the graph it is: a node object already seen is not entered again.
"""

from __future__ import annotations

from collections.abc import Iterator

import sympy as sp

# Nodes whose free symbols are exactly those of their arguments (no bound variables of their own).
_PLAIN = (sp.Add, sp.Mul, sp.Pow, sp.Function, sp.Tuple)


def _roots(expr: object) -> list[sp.Basic]:
    if isinstance(expr, sp.MatrixBase):
        return [e for e in expr if isinstance(e, sp.Basic)]
    return [expr] if isinstance(expr, sp.Basic) else []


def distinct_nodes(expr: object) -> Iterator[sp.Basic]:
    """Every subexpression object of `expr` (a matrix: of its entries) once, parents before children."""
    seen: set[int] = set()
    stack = _roots(expr)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(a for a in node.args if isinstance(a, sp.Basic))


def atoms_of(expr: object, *types: type) -> set[sp.Basic]:
    """`expr.atoms(*types)` (types required), each distinct node visited once."""
    return {node for node in distinct_nodes(expr) if isinstance(node, types)}


def free_symbols_of(expr: object) -> set[sp.Basic]:
    """`expr.free_symbols`, each distinct node visited once. Nodes that bind variables (sums, integrals,
    derivatives, lambdas) and indexed objects answer for themselves, as SymPy defines them."""
    memo: dict[int, frozenset] = {}

    def free(node: sp.Basic) -> frozenset:
        hit = memo.get(id(node))
        if hit is not None:
            return hit
        if isinstance(node, sp.Symbol):
            out = frozenset((node,))
        elif node.is_Number or not node.args:
            out = frozenset(node.free_symbols)
        elif isinstance(node, _PLAIN):
            out = frozenset().union(*(free(a) for a in node.args if isinstance(a, sp.Basic)))
        else:
            out = frozenset(node.free_symbols)
        memo[id(node)] = out
        return out

    found: set[sp.Basic] = set()
    for root in _roots(expr):
        found |= free(root)
    return found


__all__ = ["atoms_of", "distinct_nodes", "free_symbols_of"]

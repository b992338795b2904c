"""Printed numbers as written (settings `literal_decimals`, `bracket_vectors`; verify/claims/numeric.py).

A decimal literal with d decimals stands for its value ±0.5·10^-d: it is lowered to a fresh symbol recorded in
`low.literals` as (value, half a printed unit), so the caller can propagate the rounding through the side.
`[a, b, c]` (and `x [a, b]`, when x is no function) is a row vector of its entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower import applications, atoms
from derive.lower.syntax import split_arguments
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer


def number(low: Lowerer, node: Node) -> Any:
    value = atoms.number(low, node)
    text = node.args[0]
    if "." not in text:
        return value
    decimals = len(text.split(".", 1)[1])
    sym = sp.Symbol(f"_lit{len(low.literals)}")
    low.literals[sym] = (value, 0.5 * 10.0 ** -decimals)
    return sym


def bracket_vector(low: Lowerer, node: Node, rows: Node) -> sp.ImmutableMatrix | None:
    """`[a, b, c]` as a row vector; None for any other bracket or content."""
    if node.text != "[":
        return None
    items = [i for row in rows.args for i in row.args] if rows.kind == "rows" else []
    if len(items) == 1 and items[0].kind == "implicit" and all(f.kind == "number" for f in items[0].args):
        return sp.ImmutableMatrix([[low.expr(f) for f in items[0].args]])   # `[0.5 \quad 0.2]`, `[0.7 \ 0.8]`
    args = split_arguments(rows)
    if len(args) < 2 or any(len(a) != 1 for a in args):
        return None
    return sp.ImmutableMatrix([[low.expr(a[0]) for a in args]])


def paren(low: Lowerer, node: Node) -> Any:
    vec = bracket_vector(low, node, node.args[0])
    return vec if vec is not None else atoms.paren(low, node)


def call(low: Lowerer, node: Node) -> Any:
    head, rows = node.args
    vec = bracket_vector(low, node, rows) if low.function(low.name_of(head)) is None else None
    if vec is not None:
        return low.expr(head) * vec
    return applications.call(low, node)

"""Questions about syntax trees that need no declarations: script text, arguments, single expressions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.parse.tree import Node, is_sep

ACCENT_NAMES = {"widehat": "hat", "widetilde": "tilde", "overline": "bar"}


def canonical_script(node: Node) -> str:
    """`{10}` -> '10', `{1,0}` -> '10', `{d,12}` -> 'd,12', `\\text{act}` -> 'act'."""
    raw = script_text(node)
    parts = [p for p in raw.split(",")]
    if len(parts) > 1 and all(len(p) == 1 for p in parts):
        return "".join(parts)
    return ",".join(parts)


def script_text(node: Node) -> str:
    if node.kind == "group":
        return "".join(ch for ch in flatten_text(node.args[0]) if not ch.isspace())
    return "".join(flatten_text(node))


def flatten_text(node: Node | str | None) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    k = node.kind
    if k in ("name", "number"):
        return node.args[0]
    if k == "text":
        return node.args[0].strip()
    if k == "func":
        return node.args[0]
    if k == "comma":
        return ","
    if k in ("rows", "row", "implicit", "bold", "paren", "group"):
        return "".join(flatten_text(a) for a in node.args if isinstance(a, Node))
    if k == "style":
        return flatten_text(node.args[1])
    if k == "sub":
        return flatten_text(node.args[0]) + "_" + flatten_text(node.args[1])
    if k == "sup":
        return flatten_text(node.args[0]) + "^" + flatten_text(node.args[1])
    if k == "rel":
        return node.args[0]
    if k == "add":   # a flat chain; its first term is never subtracted
        return flatten_text(node.args[0]) + "".join(
            "-" + flatten_text(t.args[0]) if t.kind == "minus" else "+" + flatten_text(t) for t in node.args[1:])
    if k == "neg":
        return "-" + flatten_text(node.args[0])
    if k == "top":
        return "T"
    if k == "accent":
        return ACCENT_NAMES.get(node.args[0], node.args[0]) + "_" + flatten_text(node.args[1])
    return node.text or k


def single_expression(rows: Node) -> Node:
    """The one expression inside a group; raises when the group holds a list or a relation."""
    items = [i for r in rows.args for i in r.args]
    exprs = [i for i in items if not is_sep(i)]
    if len(exprs) != 1 or len(items) != 1:
        raise LoweringError("expected a single expression inside the brackets")
    return exprs[0]


def split_arguments(rows: Node) -> list[list[Node]]:
    """Arguments separated by `,`/`;`/`|`; each argument is its item list (may hold relations)."""
    args: list[list[Node]] = [[]]
    for row in rows.args:
        for item in row.args:
            if is_sep(item, "comma") or is_sep(item, "semi") or is_sep(item, "mid"):
                args.append([])
            else:
                args[-1].append(item)
    return [a for a in args if a]


def script_inner(script: Node) -> Node | None:
    """The one expression of a script (`^{...}` unwrapped); None when the group holds several."""
    if script.kind != "group":
        return script
    try:
        return single_expression(script.args[0])
    except LoweringError:
        return None


def label_list(script: Node) -> list[Node] | None:
    """The labels of `^{(\\ell), (i)}` (layer and example), each a `( )` group; None for any other script."""
    if script.kind != "group":
        return None
    items = [i for r in script.args[0].args for i in r.args]
    labels = items[0::2]
    if len(labels) < 2 or any(not is_sep(c, "comma") for c in items[1::2]) or len(items) != 2 * len(labels) - 1:
        return None
    return labels if all(i.kind == "paren" and i.text == "(" for i in labels) else None


def times(a, b):
    """a·b, where a 1×1 matrix (`v^T w`) is the number it holds."""
    product = a * b
    if isinstance(product, sp.MatrixBase) and product.shape == (1, 1):
        return product[0, 0]
    return product


def depends(expr: sp.Basic, v: sp.Basic) -> bool:
    """Whether expr may depend on v; an entry w[2,0,1,1] may hide in a sum over w[2,0,1,i]."""
    if expr.has(v):
        return True
    return isinstance(v, sp.Indexed) and any(a.base == v.base and len(a.indices) == len(v.indices)
                                             for a in expr.atoms(sp.Indexed))


def single_item_or_rows(rows: Node) -> Node:
    items = [i for r in rows.args for i in r.args]
    return items[0] if len(items) == 1 else rows


def walk(node: Any) -> Iterator[Node]:
    """Every node under `node` (a Node, or a tuple/list of them), depth first (no recursion: a tree is as
    deep as the formula nests, derive/parse/latex.py MAX_DEPTH, and a caller may be deep already)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            yield item
            stack.extend(reversed(item.args))
        elif isinstance(item, (tuple, list)):
            stack.extend(reversed(item))


def has_derivative(*nodes: Node) -> bool:
    """A `\\partial`, a prime, or a `\\frac{d..}{d..}` anywhere in the nodes."""
    for node in nodes:
        for n in walk(node):
            if n.kind in ("partial", "prime"):
                return True
            if n.kind == "frac" and _starts_with_d(n.args[0]):
                return True
    return False


def _starts_with_d(rows: Node) -> bool:
    items = [i for r in rows.args for i in r.args] if rows.kind == "rows" else [rows]
    first = items[0] if items else None
    while first is not None and first.kind in ("implicit", "sup") and first.args:
        first = first.args[0]
    return first is not None and first.kind == "name" and first.args[0] == "d"

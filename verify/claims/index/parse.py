"""Reader for index-notation claims (`kind: index`): LaTeX -> the grammar's tree -> a small tuple AST.

The LaTeX is parsed by the one grammar (derive/parse/latex.py `parse_tree`); the spec's `alias` and
`equals before:` lines act on that tree, and verify/claims/index/from_tree.py gives it index meaning.
Never evaluates text.  Node kinds of the AST (first element of each tuple):

    ("num", v)  ("ref", name, idx, bold)  ("add", [..])  ("mul", [..])  ("tdot", a, b)  ("neg", a)
    ("pow", a, b)  ("transpose", a)  ("sum", var, body, lower, upper)  ("deriv", ref, ref)
    ("fn", name, arg)  ("max", a, b)  ("div", a, b)  ("norm", a)  ("comp", a, idx)
    ("matrix", rows)  ("diag", items)  ("dots",)  ("cases", [(value, cond | None)])  ("rel", op, a, b)
    ("and", [rel, ..])

`idx` is a tuple of index atoms: a letter (`i`), a multi-index letter (`i_1`), a numeral (`1`) or a
size name (`N`, `N_o`).  A subscript with commas is split at the commas (`x_{1,N_i}`), one without
commas letter by letter (`W_{jk}`, `x_{11}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from derive.parse.latex import LatexParseError, parse_tree
from derive.parse.tree import Node, is_sep
from verify.claims.index.errors import IndexError_
from verify.claims.index.from_tree import Translator
from verify.claims.index.indices import Reading, items_of

__all__ = ["Alias", "IndexError_", "Reading", "alias", "one_expression", "insert_equals", "parse_claim", "substitute", "tree_of"]


@lru_cache(maxsize=1024)
def tree_of(text: str) -> Node:
    """The grammar's `rows` tree of a formula; a formula it cannot read is an IndexError_."""
    try:
        return parse_tree(text.strip())
    except LatexParseError as exc:
        raise IndexError_(str(exc)) from None


def parse_claim(rows: Node, reading: Reading) -> tuple[list, object]:
    """(sides, condition) of `A = B = C [\\text{for} cond]`."""
    return Translator(reading).claim(rows)


@dataclass(frozen=True)
class Alias:
    """The notes' spelling of a model quantity: a subtree (`g_{\\text{loss}}(z_i, y_i)` -> `G_{i}`), or a
    script (`^{\\mathrm{o}}` -> `^{O}`, `script` is "sup" or "sub") replaced wherever it occurs."""

    old: Node
    new: Node
    script: str = ""


def one_expression(text: str) -> Node:
    """The one expression a formula is (an alias spelling, a function spelling)."""
    items = [i for i in items_of(tree_of(text)) if not is_sep(i, "period")]
    if len(items) != 1 or is_sep(items[0]):
        raise IndexError_(f"alias: {text!r} is not one expression")
    return items[0]


def alias(old: str, new: str) -> Alias:
    """An `alias OLD -> NEW` line of the spec, read by the grammar."""
    old, new = old.strip(), new.strip()
    if old[:1] in ("^", "_"):
        kind = "sup" if old[0] == "^" else "sub"
        a, b = one_expression("x" + old), one_expression("x" + new)   # a script needs a base to be parsed
        if a.kind != kind or b.kind != kind:
            raise IndexError_(f"alias: {old!r} -> {new!r} must replace one script by another")
        return Alias(a.args[1], b.args[1], kind)
    return Alias(one_expression(old), one_expression(new))


def substitute(node: Node, a: Alias) -> Node:
    """`node` with every occurrence of the alias's old spelling replaced by its new one."""
    if not a.script and node == a.old:
        return a.new
    args = tuple(substitute(x, a) if isinstance(x, Node) else x for x in node.args)
    if a.script and node.kind == a.script and args[1] == a.old:
        args = (args[0], a.new)
    return node if args == node.args else Node(node.kind, args, node.text, node.column)


def insert_equals(rows: Node, marker_rows: Node, aliases: list[Alias]) -> Node | None:
    """`rows` with an `=` before the one expression of `marker_rows` (spelled as the notes do, `aliases`),
    which ends the last side (the notes left the `=` out); None when the last side does not end with it."""
    for a in aliases:
        marker_rows = substitute(marker_rows, a)
    markers = items_of(marker_rows)
    if len(markers) != 1:
        return None
    marker = markers[0]
    items = list(items_of(rows))
    last = max((k for k, i in enumerate(items) if not is_sep(i)), default=None)
    if last is None:
        return None
    rest = _cut(items[last], marker)
    if rest is None or rest is False:
        return None
    items[last:last + 1] = [rest, Node("rel", ("=",), text="="), marker]
    return Node("rows", (Node("row", tuple(items)),))


def _cut(node: Node, marker: Node):
    """`node` without the trailing `marker` factor; None when `node` is the marker, False when absent."""
    if node == marker:
        return None
    if node.kind == "implicit":
        args = node.args
        for k in range(1, len(args)):
            tail = args[k:]
            if (len(tail) == 1 and tail[0] == marker) or Node("implicit", tail) == marker:
                return args[0] if k == 1 else Node("implicit", args[:k])
        inner = _cut(args[-1], marker)
        return inner if inner is False or inner is None else Node("implicit", (*args[:-1], inner))
    if node.kind in ("bigop", "add"):
        inner = _cut(node.args[-1], marker)
        if inner is False or inner is None:
            return False
        return Node(node.kind, (*node.args[:-1], inner), node.text, node.column)
    return False

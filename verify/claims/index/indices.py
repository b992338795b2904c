"""Pieces of the grammar's tree an index-notation claim is made of: items, words, names and index atoms.

verify/claims/index/from_tree.py composes these into the tuple AST; they are kept apart so that each
module stays readable. An index list `i_1, \\dots, i_r` is expanded here for an order letter declared with
a size (`size r = 2`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from derive.parse.tree import Node, is_sep
from verify.claims.index.errors import IndexError_

LABELS = frozenset({"H", "O"})
NAME_SPELLINGS = {"ell": "l"}


@dataclass(frozen=True)
class Reading:
    """What the translation needs from the problem: order sizes (`size r = 2`), the names applied as
    functions, and (for the order-swap hint) tensors whose index lists exchange two order letters."""

    sizes: Mapping[str, int] = field(default_factory=dict)
    funcs: frozenset[str] = frozenset()
    swap: tuple[frozenset[str], str, str] | None = None


# ---------------------------------------------------------------- small tree helpers
def items_of(rows: Node) -> list[Node]:
    """The items of a `rows` node (its rows run together), without alignment ampersands."""
    out: list[Node] = []
    for row in rows.args:
        out.extend(i for i in row.args if not is_sep(i, "amp"))
    return out


def strip_trailing(items: list[Node]) -> list[Node]:
    """Without the punctuation that ends a displayed formula (`... ,` / `... .`)."""
    while items and (is_sep(items[-1], "period") or is_sep(items[-1], "comma")):
        items = items[:-1]
    return items


def split_at(items: list[Node], kind: str) -> list[list[Node]]:
    """The items between separators of one kind (`comma`, `amp`)."""
    out: list[list[Node]] = [[]]
    for item in items:
        if is_sep(item, kind):
            out.append([])
        else:
            out[-1].append(item)
    return out


def single(node: Node) -> Node | None:
    """The one item of a `rows`/`group` node, else None."""
    while node.kind in ("group", "rows", "row"):
        if node.kind == "group":
            node = node.args[0]
            continue
        items = items_of(node) if node.kind == "rows" else list(node.args)
        items = strip_trailing(items)
        if len(items) != 1:
            return None
        node = items[0]
    return node


def word(node: Node) -> str | None:
    """The plain word a script or text node spells (`H`, `\\mathrm{H}`, `\\mathsf{H}`, `{\\rm H}`)."""
    node = single(node)
    if node is None:
        return None
    if node.kind == "style":
        return word(node.args[1])
    if node.kind in ("name", "text"):
        return str(node.args[0]).strip()
    return None


def render(node: Node | None) -> str:
    """Index atoms and sum bounds as text (`N_h`, `N_1-1`, `i_1`)."""
    if node is None:
        return ""
    kind = node.kind
    if kind == "paren":
        return render(node.args[0])
    if kind in ("group", "row"):
        return render(node.args[0]) if kind == "group" else "".join(render(a) for a in node.args)
    if kind == "rows":
        return "".join(render(a) for a in items_of(node))
    if kind == "name":
        return NAME_SPELLINGS.get(node.args[0], node.args[0])
    if kind in ("number", "text"):
        return str(node.args[0]).strip()
    if kind == "sub":
        return f"{render(node.args[0])}_{render(node.args[1])}"
    if kind == "implicit":
        return "".join(render(a) for a in node.args)
    if kind == "add":
        return "".join(("-" + render(t.args[0])) if t.kind == "minus" else
                       (("+" if k else "") + render(t)) for k, t in enumerate(node.args))
    if kind == "neg":
        return "-" + render(node.args[0])
    if kind == "dots" or is_sep(node, "period"):
        return "\\dots"
    if kind == "rel":
        return str(node.args[0])
    if kind == "comma":
        return ","
    raise IndexError_(f"cannot read {node.kind} in an index")


def letters(word: str) -> list[str]:
    return [c for c in word if not c.isspace()]


# ---------------------------------------------------------------- index lists
def is_dots_run(group: list[Node]) -> bool:
    return bool(group) and all(n.kind == "dots" or is_sep(n, "period") for n in group)


def multi(node: Node) -> tuple[str, str] | None:
    """`i_1` -> ('i', '1'), `i_r` -> ('i', 'r'); None for anything else."""
    if node.kind == "sub" and node.args[0].kind == "name" and len(node.args[0].args[0]) == 1:
        return node.args[0].args[0], render(node.args[1])
    return None


def index_atoms(script: Node, reading: Reading, owner: str = "") -> tuple[str, ...]:
    """The index atoms of a subscript: split at commas, else letter by letter; `i_1, \\dots, i_r` expanded."""
    inner = script.args[0] if script.kind == "group" else None
    if inner is None:
        word = render(script)
        return tuple(letters(word)) if script.kind in ("number", "text") else (word,)
    items = items_of(inner)
    if not any(is_sep(i, "comma") for i in items):
        out: list[str] = []
        for item in items:
            for f in (item.args if item.kind == "implicit" else (item,)):
                word = render(f)
                out.extend(letters(word) if f.kind in ("number", "text", "paren") else [word])
        return tuple(out)
    groups = split_at(items, "comma")
    out = []
    k = 0
    while k < len(groups):
        group = groups[k]
        if is_dots_run(group) and out and k + 1 < len(groups) and len(groups[k + 1]) == 1:
            first = multi_of_text(out[-1])
            last = multi(groups[k + 1][0])
            if first and last and first[0] == last[0] and first[1] == "1" and last[1].isalpha():
                out[-1:] = expand_order(first[0], swapped(last[1], owner, reading), reading)
                k += 2
                continue
        out.append("".join(render(n) for n in group))
        k += 1
    return tuple(a for a in out if a)


def multi_of_text(atom: str) -> tuple[str, str] | None:
    """`i_1` -> ('i', '1') for an index atom already read as text."""
    letter, _, sub = atom.partition("_")
    return (letter, sub) if len(letter) == 1 and sub else None


def swapped(order: str, owner: str, reading: Reading) -> str:
    """The order letter the order-swap hint reads in place of `order` in `owner`'s index lists."""
    if reading.swap is None or owner not in reading.swap[0]:
        return order
    _, a, b = reading.swap
    return {a: b, b: a}.get(order, order)


def expand_order(letter: str, order: str, reading: Reading) -> list[str]:
    """`i_1, ..., i_r` -> [i_1, ..., i_n] for the size n declared for the order letter r."""
    if order not in reading.sizes:
        raise IndexError_(f"the order {order} of {letter}_1, ..., {letter}_{order} is not declared")
    return [f"{letter}_{k}" for k in range(1, reading.sizes[order] + 1)]


def index_lists(node: Node):
    """(owner, order letters) of every subscript with an elided list `i_1, \\dots, i_r` (for the order-swap
    hint): the owner is the letter the subscript follows, or `]` after a bracket."""
    stack = [node]
    while stack:
        n = stack.pop()
        stack.extend(a for a in n.args if isinstance(a, Node))
        if n.kind != "sub" or n.args[1].kind != "group":
            continue
        groups = split_at(items_of(n.args[1].args[0]), "comma")
        orders = [multi(g[0])[1] for prev, g in zip(groups, groups[1:], strict=False)
                  if is_dots_run(prev) and len(g) == 1 and multi(g[0])]
        if orders:
            yield owner_of(n.args[0]), orders


def owner_of(base: Node) -> str:
    while base.kind in ("sub", "sup"):
        base = base.args[0]
    if base.kind == "paren" and base.text == "[":
        return "]"
    named = name_of(base)
    return named[0] if named else ""


# ---------------------------------------------------------------- names and scripts
def name_of(node: Node) -> tuple[str, bool] | None:
    """(name, bold) of a tensor spelling: `W`, `\\alpha`, `\\mathbf{x}`, `\\hat{y}` (`yhat`); else None."""
    if node.kind == "name":
        return NAME_SPELLINGS.get(node.args[0], node.args[0]), False
    if node.kind in ("bold", "style", "accent"):
        inner = single(node.args[-1])
        named = name_of(inner) if inner is not None else None
        if named is None:
            return None
        if node.kind == "bold":
            return named[0], True
        if node.kind == "accent":
            return (named[0] + node.args[0], False) if node.args[0] == "hat" else None
        return named[0], False
    if node.kind == "text" and len(str(node.args[0]).strip()) == 1 and str(node.args[0]).strip().isalpha():
        return str(node.args[0]).strip(), False
    return None


def peel(node: Node) -> tuple[Node, list[tuple[str, Node]]]:
    """The base of a chain of sub/superscripts and its scripts in the order they are written."""
    scripts: list[tuple[str, Node]] = []
    while node.kind in ("sub", "sup"):
        scripts.insert(0, (node.kind, node.args[1]))
        node = node.args[0]
    return node, scripts


def is_top(script: Node) -> bool:
    one = single(script) if script.kind == "group" else script
    return one is not None and ((one.kind == "top" and not one.args) or word(one) == "T")

"""A small, context-free syntax tree for parsed LaTeX.

The parser produces this tree without knowing the exercise; `derive.lower` turns it into SymPy
with the exercise's declarations (which names are functions, which are data arrays, what is given).
Keeping the two apart lets one parse be cached and reused under different declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    """`kind` names the construct; `args` are child nodes or strings; `text` is the source span."""

    kind: str
    args: tuple = ()
    text: str = field(default="", compare=False)
    column: int = field(default=0, compare=False)

    def __repr__(self) -> str:  # compact, for error messages and debugging
        inner = ", ".join(repr(a) for a in self.args)
        return f"{self.kind}({inner})"


# Kinds of separator items inside a row (see latex.lark: `item`).
SEPARATORS = frozenset({"rel", "amp", "comma", "semi", "mid", "period", "colon", "logic"})


def is_sep(item: object, kind: str | None = None) -> bool:
    return isinstance(item, Node) and item.kind in SEPARATORS and (kind is None or item.kind == kind)


@dataclass
class Statement:
    """One relation chain: operands joined by relations, e.g. `A = B = C` or `x < 0`."""

    operands: list[Node]
    relations: list[str]
    text: str = ""

    @property
    def is_equality_chain(self) -> bool:
        return bool(self.relations) and all(r == "=" for r in self.relations)


@dataclass
class Formula:
    """Everything in one LaTeX formula: its statements in reading order."""

    statements: list[Statement]
    source: str

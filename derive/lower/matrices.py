"""Environments: `cases` (a Piecewise) and matrices (`pmatrix`, `bmatrix`, `array`, ...; a matrix written with
`\\dots` and generic entries is an ElidedMatrix, elided.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.elided import elided_matrix
from derive.lower.errors import LoweringError
from derive.lower.syntax import single_expression
from derive.parse.tree import Node, is_sep

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer


def env(low: Lowerer, node: Node) -> Any:
    name, rows = node.args
    if name in ("cases", "dcases"):
        return cases(low, rows)
    if name in ("vmatrix", "Vmatrix"):
        # bars: the determinant (|A|) or, doubled, a norm; neither is the matrix itself
        value = matrix(low, rows)
        if name == "Vmatrix" or not isinstance(value, sp.MatrixBase) or not value.is_square:
            raise LoweringError(f"{name}: only the determinant of a square matrix (vmatrix) is read")
        return value.det()
    if name.endswith("matrix") or name == "array":
        return matrix(low, rows)
    raise LoweringError(f"environment {name} inside an expression")


def cases(low: Lowerer, rows: Node) -> sp.Expr:
    """`value & condition \\\\ ...`: a Piecewise, undefined (nan) where no condition holds."""
    pieces = []
    for row in rows.args:
        cells: list[list[Node]] = [[]]
        for item in row.args:
            if is_sep(item, "amp"):
                cells.append([])
            elif is_sep(item, "period") or is_sep(item, "comma") and len(cells) == 1:
                continue   # `1, & z > 0.`: punctuation after a value or at the end of a case
            else:
                cells[-1].append(item)   # a comma in a condition joins clauses
        if not cells[0]:
            continue
        value = low.expr(single_expression(Node("rows", (Node("row", tuple(cells[0])),))))
        cond = low.condition(cells[1]) if len(cells) > 1 else sp.true
        pieces.append((value, cond))
    if not pieces:
        raise LoweringError("empty cases")
    if pieces[-1][1] is not sp.true:
        pieces.append((sp.nan, True))
    return sp.Piecewise(*pieces)


def matrix(low: Lowerer, rows: Node) -> Any:
    if (elided := elided_matrix(low, rows)) is not None:   # a matrix written with \dots and generic entries
        return elided
    entries = []
    for row in rows.args:
        cells: list[list[Node]] = [[]]
        for item in row.args:
            if is_sep(item, "amp"):
                cells.append([])
            else:
                cells[-1].append(item)
        if any(cells):
            entries.append([low.expr(single_expression(Node("rows", (Node("row", tuple(c)),)))) for c in cells])
    if not entries or len({len(r) for r in entries}) != 1:
        raise LoweringError("ragged or empty matrix")
    return sp.ImmutableMatrix(entries)

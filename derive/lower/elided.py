"""Matrices written with elisions: `\\begin{pmatrix} a_{11} & a_{12} & \\dots & a_{1n} \\\\ \\vdots & & a_{ij} & \\end{pmatrix}`.

Such a matrix does not list its entries; it shows some of them at positions that say which entry they are:
cells before the first `\\dots` of a row are columns 1, 2, ...; cells after the last one are the last columns;
cells between two elisions stand for "some column in between" (likewise for rows, with a row that starts with
`\\vdots` marking the vertical elision). Cells may use index letters (`z_j`, `w_{ji}`) as generic labels.

An elided matrix equals a concrete matrix when every written cell, for some value of its index letters, is the
entry at a position its place allows. A transposed answer fails at the fixed cells (`\\partial z_2/\\partial h_1`
in row 1, column 2); the concrete sizes must be large enough that every kind of place exists.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.index import concrete_range, with_values
from derive.parse.tree import Node, is_sep

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer
    from derive.spec.declarations import Declarations

ELISIONS = {"dots"}
MAX_ASSIGNMENTS = 400


@dataclass
class CellCheck:
    ok: bool
    message: str
    claimed: sp.Expr | None = None
    derived: sp.Expr | None = None


class ElidedMatrix:
    """The cells of a matrix with elisions (None marks `\\dots`, `\\vdots`, `\\ddots`), read lazily."""

    free_symbols: frozenset = frozenset()

    def __init__(self, decls: Declarations, cells: list[list[Node | None]],
                 reader: Callable[[Declarations], Lowerer]) -> None:
        self.decls = decls
        self.cells = cells
        self.reader = reader   # a fresh default Lowerer over the declarations, one per assignment of letters

    def atoms(self, *types):  # noqa: ARG002 - looks like a SymPy value to the free-index check
        return set()

    def __str__(self) -> str:
        return f"elided matrix with {len(self.cells)} written rows"

    # ------------------------------------------------------------ places
    def row_places(self, n: int) -> list[list[int]]:
        elided = [k for k, row in enumerate(self.cells) if row and row[0] is None]
        return _places(len(self.cells), elided, n)

    def col_places(self, row: list[Node | None], n: int) -> list[list[int]]:
        elided = [k for k, cell in enumerate(row) if cell is None]
        return _places(len(row), elided, n)

    # ------------------------------------------------------------ values
    def cell_values(self, node: Node) -> list[sp.Expr]:
        """The cell's value for every assignment of the index letters with integer ranges."""
        low = self.reader(self.decls)
        letters = [k for k in self.decls.index_ranges if concrete_range(low, k) is not None]
        ranges = [range(concrete_range(low, k)[0], concrete_range(low, k)[1] + 1) for k in letters]
        # A size with a number (`z_{D_0}` with D_0 = 5) is an index too: the last entry.
        sizes = {k: int(v) for k, v in self.decls.given.items()
                 if isinstance(v, sp.Basic) and v.is_Integer and k not in letters}
        values = []
        for count, combo in enumerate(itertools.product(*ranges)):
            if count >= MAX_ASSIGNMENTS:
                break
            fresh = self.reader(self.decls)
            assignment = {**sizes, **dict(zip(letters, combo, strict=True))}
            try:
                v = with_values(fresh, assignment, lambda fresh=fresh: fresh.expr(node))
                v = v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v
            except LoweringError:
                continue
            if not isinstance(v, sp.MatrixBase):
                values.append(v)
        return values

    def check(self, derived: sp.MatrixBase) -> list[CellCheck]:
        """One result per written cell, in reading order."""
        rows_at = self.row_places(derived.shape[0])
        out = []
        for r, row in enumerate(self.cells):
            cols_at = self.col_places(row, derived.shape[1])
            for c, node in enumerate(row):
                if node is None:
                    continue
                places = [(i, j) for i in rows_at[r] for j in cols_at[c]]
                out.append(self._cell(node, r, c, places, derived))
        return out

    def _cell(self, node: Node, r: int, c: int, places, derived) -> CellCheck:
        where = f"row {r + 1}, column {c + 1} as written"
        if not places:
            return CellCheck(False, f"the cell at {where} has no place in a {derived.shape[0]} x {derived.shape[1]} "
                                    f"matrix")
        values = self.cell_values(node)
        if not values:
            return CellCheck(False, f"the cell at {where} could not be read")
        for v in values:
            for i, j in places:
                if sp.expand(v - derived[i - 1, j - 1]) == 0:
                    return CellCheck(True, "")
        i, j = places[0]
        return CellCheck(False, f"the cell at {where} is none of the entries its place allows",
                         values[0], derived[i - 1, j - 1])


def split_compound_scripts(node):
    """`w_{D_0 1}` -> `w_{D_0,1}`: juxtaposed indices one of which is itself subscripted are separate indices."""
    if not isinstance(node, Node):
        return node
    args = tuple(split_compound_scripts(a) for a in node.args)
    if node.kind == "sub" and isinstance(args[1], Node) and args[1].kind == "group":
        rows = args[1].args[0]
        items = [i for r in rows.args for i in r.args]
        if len(items) == 1 and items[0].kind == "implicit" and any(f.kind == "sub" for f in items[0].args):
            parts: list[Node] = []
            for f in items[0].args:
                if parts:
                    parts.append(Node("comma"))
                parts.append(f)
            script = Node("group", (Node("rows", (Node("row", tuple(parts)),)),), text=args[1].text)
            return Node("sub", (args[0], script), text=node.text)
    return Node(node.kind, args, text=node.text, column=node.column)


def _places(count: int, elided: list[int], n: int) -> list[list[int]]:
    """1-based indices each written position may stand for, given n real ones and the elided positions."""
    if not elided:
        return [[k + 1] if count == n else [] for k in range(count)]
    first, last = elided[0], elided[-1]
    trailing = count - last - 1
    places = []
    for k in range(count):
        if k < first:
            places.append([k + 1])
        elif k > last:
            places.append([n - (count - 1 - k)])
        else:
            places.append(list(range(first + 1, n - trailing + 1)))
    return places


def elided_matrix(low: Lowerer, rows: Node) -> ElidedMatrix | None:
    """An ElidedMatrix when some cell of the matrix is `\\dots`/`\\vdots`/`\\ddots`, else None."""
    cells: list[list[Node | None]] = []
    any_elision = False
    for row in rows.args:
        current: list[list[Node]] = [[]]
        for item in row.args:
            if is_sep(item, "amp"):
                current.append([])
            else:
                current[-1].append(item)
        if not any(current):
            continue
        out_row: list[Node | None] = []
        for cell in current:
            if len(cell) == 1 and cell[0].kind in ELISIONS:
                out_row.append(None)
                any_elision = True
            elif not cell:
                out_row.append(None)
            else:
                out_row.append(split_compound_scripts(cell[0] if len(cell) == 1 else Node("implicit", tuple(cell))))
        cells.append(out_row)
    if not any_elision:
        return None
    return ElidedMatrix(low.decls.copy(), cells, low.fresh)

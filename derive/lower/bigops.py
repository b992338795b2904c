"""Big operators: `\\sum_{i=1}^{N}`, `\\sum_i`, `\\prod_{k \\in K}` (symbolic, or unrolled on concrete sizes by
index.py), and integrals `\\int_a^b f(x) \\, dx`, `\\int x \\, dx` (integrals.py).

The letters of a symbolic bound (`T` in `\\sum_{t=0}^{T-1}`) are counts: read for the first time there, they
are positive integers, so the sum can be evaluated at sample points. A bound whose letter was already read as a
real number (`\\frac{1-\\gamma^T}{1-\\gamma} = \\sum_{t=0}^{T-1}\\gamma^t`) cannot be sampled term by term: that sum is
replaced by SymPy's closed form when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.index import sum_over
from derive.lower.integrals import integral
from derive.lower.syntax import split_arguments, walk
from derive.parse.tree import Node, is_sep
from derive.spec.declarations import Declarations

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer


def bigop(low: Lowerer, node: Node) -> Any:
    op, lower, upper, body = node.args
    if op in ("int", "iint", "iiint"):
        return integral(low, node)
    if op not in ("sum", "prod"):
        raise LoweringError(f"\\{op} is not supported")
    ranges = _range_rows(low, lower) if upper is None and lower is not None else None
    if ranges is not None:
        return _over_ranges(low, op, ranges, body)
    items = low.condition_items(lower) if upper is None and lower is not None else []
    letters = _letter_list(low, items)
    if letters:   # `\sum_{i,j} W_{ij}`: the sum over i of the sum over j, each letter over its range
        for letter in reversed(letters[1:]):
            body = Node("bigop", (op, _script_of(letter), None, body))
        return bigop(low, Node("bigop", (op, _script_of(letters[0]), None, body)))
    if op == "sum" and len(items) == 3 and is_sep(items[1], "rel"):
        if items[1].args[0] == "!=" and low.name_of(items[0]) and low.name_of(items[2]):
            return _excluding(low, items[0], items[2], body)
        if items[1].args[0] == "in" and items[0].kind == "paren" and low.name_of(items[2]):
            return _over_pairs(low, items[0], low.name_of(items[2]), body)
    var, start, end = bounds(low, lower, upper)
    if low.decls.index_ranges or low.index_values or low.decls.constants or any(
            isinstance(v, sp.MatrixBase) or isinstance(v, sp.Integer) for v in low.decls.given.values()):
        return sum_over(low, op, var, start, end, body)   # unrolled over concrete sizes when it must be
    low.bound.append(str(var))
    try:
        value = low.expr(body)
    finally:
        low.bound.pop()
    cls = sp.Sum if op == "sum" else sp.Product
    loop = cls(value, (var, start, end))
    if _real_bound(start) or _real_bound(end):
        closed = loop.doit()
        if not closed.has(sp.Sum, sp.Product):
            return closed
    return loop


def _letter_list(low: Lowerer, items: list[Node]) -> list[Node] | None:
    """The letters of `_{i,j}` (two or more names separated by commas); None for any other subscript."""
    letters = items[0::2]
    if len(letters) < 2 or len(items) != 2 * len(letters) - 1 or not all(is_sep(c, "comma") for c in items[1::2]):
        return None
    return letters if all(n.kind == "name" and low.name_of(n) for n in letters) else None


def _script_of(item: Node) -> Node:
    return Node("group", (Node("rows", (Node("row", (item,)),)),))


def _excluding(low: Lowerer, index: Node, other: Node, body: Node) -> Any:
    """`\\sum_{i \\ne j} f_i`: the sum over i's whole range without the term i = j."""
    whole = bigop(low, Node("bigop", ("sum", _script_of(index), None, body)))
    if not isinstance(whole, sp.Sum):
        raise LoweringError("\\sum_{i \\ne j} needs a sum over a range")
    name, at = str(whole.limits[0][0]), low.expr(other)
    # by name: the body may hold the index with other assumptions than the limit's integer symbol
    return whole - whole.function.xreplace({s: at for s in whole.function.free_symbols if str(s) == name})


def _over_pairs(low: Lowerer, pair: Node, data: str, body: Node) -> Any:
    """`\\sum_{(x, y) \\in D} f(x, y)`: a sum over the items of a data set, item k being (x_k, y_k) for
    k = 1..|D|; the names of the pair become data arrays inside the body."""
    names = [low.name_of(a[0]) if len(a) == 1 else None for a in split_arguments(pair.args[0])]
    if len(names) < 2 or None in names:
        raise LoweringError("a sum over a data set names its items: \\sum_{(x, y) \\in D}")
    k = sp.Symbol(f"k_{data}", integer=True)
    size = sp.Symbol(f"N_{data}", integer=True, positive=True)
    value = low.expr(body)
    items = {s: low.indexed_base(s.name)[k] for s in value.free_symbols
             if isinstance(s, sp.Symbol) and s.name in names}
    return sp.Sum(value.xreplace(items), (k, 1, size))


def _range_rows(low: Lowerer, lower: Node) -> list[list[Node]] | None:
    """`_{1 \\leq t \\leq 3}` and SymPy's `_{\\substack{1 \\leq t \\leq 3\\\\1 \\leq k \\leq 2}}`: one `a <= i <= b` per index
    (the first row innermost, as SymPy orders the limits of a Sum); None when the subscript is not that."""
    items = low.condition_items(lower)
    if len(items) == 1 and items[0].kind == "style" and items[0].args[0] == "substack":
        rows = [list(r.args) for r in items[0].args[1].args]
    else:
        rows = [items]
    for row in rows:
        if len(row) != 5 or not all(is_sep(row[j], "rel") and row[j].args[0] == "<=" for j in (1, 3)) \
                or low.name_of(row[2]) is None:
            return None
    return rows


def _over_ranges(low: Lowerer, op: str, rows: list[list[Node]], body: Node) -> Any:
    limits = []
    for row in rows:
        name = low.name_of(row[2])
        low.decls.assumptions.setdefault(name, {"integer": True})
        var = low.decls.symbol(name)
        if not getattr(var, "is_integer", False):
            var = sp.Symbol(str(var), integer=True)
        limits.append((var, low.expr(row[0]), low.expr(row[4])))
    low.bound.extend(str(v) for v, _, _ in limits)
    try:
        value = low.expr(body)
    finally:
        del low.bound[len(low.bound) - len(limits):]
    return (sp.Sum if op == "sum" else sp.Product)(value, *limits)


def _real_bound(bound: Any) -> bool:
    """A bound with a letter that may take non-integer values (it was read as a real number before)."""
    return isinstance(bound, sp.Expr) and any(not s.is_integer for s in bound.free_symbols)


def declare_bound_counts(decls: Declarations, nodes: Iterable[Node]) -> None:
    """Before reading formulas that are compared with each other (`derivcheck equiv`): the letters of the upper
    bounds of their sums and products are counts on every side, whichever side is read first."""
    for node in nodes:
        for part in walk(node):
            if part.kind == "bigop" and part.args[0] in ("sum", "prod") and part.args[2] is not None:
                _declare_counts(decls, part.args[2])


def _declare_counts(decls: Declarations, node: Node) -> None:
    """Letters first read in a bound (`T` in `T - 1`, `n` in `2n`) are positive integers."""
    for part in walk(node):
        if part.kind != "name":
            continue
        name = part.args[0]
        if name in ("e", "pi") or decls.has_symbol(name) or name in decls.given or name in decls.constants:
            continue
        decls.assumptions.setdefault(name, {"integer": True, "positive": True})


def bounds(low: Lowerer, lower: Node | None, upper: Node | None) -> tuple[sp.Symbol, Any, Any]:
    """(index, start, end) of `_{i=1}^{N}`, `_i` (the declared or conventional range), `_{i \\in I}`."""
    if lower is None:
        raise LoweringError("a sum needs an index")
    decls = low.decls
    items = low.condition_items(lower)
    if len(items) == 1 and low.name_of(items[0]):
        name = low.name_of(items[0])
        var = decls.symbol(name)
        start, end = decls.index_range(name)
    elif len(items) == 3 and is_sep(items[1], "rel") and items[1].args[0] == "=":
        name = low.name_of(items[0])
        if not name:
            raise LoweringError("cannot read the summation index")
        decls.assumptions.setdefault(name, {"integer": True})
        var = decls.symbol(name)
        start = low.expr(items[2])
        if upper is None:
            end = decls.index_range(name)[1]
        else:
            bound_name = low.name_of(upper.args[0].args[0].args[0]) if upper.kind == "group" and \
                len(upper.args[0].args) == 1 and len(upper.args[0].args[0].args) == 1 else low.name_of(upper)
            # a given number or constant (`m_B: 4`) keeps its value; only an unknown letter becomes a count
            if bound_name and not decls.has_symbol(bound_name) and bound_name not in decls.given \
                    and bound_name not in decls.constants:
                decls.assumptions.setdefault(bound_name, {"integer": True, "positive": True})
            elif bound_name is None:
                _declare_counts(decls, upper)
            end = low.script_value(upper)
    elif len(items) == 3 and is_sep(items[1], "rel") and items[1].args[0] == "in":
        name = low.name_of(items[0])
        if not name:
            raise LoweringError("cannot read the summation index")
        var = decls.symbol(name)
        start, end = decls.index_range(name)
    else:
        raise LoweringError("cannot read the summation bounds")
    if not getattr(var, "is_integer", False):
        var = sp.Symbol(str(var), integer=True)
    return var, start, end

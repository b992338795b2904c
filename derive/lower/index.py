"""Index notation on concrete sizes: `p_i`, `\\delta_{ij}`, `\\sum_j e^{z_j}`, `\\max_k z_k` for a fixed K.

An exercise declares index letters with integer ranges (`symbols: {i: {range: [1, 3]}, j: {range: [1, 3]}}`)
and vectors of a concrete size (`z: {shape: [3]}`, or numbers under `given:`). Then

* a claim with free indices (`\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)`) is read once for
  every value of its free letters and becomes a vector (one letter) or a matrix (two letters; rows follow
  the letter declared first), so it compares entry by entry with e.g. `jacobian(p, z)`;
* a sum over a letter with integer bounds whose body takes components is unrolled term by term;
* `\\delta_{ij}` is the Kronecker delta when both letters are index letters;
* `\\max_k` / `\\min_k` range over the letter's declared values;
* a letter with a value renames plain symbols too (`y_j` with j = 2 is the symbol `y_2`).

Letters without an integer range keep the old behaviour (a component with a symbolic index is an error),
so exercises that never declare ranges are unaffected. `Lowerer.expr` (lowerer.py) reads every formula side
through `lower_top`; components.py, bigops.py and applications.py use the helpers here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.syntax import script_text
from derive.parse.tree import Node
from derive.safe import as_expr

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

MAX_FREE_LETTERS = 2
MAX_VALUES = 64


class UnboundIndex(LoweringError):
    """A component `p_i` whose letter has no value yet; the caller may expand over the letter."""

    def __init__(self, letter: str, message: str) -> None:
        super().__init__(message)
        self.letter = letter


def concrete_range(low: Lowerer, letter: str) -> tuple[int, int] | None:
    """The declared integer range of an index letter, else None."""
    bounds = low.decls.index_ranges.get(letter)
    if bounds is None:
        return None
    lo, hi = (b.xreplace(_given_numbers(low)) for b in bounds)
    if not (lo.is_Integer and hi.is_Integer) or int(hi) - int(lo) + 1 > MAX_VALUES:
        return None
    return int(lo), int(hi)


def _given_numbers(low: Lowerer) -> dict[sp.Symbol, sp.Expr]:
    return {low.decls.symbol(k): v for k, v in low.decls.given.items()
            if isinstance(v, sp.Basic) and getattr(v, "is_Integer", False)}


def script_letters(script: Node) -> list[str]:
    """`{ij}` -> ['i', 'j'], `{i,j}` -> ['i', 'j'], `k` -> ['k'], `{12}` -> ['1', '2']."""
    raw = "".join(script_text(script).split())
    if "," in raw:
        return raw.split(",")
    return list(raw) if raw.isalnum() else [raw]


def valued_name(low: Lowerer, base: str, script: Node) -> str | None:
    """`y_j` with j = 2 -> 'y_2'; None when no letter of the script has a value."""
    parts = script_letters(script)
    if not any(p in low.index_values for p in parts):
        return None
    values = [str(low.index_values.get(p, p)) for p in parts]
    joined = "".join(values) if all(len(v) == 1 for v in values) else ",".join(values)
    return f"{base}_{joined}"


def require_values(low: Lowerer, script: Node, what: str) -> None:
    """A letter with an integer range but no value (and no symbolic sum binding it) -> UnboundIndex."""
    for p in script_letters(script):
        if p in low.index_values or not p.isidentifier():
            continue
        if concrete_range(low, p) is not None and p not in low.bound:   # bound: a symbolic sum over p
            raise UnboundIndex(p, f"{what} needs a value of the index {p}")


def component_indices(low: Lowerer, name: str, raw_parts: list[str]) -> list[int]:
    """0-based indices of `name_{parts}`; letters take their values, unbound ones raise UnboundIndex."""
    out = []
    for p in raw_parts:
        if p.isdigit():
            out.append(int(p) - 1)
        elif p in low.index_values:
            out.append(low.index_values[p] - 1)
        elif (value := label_value(low, p)) is not None:   # x_{t+s} at t = 2, s = 1
            out.append(value - 1)
        else:
            p = next((x for x in _LETTERS.findall(p) if x not in low.index_values), p)
            raw = ",".join(raw_parts) if any(len(x) > 1 for x in raw_parts) else "".join(raw_parts)
            raise UnboundIndex(p, f"component {name}_{{{raw}}} with a symbolic index of a quantity checked "
                                  f"on concrete sizes (declare its range: `{p}: {{range: [1, N]}}`)")
    return out


def kronecker(low: Lowerer, base: str, script: Node) -> sp.Expr | None:
    """`\\delta_{ij}` between two index letters -> KroneckerDelta; None when it is something else."""
    decls = low.decls
    if base != "delta" or "delta" in decls.given or "delta" in decls.assumptions or "delta" in decls.indexed:
        return None
    parts = script_letters(script)
    if len(parts) != 2:
        return None
    letters = decls.index_letters()
    if not all(p.isdigit() or p in low.index_values or p in low.bound or p in letters for p in parts):
        return None
    require_values(low, script, f"\\delta_{{{''.join(parts)}}}")
    args = [sp.Integer(int(p)) if p.isdigit() else sp.Integer(low.index_values[p]) if p in low.index_values
            else decls.symbol(p) for p in parts]
    return sp.KroneckerDelta(*args)


def with_values(low: Lowerer, values: dict[str, int], thunk: Callable[[], Any]) -> Any:
    """Run `thunk()` with some index letters set to values (restored afterwards)."""
    saved = dict(low.index_values)
    low.index_values.update(values)
    try:
        return thunk()
    finally:
        low.index_values.clear()
        low.index_values.update(saved)


def unroll(low: Lowerer, letter: str, start: sp.Expr, end: sp.Expr, body: Node, product: bool) -> sp.Expr:
    """Σ (or Π) over an integer range, the body read once per value of the letter."""
    lo, hi = int(start), int(end)
    if hi - lo + 1 > MAX_VALUES:
        raise LoweringError(f"sum over {letter} with more than {MAX_VALUES} terms to unroll")
    terms = [collapse(with_values(low, {letter: v}, lambda: low.expr(body))) for v in range(lo, hi + 1)]
    if product and any(isinstance(t, sp.MatrixBase) for t in terms):
        return _matrix_product(terms, letter)
    if product:
        return sp.Mul(*terms)
    total = terms[0] if terms else sp.Integer(0)
    for t in terms[1:]:
        total = total + t
    return total


def _matrix_product(terms: list, letter: str) -> Any:
    """Π over matrices. Notes write the chain rule's product of Jacobians as \\prod_{j=k+1}^{t} meaning the
    factor of the largest j first, as often as in increasing order: when the two orders give different
    matrices the product is not read (either verdict could be a false alarm)."""
    rising = terms[0]
    for t in terms[1:]:
        rising = rising * t
    falling = terms[-1]
    for t in reversed(terms[:-1]):
        falling = falling * t
    gap = rising - falling
    if isinstance(gap, sp.MatrixBase) and not all(sp.expand(g) == 0 for g in gap):
        raise LoweringError(f"a product of matrices over {letter}: the order of its factors is not written (by "
                            f"increasing or decreasing {letter}), and the two orders differ")
    return collapse(rising)


def extremum(low: Lowerer, func: str, letter: str, operand: Node) -> sp.Expr:
    """`\\max_k z_k`: the maximum of the operand over the declared values of k."""
    rng = concrete_range(low, letter)
    if rng is None:
        raise LoweringError(f"\\{func}_{letter} needs an integer range for {letter} (symbols: {{{letter}: "
                            f"{{range: [1, K]}}}})")
    values = [collapse(with_values(low, {letter: v}, lambda: low.expr(operand))) for v in range(rng[0], rng[1] + 1)]
    if any(isinstance(v, sp.MatrixBase) for v in values):
        raise LoweringError(f"\\{func}_{letter} of a vector-valued expression")
    return (sp.Max if func == "max" else sp.Min)(*values)


def collapse(value: Any) -> Any:
    """A 1×1 matrix (`v^T v`) is the number it holds."""
    if isinstance(value, sp.MatrixBase) and value.shape == (1, 1):
        return value[0, 0]
    return value


def lower_top(low: Lowerer, node: Node, dispatch: Callable[[Node], Any]) -> Any:
    """Lower a whole formula side; free letters with integer ranges make it a vector or matrix.

    The letters are those of this side plus those met on earlier sides of the same claim (the same
    Lowerer), so `= a_j` next to `\\partial z_i / \\partial W_{ij}` is read over i and j too."""
    known: list[str] = low.claim_letters
    if getattr(low.decls, "summation", None) == "einstein":
        dispatch = einstein(low, node, dispatch, known)
    try:
        value = dispatch(node)
    except UnboundIndex as exc:
        first = exc
    else:
        return value if not known else _over(low, node, dispatch, known)
    free: list[str] = []
    values: dict[str, int] = {}
    exc = first
    while True:
        rng = concrete_range(low, exc.letter)
        if rng is None or exc.letter in values:
            raise LoweringError(str(exc)) from None
        free.append(exc.letter)
        values[exc.letter] = rng[0]
        if len(free) > MAX_FREE_LETTERS + 2:
            raise LoweringError(f"too many free indices ({', '.join(free)})")
        try:
            with_values(low, values, lambda: dispatch(node))
            break
        except UnboundIndex as again:
            exc = again
    low.claim_letters = known + [f for f in free if f not in known]
    return _over(low, node, dispatch, low.claim_letters)


def _over(low: Lowerer, node: Node, dispatch, letters: list[str]) -> sp.MatrixBase:
    """The side read at every value of the letters: a column (one letter) or a matrix (two; rows
    follow the letter declared first)."""
    order = list(low.decls.index_ranges)
    # a letter with one value (`j: {range: [2, 2]}`: column 2 only) is fixed, not a dimension
    fixed = {f: concrete_range(low, f)[0] for f in letters if len(set(concrete_range(low, f))) == 1}
    free = sorted((f for f in letters if f not in fixed), key=order.index)
    if len(free) > MAX_FREE_LETTERS:
        raise LoweringError(f"more than {MAX_FREE_LETTERS} free indices ({', '.join(free)})")
    if not free:
        return collapse(with_values(low, fixed, lambda: dispatch(node)))
    ranges = [range(concrete_range(low, f)[0], concrete_range(low, f)[1] + 1) for f in free]

    def entry(vals: dict[str, int]) -> sp.Expr:
        value = collapse(with_values(low, {**fixed, **vals}, lambda: dispatch(node)))
        if isinstance(value, sp.MatrixBase):
            raise LoweringError(f"a vector-valued expression with free index {', '.join(free)}")
        return value

    if len(free) == 1:
        return sp.ImmutableMatrix([[entry({free[0]: a})] for a in ranges[0]])
    return sp.ImmutableMatrix([[entry({free[0]: a, free[1]: b}) for b in ranges[1]] for a in ranges[0]])


def sum_over(low: Lowerer, op: str, var: sp.Symbol, start: sp.Expr, end: sp.Expr, body: Node) -> sp.Expr:
    """A sum / product: unrolled over an integer range when its letter has one or its body takes
    components of concrete vectors; otherwise the usual symbolic Sum / Product."""
    letter = str(var)
    numbers = _given_numbers(low)    # `\sum_{j=1}^K` with K given as a number
    start, end = as_expr(start).xreplace(numbers), as_expr(end).xreplace(numbers)
    integer = bool(start.is_Integer and end.is_Integer)
    if integer and concrete_range(low, letter) is not None:
        return unroll(low, letter, start, end, body, op == "prod")
    low.bound.append(letter)
    try:
        value = low.expr(body)
    except UnboundIndex as exc:
        if exc.letter != letter:
            raise
        if not integer:
            raise LoweringError(f"a sum over {letter} with symbolic bounds of components of a quantity "
                                f"checked on concrete sizes") from None
        value = None
    finally:
        low.bound.pop()
    if value is None:
        return unroll(low, letter, start, end, body, op == "prod")
    return (sp.Sum if op == "sum" else sp.Product)(value, (var, start, end))


_LABEL_TERM = re.compile(r"([+-]?)([A-Za-z]+|\d+)")


_LETTERS = re.compile(r"[A-Za-z]+")


def valued_label(low: Lowerer, label: str) -> str:
    """A layer/time label with its index letters at their values: `t-1` at t = 2 -> '1', `t` -> '2'.

    Only a sum/difference of integers and valued letters is evaluated (so `h^{(t-1)}` in an unrolled
    `\\sum_{t=1}^T` is the same quantity as `h^{(1)}`); any other label is kept as written."""
    value = label_value(low, label)
    return label if value is None else str(value)


def label_value(low: Lowerer, label: str) -> int | None:
    """`t-1`, `t+s`, `t` with every letter valued -> the integer; None for anything else (or no letter)."""
    text = "".join(label.split())
    terms = _LABEL_TERM.findall(text)
    if not terms or "".join(sign + tok for sign, tok in terms) != text or not all(s for s, _ in terms[1:]):
        return None
    letters = [tok for _, tok in terms if not tok.isdigit()]
    if not letters or not all(tok in low.index_values for tok in letters):
        return None
    total = 0
    for sign, tok in terms:
        value = int(tok) if tok.isdigit() else low.index_values[tok]
        total += -value if sign == "-" else value
    return total


def einstein(low: Lowerer, node: Node, dispatch: Callable[[Node], Any], known: list[str]) -> Callable[[Node], Any]:
    """Under `summation: einstein`: a letter repeated among the factors of a product side, and not met on
    an earlier side of the claim (its left side), is summed over its declared range (`C_{ij} = A_{ik}
    B_{kj}` sums over k). Other sides (sums of terms, single factors) are read as written."""
    if node.kind != "implicit":
        return dispatch
    counts: dict[str, int] = {}
    for factor in node.args:
        for letter in _subscript_letters(factor):
            counts[letter] = counts.get(letter, 0) + 1
    summed = [x for x, n in counts.items() if n >= 2 and x not in known and x not in low.index_values
              and x not in low.bound and concrete_range(low, x) is not None]
    if not summed:
        return dispatch
    ranges = [range(concrete_range(low, x)[0], concrete_range(low, x)[1] + 1) for x in summed]

    def contracted(n: Node) -> Any:
        total: Any = sp.Integer(0)
        for combo in itertools.product(*ranges):
            total = total + collapse(with_values(low, dict(zip(summed, combo, strict=True)), lambda: dispatch(n)))
        return total

    return contracted


def _subscript_letters(node: Node) -> list[str]:
    """The index letters of the subscripts in a factor (`A_{ik}` -> i, k; `x_{t+s}` -> t, s)."""
    out: list[str] = []
    if not isinstance(node, Node):
        return out
    if node.kind == "sub":
        raw = "".join(script_text(node.args[1]).split())
        parts = script_letters(node.args[1]) if raw.isalnum() or "," in raw else _LETTERS.findall(raw)
        out.extend(p for p in parts if p.isidentifier())
        return out + _subscript_letters(node.args[0])
    for arg in node.args:
        if isinstance(arg, Node):
            out.extend(_subscript_letters(arg))
    return out

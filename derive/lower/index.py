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
so exercises that never declare ranges are unaffected. `Lowerer` (derive/lower.py) calls in here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.syntax import canonical_script, script_text
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
                                  f"on concrete sizes")
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
    if product:
        return sp.Mul(*terms)
    total = terms[0] if terms else sp.Integer(0)
    for t in terms[1:]:
        total = total + t
    return total


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
    known: list[str] = getattr(low, "claim_letters", [])
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


def lower_subscript(low: Lowerer, node: Node) -> sp.Expr | None:
    """The new readings of `base_{script}`, or None to leave the subscript to the usual rules."""
    base, script = node.args
    if base.kind == "norm":
        return _norm(low, base, script)
    if base.kind in ("call", "paren") and (value := _matrix_value(low, base)) is not None:
        return component(low, "(...)", value, script)   # softmax(z)_i, (W x)_j
    if base.kind == "prime":   # z'_i: the vector z' (given as z_prime)
        inner = low.name_of(base.args[0])
        if inner is None:
            return None
        name = f"{inner}_prime"
        concrete = low.decls.constants.get(name, low.decls.given.get(name))
        if isinstance(concrete, sp.MatrixBase):
            return component(low, name, concrete, script)
        plain = _plain(low, name, script)
        return plain if plain is not None else low.symbol(f"{name}_{canonical_script(script)}")
    name = low.name_of(base)
    if name is None:
        return None
    if (delta := kronecker(low, name, script)) is not None:
        return delta
    decls = low.decls
    concrete = decls.constants.get(name, decls.given.get(name))
    if isinstance(concrete, sp.MatrixBase) or name in decls.indexed:
        return None
    if base.kind == "style" and base.args[0] in ("mathbb", "mathbbm"):
        return None
    return _plain(low, name, script)


def _plain(low: Lowerer, name: str, script: Node) -> sp.Expr | None:
    """`y_j` with j = 2 -> the symbol y_2; a letter with an integer range but no value -> UnboundIndex."""
    renamed = valued_name(low, name, script)
    if renamed is not None:
        return low.symbol(renamed)
    if low.decls.index_ranges and script_letters(script) != [name]:
        require_values(low, script, f"{name}_{{{''.join(script_letters(script))}}}")
    return None


def _matrix_value(low: Lowerer, node: Node) -> sp.MatrixBase | None:
    try:
        value = low.expr(node)
    except (LoweringError, ValueError, TypeError):
        return None
    return value if isinstance(value, sp.MatrixBase) else None


def component(low: Lowerer, name: str, matrix: sp.MatrixBase, script: Node) -> sp.Expr:
    """Entry `name_{script}` of a concrete vector or matrix (1-based; letters take their values)."""
    idx = component_indices(low, name, script_letters(script))
    if matrix.shape[1] == 1 and len(idx) == 1:
        idx.append(0)
    elif matrix.shape[0] == 1 and len(idx) == 1:
        idx.insert(0, 0)
    if len(idx) != 2 or not (0 <= idx[0] < matrix.shape[0] and 0 <= idx[1] < matrix.shape[1]):
        raise LoweringError(f"component {name}_{{{''.join(script_letters(script))}}} outside the concrete "
                            f"size {matrix.shape}")
    return matrix[idx[0], idx[1]]


def _norm(low: Lowerer, base: Node, script: Node) -> sp.Expr:
    """`\\|v\\|_1`, `\\|v\\|_2`, `\\|v\\|_\\infty`, `\\|v\\|_p`, `\\|A\\|_F` of a concrete vector / matrix."""
    from derive.lower.syntax import single_expression

    value = low.expr(single_expression(base.args[0]))
    if not isinstance(value, sp.MatrixBase):
        return sp.Abs(value)    # a scalar: every norm is |x|
    raw = "".join(script_text(script).split())
    entries = list(value)
    if raw in ("1",):
        return sp.Add(*[sp.Abs(e) for e in entries])
    if raw in ("\\infty", "infty", "oo", "∞"):
        return sp.Max(*[sp.Abs(e) for e in entries])
    if raw in ("2", "F", "{2}", "{F}"):
        return norm2(value)
    if not raw.isalpha():
        raise LoweringError(f"unknown norm subscript {raw!r}")
    p = low.script_value(script)
    return sp.Add(*[sp.Abs(e) ** p for e in entries]) ** (1 / p)


def norm2(value: sp.MatrixBase) -> sp.Expr:
    """Euclidean norm of a vector, Frobenius norm of a matrix."""
    return sp.sqrt(sp.Add(*[e ** 2 for e in value]))


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


def index_operator(low: Lowerer, factor: Node, rest: list[Node]) -> tuple[sp.Expr, int] | None:
    """`\\max_k z_k` (max over an index) and `\\nabla_{\\mathbf{x}} f` (gradient) acting on what follows:
    (value, number of following factors used), or None when the factor is something else."""
    if factor.kind == "name":   # \nabla f(x) of a scalar function: f'(x)
        call = rest[0]
        if call.kind != "call":
            return None
        fn = low.function(low.name_of(call.args[0]))
        if fn is None:
            return None
        from derive.lower.syntax import split_arguments

        args = [low.argument(a) for a in split_arguments(call.args[1])]
        if len(args) != 1 or isinstance(args[0], sp.MatrixBase):
            raise LoweringError("\\nabla f(x) needs a scalar function of one argument (or \\nabla_{x})")
        u = sp.Dummy("u", real=True)
        return sp.diff(fn([u]), u).xreplace({u: args[0]}), 1
    head, script = factor.args
    if head.kind == "func" and head.args[0] in ("max", "min"):
        letters = script_letters(script)
        if len(letters) != 1 or not letters[0].isidentifier():
            return None
        return extremum(low, head.args[0], letters[0], rest[0]), 1
    if head.kind == "name" and head.args[0] == "nabla":
        var = low.script_value(script)
        return gradient(low.product(rest), var), len(rest)
    return None


def gradient(value: sp.Expr, var) -> sp.Expr:
    """∇_v f: the partial derivatives of a scalar f, shaped like v."""
    if isinstance(value, sp.MatrixBase):
        value = collapse(value)
        if isinstance(value, sp.MatrixBase):
            raise LoweringError("\\nabla of a vector-valued expression (use a Jacobian)")
    if isinstance(var, sp.MatrixBase):
        if not all(isinstance(v, (sp.Symbol, sp.Indexed)) for v in var):
            from derive.lower.matcalc import by_intermediate  # \nabla_{a} L with a = sigma(z): through a

            try:
                return by_intermediate(value, var, "denominator")
            except ValueError as exc:
                raise LoweringError(f"\\nabla with respect to a defined quantity: {exc}") from None
        return var.applyfunc(lambda v: sp.diff(value, v))
    if not isinstance(var, (sp.Symbol, sp.Indexed)):
        raise LoweringError("\\nabla with respect to something that is not a variable")
    return sp.diff(value, var)


def special_call(low: Lowerer, node: Node) -> sp.Expr | None:
    """`f'(z)` of a known function (its derivative at z, elementwise on vectors), and `\\ell(\\hat y, y)`:
    a given quantity written with its arguments is that quantity. None otherwise."""
    from derive.lower.syntax import split_arguments

    head, rows = node.args
    inner = None
    if head.kind == "prime" or head.kind == "sub" and head.args[0].kind == "prime":
        prime = head if head.kind == "prime" else head.args[0]
        inner = low.name_of(prime.args[0])
        if inner is not None and head.kind == "sub":
            inner = f"{inner}_{canonical_script(head.args[1])}"     # \sigma'_h
    elif head.kind == "sup" and (primed := _primed_label(head.args[1])) is not None:
        inner = low.name_of(Node("sup", (head.args[0], primed)))   # \sigma^{(\ell)'}, \sigma^{(L)\prime}
    if inner is not None:
        fn = low.function(inner)
        if fn is None:
            return None
        args = [low.argument(a) for a in split_arguments(rows)]
        if len(args) != 1:
            raise LoweringError(f"{inner}' takes one argument")
        u = sp.Dummy("u", real=True)
        slope = sp.diff(fn([u]), u)
        if isinstance(args[0], sp.MatrixBase):
            return args[0].applyfunc(lambda a: slope.xreplace({u: a}))
        return slope.xreplace({u: args[0]})
    if head.kind == "sup" and head.args[0].kind == "func" and not low.is_transpose(head.args[1]) \
            and not low.is_label(head.args[1]):
        fn = low.function(head.args[0].args[0])    # \tanh^2(z) = (\tanh z)^2
        if fn is None:
            return None
        arg = low.argument(split_arguments(rows)[0]) if len(split_arguments(rows)) == 1 else None
        if arg is None:
            return None
        value = fn([arg]) if not isinstance(arg, sp.MatrixBase) else arg.applyfunc(lambda a: fn([a]))
        power = low.script_value(head.args[1])
        return value.applyfunc(lambda v: v ** power) if isinstance(value, sp.MatrixBase) else value ** power
    if low.decls.distributions:
        value = _random_variable_call(low, head, rows)
        if value is not None:
            return value
    name = low.name_of(head)
    if name is not None and name in low.decls.given and low.function(name) is None:
        if len(split_arguments(rows)) >= 2:
            return low.decls.given[name]
    return None


def labelled_component(low: Lowerer, node: Node) -> sp.Expr | None:
    """`z_j^{(\\ell)}`, `W_{jk}^{(\\ell)}`: an entry of the concrete quantity z^{(\\ell)} (declared z^ell)."""
    sub, label = node.args
    base = low.name_of(sub.args[0])
    if base is None:
        return None
    whole = low.name_of(Node("sup", (sub.args[0], label)))
    if whole is None:
        return None
    try:
        value = low.symbol(whole)
    except LoweringError:
        return None
    if not isinstance(value, sp.MatrixBase):
        return None
    return component(low, whole, value, sub.args[1])


def _primed_label(script: Node) -> Node | None:
    r"""The label of `^{(\ell)'}`: the superscript is a primed parenthesised label."""
    inner = script
    if script.kind == "group":
        items = [i for r in script.args[0].args for i in r.args]
        if len(items) != 1:
            return None
        inner = items[0]
    if inner.kind == "prime" and inner.args[0].kind == "paren":
        return inner.args[0]
    return None


def inner_product(low: Lowerer, node: Node) -> sp.Expr:
    """`\\langle a, b \\rangle`: the dot product (the product of two numbers)."""
    from derive.lower.syntax import split_arguments

    args = split_arguments(node.args[0])
    if len(args) != 2 or any(len(a) != 1 for a in args):
        raise LoweringError("an inner product takes two arguments")
    a, b = (collapse(low.expr(x[0])) for x in args)
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
        if len(a) != len(b):
            raise LoweringError(f"inner product of sizes {a.shape} and {b.shape}")
        return sp.Add(*[x * y for x, y in zip(a, b, strict=True)])
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        raise LoweringError("inner product of a vector and a number")
    return a * b


def _random_variable_call(low: Lowerer, head: Node, rows: Node) -> sp.Expr | None:
    """With declared distributions: `\\mathbb{E}_{\\mathcal{D}}[X]` is E[X] (the subscript names what is
    random), `\\hat{f}(x)` of a random f is that variable at the fixed point x, and `f^*(x)` is the
    fixed value f_star."""
    from derive.lower.expectation import EXPECTATION_NAMES, VARIANCE_NAMES, ExpectationUndecided, expectation
    from derive.lower.syntax import single_expression

    if head.kind == "sub" and low.name_of(head.args[0]) in EXPECTATION_NAMES | VARIANCE_NAMES:
        try:
            return expectation(low.expr(single_expression(rows)), low.decls,
                               variance=low.name_of(head.args[0]) in VARIANCE_NAMES)
        except ExpectationUndecided as exc:
            raise LoweringError(str(exc)) from None
    name = low.name_of(head)
    if name is not None and name in low.decls.distributions:
        return low.decls.symbol(name)
    star_script = head.kind == "sup" and head.args[1].kind == "name" and head.args[1].args[0] in ("*", "ast", "star")
    if star_script:
        base = low.name_of(head.args[0])
        star = f"{base}_star" if base else None
        if star and (star in low.decls.assumptions or star in low.decls.given):
            return low.symbol(star)
    return None


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

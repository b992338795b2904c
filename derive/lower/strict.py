"""The strict reading (setting `strict`, used by lint): nothing unknown is given a guessed meaning.

The default reading takes `f[x]` with an unknown `f` as the product f*x, which is right under a spec that
declares its functions but would turn every undeclared function of a notes file into a false alarm. Here an
unknown function head, a prime on an undefined function, prose inside a formula, a derivative operator whose
reach is unclear and a name whose definition was ambiguous (setting `poisoned`) all refuse to lower
(errors.UnknownFunction, Ambiguous, Prose): the step is then skipped and counted, never judged.

Each function here replaces the default construct of its node kind (lowerer.py's STRICT table) and falls back
to it once the strict questions are answered. The strict reading also reads `d^2 g` as a second derivative's
numerator (derivatives.py), and sets `low.guessed_product` when `n(n + 1)` was read as a product (setting
`plain`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower import applications, arithmetic, atoms, bigops, scripts
from derive.lower.derivatives import denominator, derivative_fraction
from derive.lower.errors import Ambiguous, LoweringError, Prose, UnknownFunction
from derive.lower.functions import builtin_for
from derive.lower.syntax import has_derivative, single_expression, split_arguments
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

# Units that rescale the number before them (`2.048 MB` for 2 048 000 bytes): no arithmetic verdict.
SCALE_UNIT = re.compile(r"^\s*(%|\\%|percent\b|per\s*cent\b|[kKMGTPmµμun]i?[Bb](ytes?|its?)?\b|[kKMGT]\b|"
                        r"bytes?\b|bits?\b|thousands?\b|millions?\b|billions?\b|trillions?\b|[mµμn]s\b|"
                        r"[kKMGT]?FLOPs?\b|[kKMG]Hz\b|cm\b|mm\b|km\b|kg\b|g\b|minutes?\b|hours?\b|days?\b)")

# Words that join statements, never units: `1 \text{ or } 2` is not "1 or".
CONNECTIVES = frozenset({
    "and", "or", "where", "if", "for", "with", "when", "then", "so", "since", "because", "which", "i.e.", "e.g.",
    "thus", "hence", "therefore", "while", "whereas", "but", "equivalently", "is", "are", "gives", "yields",
    "implies", "otherwise", "all", "any", "some", "at", "as", "to", "in",
})

# Heads before brackets that can only mean multiplication.
VALUE_HEADS = frozenset({"number", "paren", "group", "call", "abs", "norm", "frac", "sqrt", "factorial", "binom"})
# Letters that name functions far more often than quantities: never read `f(x)` as f times x.
FUNCTION_LETTERS = frozenset({
    "f", "g", "h", "F", "G", "H", "p", "q", "P", "Q", "L", "ell", "l", "phi", "psi", "sigma", "varphi", "E", "N",
    "O", "r", "s", "u", "v", "k", "K", "J", "R", "T", "V", "Var", "Pr",
})


# ------------------------------------------------------------------ words
def known_word(low: Lowerer, name: str) -> bool:
    d = low.decls
    return name in d.given or name in d.given_functions or name in d.assumptions or builtin_for(name) is not None


def is_prose(low: Lowerer, node: Node) -> bool:
    """`\\text{ and }`, `\\textrm{bits}`: words, not a quantity or a function this reader knows."""
    if node.kind != "text":
        return False
    name = low.name_of(node)
    return name is None or not known_word(low, name)


def is_unit(low: Lowerer, before: Node, word: Node) -> bool:
    """`4 \\text{ bits}`, `20 \\text{ examples processed}`: words after a number, naming its unit."""
    if before.kind != "number" or not is_prose(low, word):
        return False
    words = str(word.args[0]).replace(",", " ").split()
    return bool(words) and not (set(w.lower() for w in words) & CONNECTIVES)


def text(low: Lowerer, node: Node) -> Any:
    name = low.name_of(node)
    if name is None or not known_word(low, name):
        raise Prose(f"prose {node.args[0].strip()!r} inside the formula")
    return atoms.text(low, node)


# ------------------------------------------------------------------ products and applications
def implicit(low: Lowerer, node: Node) -> Any:
    factors = list(node.args)
    if len(factors) >= 2 and is_unit(low, factors[-2], factors[-1]):
        if SCALE_UNIT.match(str(factors[-1].args[0])):
            raise Ambiguous("a unit that rescales the number (MB, %, thousand)")
        factors = factors[:-1]   # `20 \text{ epochs}`: a number and its unit
        if len(factors) == 1:
            return low.expr(factors[0])
        node = Node("implicit", tuple(factors))
    for k, f in enumerate(factors):
        if is_prose(low, f):
            # `= 1 \text{ or equivalently } \sigma = ...`: words end the formula's mathematics
            raise Prose(f"prose {f.args[0].strip()!r} inside the formula")
        if k < len(factors) - 1 and f.kind == "call" and is_derivative_operator(low, f.args[0]):
            # `\frac{d}{dx}(x+1)(x+2)`: does the operator reach the second bracket? Undecidable.
            raise Ambiguous("a derivative operator followed by several factors")
    limit = next((f for f in factors if f.kind == "sub" and f.args[0].kind == "func"
                  and f.args[0].args[0] == "lim"), None)
    if limit is not None:
        # `\lim_{\epsilon \to 0}`: epsilon is the limit's own variable, whatever value it had before
        with low.hiding(index_name(low, limit.args[1])):
            return applications.implicit(low, node)
    return applications.implicit(low, node)


def is_derivative_operator(low: Lowerer, head: Node) -> bool:
    """`\\frac{d}{dx}` (an operator waiting for its operand), not `\\frac{df}{dx}`."""
    if head.kind != "frac" or not has_derivative(head):
        return False
    try:
        return low.operator(head) is not None
    except LoweringError:
        return False


def call(low: Lowerer, node: Node) -> Any:
    head, rows = node.args
    if head.kind == "prime":
        return _prime_call(low, head, rows)
    if head.kind == "frac" and has_derivative(head):
        if is_derivative_operator(low, head):
            return applications.call(low, node)
        return _derivative_at(low, head, rows)
    if head.kind == "sub" and head.args[0].kind == "func":
        if head.args[0].args[0] != "log":
            raise UnknownFunction(f"\\{head.args[0].args[0]} with a subscript is an operator lint does not evaluate")
        args = split_arguments(rows)   # `\log_2(8)`
        if len(args) != 1:
            raise UnknownFunction("a logarithm of several arguments")
        return sp.log(low.argument(args[0]), low.script_value(head.args[1]))
    if head.kind == "sup" and _numeric_power(low, head):
        return low.expr(head) * low.expr(single_expression(rows))   # `x^2(1 - x)`
    if head.kind in VALUE_HEADS:
        if head.kind in ("frac", "call"):
            # `\frac{a}{b}(c)` / `f(x)(1 - f(x))`: a product of values, as long as the head is one
            low.expr(head)
        return applications.call(low, node)
    name = low.name_of(head)
    if name is not None and name in low.settings.poisoned:
        raise Ambiguous(f"{name} has an ambiguous definition here")
    if name is None or low.function(name) is None:
        if name is not None and name in low.decls.given and name not in low.decls.given_functions:
            return _defined_quantity_call(low, name, node)
        if name is not None and name in low.settings.plain and name not in FUNCTION_LETTERS and head.kind == "name":
            # `\frac{n(n+1)}{2}` next to `\sum_{i=1}^{n}`: n is a number here; the step is judged only
            # if it holds (the reading n(...) as a function is never ruled out)
            low.guessed_product = True
            return low.symbol(name) * low.expr(single_expression(rows))
        raise UnknownFunction(f"{name or 'the expression'} is used as a function but never defined")
    return applications.call(low, node)


def _numeric_power(low: Lowerer, head: Node) -> bool:
    base, script = head.args
    inner = _only_item(script.args[0]) if script.kind == "group" else script
    return inner is not None and inner.kind == "number" and base.kind in ("name", "sub", "paren", "number") \
        and not (base.kind == "name" and low.function(low.name_of(base)) is not None)


def _defined_quantity_call(low: Lowerer, name: str, node: Node) -> Any:
    """A defined name before brackets: the quantity written with its arguments (`L[\\phi]`,
    `\\ell(\\hat y, y)`), or a product (`a(b + c)`, `s_1 (1 - s_1)`) when the value cannot be a
    function of one variable evaluated somewhere; `L(2)` for L of one variable is ambiguous."""
    value = low.decls.given[name]
    args = split_arguments(node.args[1])
    if args and all(len(a) == 1 and a[0].kind in ("name", "sub", "bold", "accent")
                    and (n := low.name_of(a[0])) is not None and n not in low.decls.given for a in args):
        return low.symbol(name)
    if isinstance(value, sp.Expr) and len(value.free_symbols) != 1:
        return low.symbol(name) * low.expr(single_expression(node.args[1]))
    raise Ambiguous(f"{name} is defined as a quantity of one variable and applied to a value")


def _derivative_at(low: Lowerer, head: Node, rows: Node) -> Any:
    """`\\frac{dg}{dx}(x)`: the derivative of g, at the bracketed point (not times it)."""
    value = low.expr(head)
    variables = denominator(low, single_expression(head.args[1]))
    args = split_arguments(rows)
    if not variables or len(variables) != 1 or len(args) != 1:
        raise Ambiguous("a derivative evaluated at several points")
    var = variables[0][0]
    if not isinstance(var, sp.Symbol):
        raise Ambiguous("a derivative with respect to a non-variable, evaluated at a point")
    return value.xreplace({var: low.argument(args[0])})


def _prime_call(low: Lowerer, head: Node, rows: Node) -> Any:
    """`f'(x)` for a one-argument function defined earlier: its derivative at the argument."""
    name = low.name_of(head.args[0])
    if name is None or name not in low.decls.given_functions or name in low.settings.poisoned:
        raise UnknownFunction(f"{name or 'the expression'}' is the derivative of an undefined function")
    params, body = low.decls.given_functions[name]
    args = split_arguments(rows)
    if len(params) != 1 or len(args) != 1 or len(args[0]) != 1:
        raise UnknownFunction(f"{name}' of several arguments")
    value = low.expr(args[0][0])
    return sp.diff(body, params[0]).xreplace({params[0]: value})


# ------------------------------------------------------------------ scripts, fractions, big operators
def sup(low: Lowerer, node: Node) -> Any:
    base, script = node.args
    inner = _only_item(script.args[0]) if script.kind == "group" else script
    if base.kind in ("name", "sub", "accent", "bold") and inner is not None and inner.kind == "number" \
            and inner.args[0] == "0":
        raise Ambiguous("a superscript 0 names a layer or a time, it is not a zeroth power")
    if base.kind == "number" and inner is not None and inner.kind == "name" and low.is_label(script):
        return sp.Pow(low.expr(base), low.symbol(inner.args[0]))   # `2^N`: a number has no label
    if base.kind == "call" and is_derivative_operator(low, base.args[0]) and not low.is_label(script):
        # `\frac{d}{dv}(x - uv)^2`: the parser binds the power to the application; the operator
        # acts on the power.
        powered = Node("sup", (Node("paren", (base.args[1],), text="("), script))
        return low.operator(base.args[0]).apply(low.expr(powered))
    return scripts.sup(low, node)


def sub(low: Lowerer, node: Node) -> Any:
    if node.args[0].kind == "func":
        # `\lim_{\epsilon \to 0}`, `\max_i`: an operator, never a symbol named lim_epsilon
        raise UnknownFunction(f"\\{node.args[0].args[0]} with a subscript is an operator lint does not evaluate")
    return scripts.sub(low, node)


def prime(low: Lowerer, node: Node) -> Any:
    raise UnknownFunction("a primed quantity without a definition")


def frac(low: Lowerer, node: Node) -> Any:
    if has_derivative(node):
        num, den = single_expression(node.args[0]), single_expression(node.args[1])
        if derivative_fraction(low, num, den, bare=False) is None:
            # `\frac{d^3 f}{...}` in a form the reader does not know: never d times f
            raise UnknownFunction("a derivative written in a form lint cannot read")
    return arithmetic.frac(low, node)


def bigop(low: Lowerer, node: Node) -> Any:
    if node.args[0] == "int":
        return bigops.bigop(low, node)   # the variable of integration is hidden by integrals.py
    # The summation index is a fresh variable: a value given to the same letter earlier in the
    # section (`n = 3`) must not leak into the body.
    with low.hiding(index_name(low, node.args[1])):
        value = bigops.bigop(low, node)
    if isinstance(value, (sp.Sum, sp.Product)):
        _check_bound_index(value)
        # Without declared indices the default reading binds `\sum_i` to an integer i while `x_i` in the
        # body uses the real i; rebind the body to the summation variable.
        var = value.limits[0][0]
        loose = low.decls.symbol(str(var))
        if loose != var:
            value = value.func(value.function.xreplace({loose: var}), *value.limits)
    return value


def index_name(low: Lowerer, lower: Node | None) -> str | None:
    """The name of a big operator's or a limit's variable (`_{i=1}` -> 'i'), else None."""
    if lower is None:
        return None
    try:
        items = low.condition_items(lower)
    except LoweringError:
        return None
    return low.name_of(items[0]) if items else None


def _check_bound_index(value: sp.Expr) -> None:
    """`\\sum_j W_{ij}^{(\\ell)} a_j`: a labelled name is one symbol, so the sum would not reach its j
    and would read as n copies of one term. Refuse rather than misread."""
    letter = str(value.limits[0][0])
    for s in value.function.free_symbols:
        name = str(s)
        if "_" in name:
            script = name.split("_", 1)[1].split("^", 1)[0]
            if letter in script.split(",") or (len(letter) == 1 and letter in script):
                raise Ambiguous(f"the sum over {letter} reaches {name} only by its name")


def _only_item(node: Node) -> Node | None:
    if node.kind != "rows":
        return node
    items = [i for r in node.args for i in r.args]
    return items[0] if len(items) == 1 else None

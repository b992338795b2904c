"""Applications and products: `f(x)`, `\\sigma[z]`, `f'(z)`, `\\tanh^2(z)`, `\\mathbb{1}[z > 0]`, `x(1 - x)`,
`\\log x_i`, `\\frac{d}{dx} f`, `\\max_k z_k`, `\\nabla_{x} f`.

`head(args)` is an application when the head is a function (declared, given, built in) or an operator
(heads.py, derivatives.py); otherwise brackets group and juxtaposition multiplies. In a product, an operator
or a bare function name acts on what follows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.derivatives import DerivativeOperator, derivative_fraction, gradient
from derive.lower.errors import LoweringError
from derive.lower.functions import builtin_for, indicator, inverse_for, opaque_function
from derive.lower.heads import function_operator, head_operator
from derive.lower.index import extremum, script_letters
from derive.lower.matcalc import elementwise
from derive.lower.probability import moment, random_variable_call
from derive.lower.syntax import canonical_script, single_expression, split_arguments, times
from derive.parse.tree import Node, is_sep

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer


def call(low: Lowerer, node: Node) -> Any:
    value = application(low, node)
    if value is not None:
        return value
    # Not a function: brackets group, and juxtaposition multiplies.
    head, rows = node.args
    if head.kind == "sub" and head.args[0].kind == "func":
        # \min_x [f(x)], \max_{x \in [0, 1]} (...): an optimisation over a variable, never a name min_x times
        raise LoweringError(f"\\{head.args[0].args[0]} with a subscript applied to a group (an optimum over a "
                            f"variable) is not read here; a spec states it with a recipe (minimum, argmin)")
    return times(low.expr(head), low.expr(single_expression(rows)))   # u^T (x - x_0) is a number


def implicit(low: Lowerer, node: Node) -> Any:
    factors = [f for f in node.args if not (f.kind == "text" and low.name_of(f) is None)]
    if not factors:
        raise LoweringError("prose is not mathematics")
    if any(a.kind == "number" and b.kind == "number" for a, b in zip(factors, factors[1:], strict=False)):
        # `0.5 \quad 0.2` is two numbers, never their product (digit groups `10\,000` are one number already)
        shown = " ".join(f.args[0] for f in factors if f.kind == "number")
        raise LoweringError(f"numbers side by side ({shown}): a list or a row vector? write [a, b]")
    return product(low, factors)


def application(low: Lowerer, node: Node) -> Any:
    """The value of `head(args)` when head is a function (or an operator); None when it is a product."""
    head, rows = node.args
    if is_limit(head):
        return limit(low, head.args[1], [Node("paren", (rows,), text="(")])   # \lim_{n \to \infty}(...)
    name = low.name_of(head)
    if head.kind == "style" and head.args[0] in ("mathbb", "mathbbm") and name in ("bb_1", "bb_I"):
        return indicator_value(low, _items(rows))
    if head.kind == "bold" and name == "1":
        return indicator_value(low, _items(rows))
    if low.decls.distributions and name is not None and (value := moment(low, name, rows)) is not None:
        return value
    if head.kind in ("prime", "sub", "style", "name", "text", "accent", "sup"):
        special = special_call(low, node)   # f'(z); \ell(\hat y, y) names the quantity
        if special is not None:
            return special
    if head.kind == "sub" and head.args[0].kind == "func" and head.args[0].args[0] == "log":
        args = [low.argument(a) for a in split_arguments(rows)]   # \log_2(x): to base 2, never a name log_2 times x
        if len(args) != 1:
            raise LoweringError("a logarithm of several arguments")
        return operator(low, head)(args)
    if (special := head_operator(low, head)) is not None:   # argmin_phi[...], functions of vectors
        return special([low.argument(a) for a in split_arguments(rows)])
    fn = low.function(name) if head.kind != "number" else None
    if fn is None and head.kind == "func":
        raise LoweringError(f"unknown function \\{head.args[0]}")
    if fn is None and head.kind == "text" and name is not None and len(name) > 1 and name not in low.decls.given \
            and name not in low.decls.assumptions:
        # `\operatorname{name}(x)` marks name as a function: one the tool does not know is an unspecified
        # function of its arguments (an opaque head), never the symbol `name` times x.
        fn = opaque_function(name, unknown=f"\\operatorname{{{name}}}")
    if fn is None and not low.decls.distributions and _is_expectation_head(low, head):
        # \mathbb{E}_{x \sim p}[f(x)] with no declared distribution: an expectation whose law nobody gave,
        # kept as an application (never the symbol E times f), so only what holds for any law is decided
        fn = opaque_function(name or "E", unknown="\\mathbb{E} (no distribution declared)")
    if fn is not None:
        args = [low.argument(a) for a in split_arguments(rows)]
        if any(isinstance(a, (sp.core.relational.Relational, sp.logic.boolalg.BooleanFunction)) for a in args):
            raise LoweringError(f"a condition or equation is not an argument of {name or 'a function'} "
                                f"(write the value it applies to)")
        try:
            if args and isinstance(args[0], sp.MatrixBase) and not getattr(fn, "vector_argument", False):
                return elementwise(fn, args[0], args[1:])   # activations act elementwise
            return fn(args)
        except (TypeError, ValueError) as exc:
            raise LoweringError(str(exc)) from None
    if (act := acting_operator(low, head)) is not None:
        return act(low.expr(single_expression(rows)))
    return None


def acting_operator(low: Lowerer, head: Node) -> Callable[[Any], Any] | None:
    """The derivative written before a group, as a map from the group's value to the result:
    `\\frac{\\partial}{\\partial w}(...)`, `\\frac{d}{dx}[...]`, `\\nabla_{w}(...)`; None for any other head."""
    if head.kind == "frac":   # `\frac{\partial}{\partial f} (\log[...])`: the operator acts on the group
        op = operator(low, head)
        return op.apply if isinstance(op, DerivativeOperator) else None
    if head.kind == "sub" and head.args[0].kind == "name" and head.args[0].args[0] == "nabla":
        var = low.script_value(head.args[1])
        return lambda value: gradient(value, var)
    return None


def _is_expectation_head(low: Lowerer, head: Node) -> bool:
    base = head.args[0] if head.kind == "sub" else head
    return base.kind == "style" and base.args[0] in ("mathbb", "mathbf", "mathrm", "operatorname") \
        and low.name_of(base) in ("bb_E", "bf_E", "rm_E")


def _items(rows: Node) -> list[Node]:
    return [i for r in rows.args for i in r.args]


_ARGUMENT_KINDS = frozenset({"number", "name", "sub", "sup", "accent", "style", "bold", "frac"})


def _argument_end(low: Lowerer, factors: list[Node], start: int) -> int:
    """Where the argument of a function name written without brackets ends: after the factor at `start`, and
    after every following letter, number, script or fraction that is not itself a function or an operator."""
    end = start + 1
    while end < len(factors):
        g = factors[end]
        base = g.args[0] if g.kind in ("sub", "sup") else g
        if g.kind not in _ARGUMENT_KINDS or base.kind in ("func", "text") and base is not g \
                or base.kind == "name" and base.args[0] in ("D", "nabla", "partial"):
            break   # another function (`\sin^2`, `\log_2`, `\operatorname{f}^{2}`) or an operator (`\nabla_x`)
        try:
            if operator(low, g) is not None:
                break
        except LoweringError:
            break
        end += 1
    return end


def product(low: Lowerer, factors: list[Node]) -> Any:
    """Juxtaposed factors, where an operator or a function name acts on what follows it."""
    result: Any = sp.Integer(1)
    i = 0
    while i < len(factors):
        f = factors[i]
        if f.kind == "name" and f.args[0] in ("D", "nabla") and i + 1 < len(factors):
            # D h(x), \nabla g(f(x))^T of functions
            if (found := function_operator(low, f, factors[i + 1])) is not None:
                result = times(result, found)
                i += 2
                continue
        operator_like = f.kind == "sub" and f.args[0].kind in ("func", "name") or (
            f.kind == "name" and f.args[0] == "nabla")
        if operator_like and i + 1 < len(factors):
            op_value = index_operator(low, f, factors[i + 1:])   # \max_k z_k, \nabla_{x} f
            if op_value is not None:
                value, used = op_value
                result = times(result, value)
                i += 1 + used
                continue
        op = operator(low, f)
        if isinstance(op, DerivativeOperator):
            rest = factors[i + 1 :]
            if not rest:
                raise LoweringError("a derivative operator needs something to act on")
            return result * op.apply(product(low, rest))
        if op is not None and i + 1 < len(factors):
            # A function name without brackets applies to the letters, numbers and fractions that follow it, up
            # to the next function or operator: `\sin 2x` is sin(2x), `\log 2\pi e \sigma^2` one logarithm,
            # `\sin x \cos x` two factors (as textbooks and SymPy's parser read them).
            end = _argument_end(low, factors, i + 1)
            arg = low.expr(factors[i + 1]) if end == i + 2 else product(low, factors[i + 1:end])
            result = result * op([arg])
            i = end
            continue
        if op is not None and getattr(op, "names_a_value", False):
            result = times(result, low.expr(f))   # `2 f_5` ends a product: f_5 is the quantity, not f(5, .)
            i += 1
            continue
        if op is not None:
            raise LoweringError("a function name needs an argument")
        result = times(result, low.expr(f))
        i += 1
    return result


def operator(low: Lowerer, node: Node) -> Any:
    """A factor that acts on what follows: a derivative operator or a bare function name; else None."""
    if (special := head_operator(low, node, applied=False)) is not None:
        return special
    if node.kind == "frac":
        try:
            num, den = single_expression(node.args[0]), single_expression(node.args[1])
        except LoweringError:
            return None
        deriv = derivative_fraction(low, num, den, bare=False)
        return deriv if isinstance(deriv, DerivativeOperator) else None
    if node.kind == "func":
        fn = low.function(node.args[0])
        if fn is None:
            raise LoweringError(f"unknown function \\{node.args[0]}")
        return fn
    if node.kind == "sup" and (node.args[0].kind == "func" or node.args[0].kind == "text" and builtin_for(
            node.args[0].args[0].strip())):   # \tanh^2 x; SymPy's \operatorname{asin}^{2}{\left(x \right)}
        spelling = node.args[0].args[0].strip()
        fn = low.function(spelling)
        if fn is None or node.args[0].kind == "text" and (low.is_transpose(node.args[1])
                                                          or low.is_label(node.args[1])):
            return None
        power = low.script_value(node.args[1])
        if power == -1 and (inverse := inverse_for(spelling)) is not None:
            return inverse   # \sin^{-1} x is arcsin x
        return lambda args, fn=fn, power=power: fn(args) ** power
    if node.kind == "sub" and node.args[0].kind == "func" and node.args[0].args[0] == "log":
        base = low.script_value(node.args[1])
        return lambda args, base=base: sp.log(args[0], base)
    if node.kind == "text":
        name = low.name_of(node)
        fn = builtin_for(name) if name else None
        return fn
    return None


def index_operator(low: Lowerer, factor: Node, rest: list[Node]) -> tuple[Any, int] | None:
    """`\\max_k z_k` (max over an index) and `\\nabla_{\\mathbf{x}} f` (gradient) acting on what follows:
    (value, number of following factors used), or None when the factor is something else."""
    if factor.kind == "name":   # \nabla f(x) of a scalar function: f'(x); \nabla f of a given f
        head = rest[0]
        if head.kind != "call":
            return bare_gradient(low, head)
        fn = low.function(low.name_of(head.args[0]))
        if fn is None:
            return None
        args = [low.argument(a) for a in split_arguments(head.args[1])]
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
        at = _evaluated_at(low, rest, var)
        if at is not None:
            return at, 1
        return gradient(product(low, rest), var), len(rest)
    if head.kind == "func" and head.args[0] == "lim":
        return limit(low, script, rest), len(rest)
    return None


def bare_gradient(low: Lowerer, node: Node) -> tuple[Any, int] | None:
    """`\\nabla f` with no variable written, for a given scalar f: its gradient by the one declared vector it
    depends on (`\\nabla f = [\\partial f / \\partial x_1, ...]`). None for anything but a given name; an error
    when f depends on several declared vectors (the variable must then be written, `\\nabla_{x} f`)."""
    name = low.name_of(node)
    if name is None or name not in low.decls.given:
        return None
    value = low.expr(node)
    if isinstance(value, sp.MatrixBase) or not isinstance(value, sp.Expr):
        return None
    vectors = []
    for vector_name, (_, cols) in low.decls.shapes.items():
        vector = low.symbol(vector_name)
        if cols == 1 and isinstance(vector, sp.MatrixBase) and any(value.has(e) for e in vector):
            vectors.append(vector)
    if len(vectors) != 1:
        raise LoweringError(f"\\nabla {name} without a variable: {name} depends on {len(vectors)} declared "
                            f"vectors (write \\nabla_{{x}} {name})")
    return gradient(value, vectors[0]), 1
def _evaluated_at(low: Lowerer, rest: list[Node], var: Any) -> Any:
    """`\\nabla_{\\theta} \\mathcal{L}(\\theta_t)`: the gradient by theta taken at theta_t, f'(theta_t), when a declared
    scalar function is applied to one argument free of the variable (read literally it would be 0); else None."""
    if len(rest) != 1 or rest[0].kind != "call" or not isinstance(var, sp.Symbol):
        return None
    fn = low.function(low.name_of(rest[0].args[0]) or "")
    args = split_arguments(rest[0].args[1])
    if fn is None or len(args) != 1:
        return None
    arg = low.argument(args[0])
    if isinstance(arg, sp.MatrixBase) or not isinstance(arg, sp.Basic) or arg.has(var):
        return None
    u = sp.Dummy("u", real=True)
    return sp.diff(fn([u]), u).xreplace({u: arg})


def is_limit(head: Node) -> bool:
    """`\\lim_{...}`: the head of a limit."""
    return head.kind == "sub" and head.args[0].kind == "func" and head.args[0].args[0] == "lim"


def limit(low: Lowerer, script: Node, rest: list[Node]) -> Any:
    """`\\lim_{x \\to a} f`: the two-sided limit of the factors that follow, one-sided for `a^+` / `a^{-}` (an
    error when it does not exist or SymPy cannot find it — never a quantity named after the subscript)."""
    items = low.condition_items(script)
    if len(items) != 3 or not is_sep(items[1], "rel") or items[1].args[0] != "->" or not rest:
        raise LoweringError("a limit reads \\lim_{x \\to a} followed by what it is taken of")
    name = low.name_of(items[0])
    if name is None:
        raise LoweringError("cannot read the variable of the limit")
    approach, side = items[2], "+-"
    if approach.kind == "sup" and approach.args[1].kind == "side":   # x \to 3^{+}: from one side
        approach, side = approach.args[0], approach.args[1].args[0]
    var, target = low.decls.symbol(name), low.expr(approach)
    body = product(low, rest)
    if isinstance(body, sp.MatrixBase):
        raise LoweringError("a limit of a vector or matrix")
    try:
        value = sp.limit(body, var, target, dir=side) if target.is_finite else sp.limit(body, var, target)
    except (ValueError, NotImplementedError, TypeError) as exc:
        raise LoweringError(f"the limit as {name} -> {target} does not exist or cannot be found ({exc})") from None
    if value.has(sp.Limit) or value.has(sp.nan, sp.zoo) or isinstance(value, sp.AccumBounds):
        raise LoweringError(f"the limit as {name} -> {target} does not exist or cannot be found")
    return value


def special_call(low: Lowerer, node: Node) -> Any:
    """`f'(z)` of a known function (its derivative at z, elementwise on vectors), `\\tanh^2(z)`, and
    `\\ell(\\hat y, y)`: a given quantity written with its arguments is that quantity. None otherwise."""
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
    if head.kind == "sup" and (head.args[0].kind == "func" or head.args[0].kind == "text" and builtin_for(
            head.args[0].args[0].strip())) and not low.is_transpose(head.args[1]) and not low.is_label(head.args[1]):
        spelling = head.args[0].args[0].strip()
        fn = low.function(spelling)    # \tanh^2(z) = (\tanh z)^2; SymPy's \operatorname{acoth}^{2}{\left(z \right)}
        if fn is None:
            return None
        arg = low.argument(split_arguments(rows)[0]) if len(split_arguments(rows)) == 1 else None
        if arg is None:
            return None
        power = low.script_value(head.args[1])
        if power == -1 and (inverse := inverse_for(spelling)) is not None:
            fn, power = inverse, sp.Integer(1)   # \sin^{-1}(x) is arcsin(x)
        value = fn([arg]) if not isinstance(arg, sp.MatrixBase) else arg.applyfunc(lambda a: fn([a]))
        return value.applyfunc(lambda v: v ** power) if isinstance(value, sp.MatrixBase) else value ** power
    if low.decls.distributions:
        value = random_variable_call(low, head, rows)
        if value is not None:
            return value
    name = low.name_of(head)
    if name is not None and name in low.decls.given and low.function(name) is None:
        if len(split_arguments(rows)) >= 2:
            return low.decls.given[name]
    return None


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


def indicator_value(low: Lowerer, items: list[Node]) -> Any:
    """`\\mathbb{1}[z > 0]`; with a vector or matrix z, the indicator of each entry (same shape)."""
    operands = [i for i in items if not is_sep(i)]
    values = [low.expr(o) for o in operands if o.kind != "text"] if len(operands) == 2 else []
    shapes = {v.shape for v in values if isinstance(v, sp.MatrixBase)}
    if not shapes:
        return indicator(low.condition(items))
    rels = [i.args[0] for i in items if is_sep(i, "rel")]
    if len(shapes) != 1 or len(rels) != 1:
        raise LoweringError("an indicator of a vector needs one relation between same-sized sides")
    (shape,) = shapes

    def entry(v: Any, r: int, c: int) -> Any:
        return v[r, c] if isinstance(v, sp.MatrixBase) else v

    table = {"<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge}
    if rels[0] not in table:
        raise LoweringError(f"cannot use relation {rels[0]!r} in an indicator of a vector")
    a, b = values
    return sp.ImmutableMatrix(shape[0], shape[1],
                              lambda r, c: indicator(table[rels[0]](entry(a, r, c), entry(b, r, c))))

"""A stricter Lowerer for spec-free checking: nothing unknown is given a guessed meaning.

The core Lowerer reads `f[x]` with an unknown `f` as the product f*x, which is right under a spec
that declares its functions but would turn every undeclared function of the notes into a false
alarm. Here an unknown function head, a prime on an undefined function, prose inside a formula,
a derivative operator whose reach is unclear and a name whose definition was ambiguous all refuse
to lower: the step is then skipped and counted, never judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.functions import builtin_for
from derive.lower.lowerer import Lowerer
from derive.lower.syntax import single_expression, split_arguments
from derive.parse.tree import Node
from derive.spec.declarations import Declarations
from verify.compare.budget import time_limit
from verify.lint.integrals import definite_integral
from verify.lint.source import SCALE_UNIT
from verify.lint.syntax import has_derivative


class Unknown(LoweringError):
    kind = "undefined-function"


class Ambiguous(LoweringError):
    kind = "ambiguous-definition"


class Prose(LoweringError):
    kind = "prose"


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


# Words that join statements, never units: `1 \text{ or } 2` is not "1 or".
_CONNECTIVES = {"and", "or", "where", "if", "for", "with", "when", "then", "so", "since", "because", "which",
                "i.e.", "e.g.", "thus", "hence", "therefore", "while", "whereas", "but", "equivalently", "is",
                "are", "gives", "yields", "implies", "otherwise", "all", "any", "some", "at", "as", "to", "in"}

# Heads before brackets that can only mean multiplication.
_VALUE_HEADS = {"number", "paren", "group", "call", "abs", "norm", "frac", "sqrt", "factorial", "binom"}
# Letters that name functions far more often than quantities: never read `f(x)` as f times x.
_FUNCTION_LETTERS = {"f", "g", "h", "F", "G", "H", "p", "q", "P", "Q", "L", "ell", "l", "phi", "psi", "sigma",
                     "varphi", "E", "N", "O", "r", "s", "u", "v", "k", "K", "J", "R", "T", "V", "Var", "Pr"}


class LintLowerer(Lowerer):
    """`expand=False` is the shallow reading: defined names stay symbols, except as the quantity
    of a derivative (`\\partial f / \\partial u` differentiates f's own definition)."""

    def __init__(self, decls: Declarations, poisoned: frozenset[str] = frozenset(), *, expand: bool = True,
                 plain: frozenset[str] = frozenset()) -> None:
        super().__init__(decls)
        self.poisoned = poisoned
        self.expand = expand
        self.plain = plain            # names written without brackets elsewhere in the formula
        self.guessed_product = False  # `n(n + 1)` was read as a product: a failing step is then not judged

    def symbol(self, name: str) -> sp.Expr:
        if name in self.poisoned:
            raise Ambiguous(f"{name} has an ambiguous definition here")
        if not self.expand and name in self.decls.given and name not in self.decls.assumptions:
            return self.decls.symbol(name)
        return super().symbol(name)

    def _lower_text(self, node: Node) -> sp.Expr:
        name = self.name_of(node)
        if name is None or not self._known_word(name):
            raise Prose(f"prose {node.args[0].strip()!r} inside the formula")
        return super()._lower_text(node)

    def _known_word(self, name: str) -> bool:
        d = self.decls
        return name in d.given or name in d.given_functions or name in d.assumptions or builtin_for(name) is not None

    def is_unit(self, before: Node, word: Node) -> bool:
        """`4 \text{ bits}`, `20 \text{ examples processed}`: words after a number, naming its unit."""
        if before.kind != "number" or not self.is_prose(word):
            return False
        words = str(word.args[0]).replace(",", " ").split()
        return bool(words) and not (set(w.lower() for w in words) & _CONNECTIVES)

    def is_prose(self, node: Node) -> bool:
        """`\text{ and }`, `\textrm{bits}`: words, not a quantity or a function this section knows."""
        if node.kind != "text":
            return False
        name = self.name_of(node)
        return name is None or not self._known_word(name)

    def _lower_implicit(self, node: Node) -> sp.Expr:
        factors = list(node.args)
        if len(factors) >= 2 and self.is_unit(factors[-2], factors[-1]):
            if SCALE_UNIT.match(str(factors[-1].args[0])):
                raise Ambiguous("a unit that rescales the number (MB, %, thousand)")
            factors = factors[:-1]   # `20 \text{ epochs}`: a number and its unit
            if len(factors) == 1:
                return self.expr(factors[0])
            node = Node("implicit", tuple(factors))
        for k, f in enumerate(factors):
            if self.is_prose(f):
                # `= 1 \text{ or equivalently } \sigma = ...`: words end the formula's mathematics
                raise Prose(f"prose {f.args[0].strip()!r} inside the formula")
            if k < len(factors) - 1 and f.kind == "call" and self._is_derivative_operator(f.args[0]):
                # `\frac{d}{dx}(x+1)(x+2)`: does the operator reach the second bracket? Undecidable.
                raise Ambiguous("a derivative operator followed by several factors")
        limit = next((f for f in factors if f.kind == "sub" and f.args[0].kind == "func"
                      and f.args[0].args[0] == "lim"), None)
        if limit is not None:
            # `\lim_{\epsilon \to 0}`: epsilon is the limit's own variable, whatever value it had before
            with self._hiding(self._index_name(limit.args[1])):
                return super()._lower_implicit(node)
        return super()._lower_implicit(node)

    @contextmanager
    def _hiding(self, name: str | None) -> Iterator[None]:
        """Lower with `name` a free variable: a value given to it earlier in the section must not leak in."""
        hidden = self.decls.given.pop(name, None) if name else None
        try:
            yield
        finally:
            if hidden is not None:
                self.decls.given[name] = hidden

    def _is_derivative_operator(self, head: Node) -> bool:
        if head.kind != "frac" or not has_derivative(head):
            return False
        try:
            return self.operator(head) is not None
        except LoweringError:
            return False

    def _lower_sup(self, node: Node) -> sp.Expr:
        base, script = node.args
        inner = _only_item(script.args[0]) if script.kind == "group" else script
        if base.kind in ("name", "sub", "accent", "bold") and inner is not None and inner.kind == "number" \
                and inner.args[0] == "0":
            raise Ambiguous("a superscript 0 names a layer or a time, it is not a zeroth power")
        if base.kind == "number" and inner is not None and inner.kind == "name" and self.is_label(script):
            return sp.Pow(self.expr(base), self.symbol(inner.args[0]))   # `2^N`: a number has no label
        if base.kind == "call" and self._is_derivative_operator(base.args[0]) and not self.is_label(script):
            # `\frac{d}{dv}(x - uv)^2`: the parser binds the power to the application; the operator
            # acts on the power.
            powered = Node("sup", (Node("paren", (base.args[1],), text="("), script))
            return self.operator(base.args[0]).apply(self.expr(powered))
        return super()._lower_sup(node)

    def _lower_call(self, node: Node) -> sp.Expr:
        head, rows = node.args
        if head.kind == "prime":
            return self._prime_call(head, rows)
        if head.kind == "frac" and has_derivative(head):
            if self._is_derivative_operator(head):
                return super()._lower_call(node)
            return self._derivative_at(head, rows)
        if head.kind == "sub" and head.args[0].kind == "func":
            if head.args[0].args[0] != "log":
                raise Unknown(f"\\{head.args[0].args[0]} with a subscript is an operator lint does not evaluate")
            args = split_arguments(rows)   # `\log_2(8)`
            if len(args) != 1:
                raise Unknown("a logarithm of several arguments")
            return sp.log(self.argument(args[0]), self.script_value(head.args[1]))
        if head.kind == "sup" and self._numeric_power(head):
            return self.expr(head) * self.expr(single_expression(rows))   # `x^2(1 - x)`
        if head.kind in _VALUE_HEADS:
            if head.kind in ("frac", "call"):
                # `\frac{a}{b}(c)` / `f(x)(1 - f(x))`: a product of values, as long as the head is one
                self.expr(head)
            return super()._lower_call(node)
        name = self.name_of(head)
        if name is not None and name in self.poisoned:
            raise Ambiguous(f"{name} has an ambiguous definition here")
        if name is None or self.function(name) is None:
            if name is not None and name in self.decls.given and name not in self.decls.given_functions:
                return self._defined_quantity_call(name, node)
            if name is not None and name in self.plain and name not in _FUNCTION_LETTERS and head.kind == "name":
                # `\frac{n(n+1)}{2}` next to `\sum_{i=1}^{n}`: n is a number here; the step is judged only
                # if it holds (the reading n(...) as a function is never ruled out)
                self.guessed_product = True
                return self.symbol(name) * self.expr(single_expression(rows))
            raise Unknown(f"{name or 'the expression'} is used as a function but never defined")
        return super()._lower_call(node)

    def _numeric_power(self, head: Node) -> bool:
        base, script = head.args
        inner = _only_item(script.args[0]) if script.kind == "group" else script
        return inner is not None and inner.kind == "number" and base.kind in ("name", "sub", "paren", "number") \
            and not (base.kind == "name" and self.function(self.name_of(base)) is not None)

    def _defined_quantity_call(self, name: str, node: Node) -> sp.Expr:
        """A defined name before brackets: the quantity written with its arguments (`L[\\phi]`,
        `\\ell(\\hat y, y)`), or a product (`a(b + c)`, `s_1 (1 - s_1)`) when the value cannot be a
        function of one variable evaluated somewhere; `L(2)` for L of one variable is ambiguous."""
        value = self.decls.given[name]
        args = split_arguments(node.args[1])
        if args and all(len(a) == 1 and a[0].kind in ("name", "sub", "bold", "accent")
                        and (n := self.name_of(a[0])) is not None and n not in self.decls.given for a in args):
            return self.symbol(name)
        if isinstance(value, sp.Expr) and len(value.free_symbols) != 1:
            return self.symbol(name) * self.expr(single_expression(node.args[1]))
        raise Ambiguous(f"{name} is defined as a quantity of one variable and applied to a value")

    def _derivative_at(self, head: Node, rows: Node) -> sp.Expr:
        """`\\frac{dg}{dx}(x)`: the derivative of g, at the bracketed point (not times it)."""
        value = self.expr(head)
        variables = self.derivative_denominator(single_expression(head.args[1]))
        args = split_arguments(rows)
        if not variables or len(variables) != 1 or len(args) != 1:
            raise Ambiguous("a derivative evaluated at several points")
        var = variables[0][0]
        if not isinstance(var, sp.Symbol):
            raise Ambiguous("a derivative with respect to a non-variable, evaluated at a point")
        return value.xreplace({var: self.argument(args[0])})

    def _lower_sub(self, node: Node) -> sp.Expr:
        if node.args[0].kind == "func":
            # `\lim_{\epsilon \to 0}`, `\max_i`: an operator, never a symbol named lim_epsilon
            raise Unknown(f"\\{node.args[0].args[0]} with a subscript is an operator lint does not evaluate")
        return super()._lower_sub(node)

    def _lower_frac(self, node: Node) -> sp.Expr:
        if has_derivative(node):
            num, den = single_expression(node.args[0]), single_expression(node.args[1])
            if self.derivative_fraction(num, den, bare=False) is None:
                # `\frac{d^3 f}{...}` in a form the reader does not know: never d times f
                raise Unknown("a derivative written in a form lint cannot read")
        return super()._lower_frac(node)

    def derivative_numerator(self, node: Node) -> tuple[int | None, Node | None]:
        args = node.args if node.kind == "implicit" else ()
        if args and args[0].kind == "sup" and args[0].args[0].kind == "name" and args[0].args[0].args[0] == "d":
            rest = args[1:]   # `d^2 g`: the second derivative of g
            return int(self.script_value(args[0].args[1])), rest[0] if len(rest) == 1 else Node("implicit", rest)
        return super().derivative_numerator(node)

    def _prime_call(self, head: Node, rows: Node) -> sp.Expr:
        """`f'(x)` for a one-argument function defined earlier: its derivative at the argument."""
        name = self.name_of(head.args[0])
        if name is None or name not in self.decls.given_functions or name in self.poisoned:
            raise Unknown(f"{name or 'the expression'}' is the derivative of an undefined function")
        params, body = self.decls.given_functions[name]
        args = split_arguments(rows)
        if len(params) != 1 or len(args) != 1 or len(args[0]) != 1:
            raise Unknown(f"{name}' of several arguments")
        value = self.expr(args[0][0])
        return sp.diff(body, params[0]).xreplace({params[0]: value})

    def _lower_prime(self, node: Node) -> sp.Expr:
        raise Unknown("a primed quantity without a definition")

    def _lower_bigop(self, node: Node) -> sp.Expr:
        if node.args[0] == "int":
            return definite_integral(self, node)
        # The summation index is a fresh variable: a value given to the same letter earlier in the
        # section (`n = 3`) must not leak into the body.
        with self._hiding(self._index_name(node.args[1])):
            value = super()._lower_bigop(node)
        if isinstance(value, (sp.Sum, sp.Product)):
            _check_bound_index(value)
            # Without declared indices the core binds `\sum_i` to an integer i while `x_i` in the
            # body uses the real i; rebind the body to the summation variable.
            var = value.limits[0][0]
            loose = self.decls.symbol(str(var))
            if loose != var:
                value = value.func(value.function.xreplace({loose: var}), *value.limits)
        return value

    def _index_name(self, lower: Node | None) -> str | None:
        if lower is None:
            return None
        try:
            items = self.condition_items(lower)
        except LoweringError:
            return None
        return self.name_of(items[0]) if items else None


def operand_value(low: LintLowerer, node: Node) -> sp.Expr | sp.MatrixBase:
    """The value of one operand of a chain (a number, an expression, or a matrix written out or defined);
    raises LoweringError when it has none."""
    from verify.lint.steps import STEP_SECONDS

    if node.kind == "empty":
        raise LoweringError("incomplete")
    with time_limit(STEP_SECONDS):
        v = low.expr(node)
    if isinstance(v, sp.MatrixBase):
        return sp.ImmutableMatrix(v)
    if not isinstance(v, sp.Expr):
        raise LoweringError("not a value")
    return v


def value_or_reason(low: LintLowerer, node: Node) -> sp.Expr | LoweringError:
    """The value of one operand, or the reason it has none (never an exception)."""
    try:
        return operand_value(low, node)
    except LoweringError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a reading the lowerer cannot give is a skip, never a crash
        err = LoweringError(f"{type(exc).__name__}: {exc}")
        err.kind = "timeout" if isinstance(exc, TimeoutError) else "unsupported"
        return err

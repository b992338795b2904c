"""A stricter Lowerer for spec-free checking: nothing unknown is given a guessed meaning.

The core Lowerer reads `f[x]` with an unknown `f` as the product f*x, which is right under a spec
that declares its functions but would turn every undeclared function of the notes into a false
alarm. Here an unknown function head, a prime on an undefined function and a name whose
definition was ambiguous all refuse to lower.
"""

from __future__ import annotations

import sympy as sp

from derive.declarations import Declarations
from derive.latex_ast import Node
from derive.lower import Lowerer, LoweringError, split_arguments


class Unknown(LoweringError):
    kind = "undefined-function"


class Ambiguous(LoweringError):
    kind = "ambiguous-definition"


# Heads before brackets that can only mean multiplication.
_VALUE_HEADS = {"number", "paren", "group", "call", "abs", "norm", "frac", "sqrt"}


class LintLowerer(Lowerer):
    def __init__(self, decls: Declarations, poisoned: frozenset[str] = frozenset()) -> None:
        super().__init__(decls)
        self.poisoned = poisoned

    def _symbol(self, name: str) -> sp.Expr:
        if name in self.poisoned:
            raise Ambiguous(f"{name} has an ambiguous definition here")
        return super()._symbol(name)

    def _lower_call(self, node: Node) -> sp.Expr:
        head, rows = node.args
        if head.kind == "prime":
            return self._prime_call(head, rows)
        if head.kind == "frac" and self._operator(head) is not None:
            return super()._lower_call(node)
        if head.kind in _VALUE_HEADS:
            if head.kind == "frac" or head.kind == "call":
                # `\frac{a}{b}(c)` / `f(x)(1 - f(x))`: a product of values, as long as the head is one
                self.expr(head)
            return super()._lower_call(node)
        name = self._name_of(head)
        if name is not None and name in self.poisoned:
            raise Ambiguous(f"{name} has an ambiguous definition here")
        if name is None or self._function(name) is None:
            if name is not None and name in self.decls.given and name not in self.decls.given_functions:
                return super()._lower_call(node)  # a defined value times a bracket
            raise Unknown(f"{name or 'the expression'} is used as a function but never defined")
        return super()._lower_call(node)

    def _prime_call(self, head: Node, rows: Node) -> sp.Expr:
        """`f'(x)` for a one-argument function defined earlier: its derivative at the argument."""
        name = self._name_of(head.args[0])
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
        # Without declared indices the core binds `\sum_i` to an integer i while `x_i` in the body
        # uses the real i; rebind the body to the summation variable.
        value = super()._lower_bigop(node)
        if isinstance(value, (sp.Sum, sp.Product)):
            var = value.limits[0][0]
            loose = self.decls.symbol(str(var))
            if loose != var:
                value = value.func(value.function.xreplace({loose: var}), *value.limits)
        return value

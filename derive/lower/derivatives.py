"""Derivatives as written: `\\frac{\\partial L}{\\partial \\phi_0}`, `\\frac{d}{dz}`, `\\partial L / \\partial w`, `\\nabla_v f`.

A fraction whose numerator is `\\partial`/`d` (with or without the quantity) and whose denominator names the
variables is a derivative: of the quantity's definition when it is given, else of what the operator acts on.
The variable may be a defined quantity (`\\partial h_3 / \\partial f_2`), differentiated through the
computation graph, or a concrete vector / matrix (matrix calculus under the exercise's layout).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.matrices.exceptions import ShapeError

from derive.gradient import partials
from derive.lower.errors import LoweringError, UndefinedQuantity
from derive.lower.index import collapse
from derive.lower.matcalc import by_intermediate, matrix_derivative
from derive.lower.syntax import depends
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer


def derivative_fraction(low: Lowerer, num: Node, den: Node, *, bare: bool) -> Any:
    """`\\frac{\\partial L}{\\partial \\phi_0}` (a value), `\\frac{d}{dz}` (a DerivativeOperator), or None.

    `bare`: written with a slash (`\\partial L / \\partial w`) rather than as a fraction."""
    order, quantity = numerator(low, num)
    if order is None:
        return None
    variables = denominator(low, den)
    if variables is None:
        return None
    if sum(n for _, n in variables) != order:
        raise LoweringError("the derivative's order does not match its variables")
    op = DerivativeOperator(low, variables)
    if quantity is None:
        return op
    return op.apply_quantity(quantity)


def numerator(low: Lowerer, node: Node) -> tuple[int | None, Node | None]:
    """(order, quantity) of a derivative's numerator (`\\partial^2 L`, `d`, `d^2`, `d h`); (None, None) if it
    is none. The strict reading also knows `d^2 g` (the second derivative of g)."""
    if low.settings.strict and node.kind == "implicit" and node.args[0].kind == "sup" \
            and node.args[0].args[0].kind == "name" and node.args[0].args[0].args[0] == "d":
        rest = node.args[1:]
        return int(low.script_value(node.args[0].args[1])), rest[0] if len(rest) == 1 else Node("implicit", rest)
    if node.kind == "partial":
        order = 1 if node.args[0] is None else int(low.script_value(node.args[0]))
        return order, node.args[1]
    if node.kind == "name" and node.args[0] == "d":
        return 1, None
    if node.kind == "sup" and node.args[0].kind == "name" and node.args[0].args[0] == "d":
        return int(low.script_value(node.args[1])), None
    if node.kind == "implicit" and node.args[0].kind == "name" and node.args[0].args[0] == "d":
        rest = node.args[1:]
        return 1, rest[0] if len(rest) == 1 else Node("implicit", rest)
    if node.kind == "implicit" and node.args[0].kind == "partial" and node.args[0].args[1] is None:
        order = 1 if node.args[0].args[0] is None else int(low.script_value(node.args[0].args[0]))
        rest = node.args[1:]
        return order, rest[0] if len(rest) == 1 else Node("implicit", rest)
    return None, None


def denominator(low: Lowerer, node: Node) -> list[tuple[Any, int]] | None:
    """The variables of a derivative's denominator with their orders (`\\partial x \\partial y`, `dz`, `dx^2`)."""
    parts = list(node.args) if node.kind == "implicit" else [node]
    out: list[tuple[Any, int]] = []
    if parts and all(p.kind == "partial" for p in parts):
        for p in parts:
            if p.args[1] is None:
                return None
            var, n = variable(low, p.args[1])
            if p.args[0] is not None:
                n = int(low.script_value(p.args[0]))
            out.append((var, n))
        return out
    # `dz`, `dx^2`
    if len(parts) == 2 and parts[0].kind == "name" and parts[0].args[0] == "d":
        return [variable(low, parts[1])]
    return None


def variable(low: Lowerer, node: Node) -> tuple[Any, int]:
    if node.kind == "sup" and not low.is_label(node.args[1]) and low.labelled_indexed(node) is None:
        var, _ = variable(low, node.args[0])
        return var, int(low.script_value(node.args[1]))
    value = low.expr(node)
    if not isinstance(value, (sp.Symbol, sp.Indexed, sp.MatrixBase)):
        if (inter := intermediate_variable(low, node, value)) is not None:   # d h_3 / d f_2 with f_2 defined
            return inter, 1
        raise LoweringError("can only differentiate with respect to a variable")
    return value, 1


class DerivativeOperator:
    """d/dv applied to what follows; of a named quantity, the quantity's definition is used."""

    def __init__(self, lowerer: Lowerer, variables: list[tuple[Any, int]]) -> None:
        self.lowerer = lowerer
        self.variables = variables

    def apply(self, expr: Any, name: str | None = None) -> Any:
        spec = [v for var, n in self.variables for v in [var] * n]
        if any(isinstance(v, Intermediate) for v in spec):
            return intermediate_derivative(expr, spec, name or "the expression")
        if any(isinstance(v, sp.MatrixBase) for v in [expr, *spec]):
            return self._matrix(expr, spec)
        if not any(depends(expr, v) for v in spec):
            raise UndefinedQuantity("the expression differentiated does not depend on the variable")
        return sp.diff(expr, *spec)

    def apply_quantity(self, quantity: Node) -> Any:
        low = self.lowerer
        name = low.name_of(quantity)
        if name is not None and name in low.decls.given:
            return self.apply(low.decls.given[name], name)
        value = low.expr(quantity)
        spec = [v for var, n in self.variables for v in [var] * n]
        if any(isinstance(v, Intermediate) for v in spec):
            return intermediate_derivative(value, spec, name or "the quantity")
        if any(isinstance(v, sp.MatrixBase) for v in [value, *spec]):
            return self._matrix(value, spec)
        if not any(depends(value, v) for v in spec):
            if low.index_values and not isinstance(value, (sp.Symbol, sp.Indexed)):
                return sp.Integer(0)   # a component (z_i at i = 1) of a defined quantity free of b_2
            what = name or "the quantity"
            raise UndefinedQuantity(f"{what} is not defined in terms of {', '.join(map(str, spec))} "
                                    f"(add it under given:)")
        return sp.diff(value, *spec)

    def _matrix(self, value: Any, spec: list) -> Any:
        if len(spec) != 1:
            raise LoweringError("only first derivatives of matrix quantities are supported")
        try:
            return matrix_derivative(value, spec[0], self.lowerer.decls.layout)
        except ShapeError:
            raise   # a tensor where a matrix is written: ill-posed, not unreadable
        except ValueError as exc:
            raise LoweringError(str(exc)) from None


# ------------------------------------------------------------------ by defined quantities
class Intermediate:
    """A defined quantity as the variable of a derivative: `\\partial h_3 / \\partial f_2` with f_2 under given:."""

    def __init__(self, name: str, value: sp.Expr) -> None:
        self.name, self.value = name, value

    def __str__(self) -> str:
        return self.name


def intermediate_variable(low: Lowerer, node: Node, value: sp.Basic) -> Intermediate | None:
    name = low.name_of(node)
    if name is None or name not in low.decls.given or not isinstance(value, sp.Expr) or value.is_number:
        return None
    return Intermediate(name, value)


def intermediate_derivative(expr: sp.Expr, spec: list, what: str) -> sp.Expr:
    """d expr / d v through a computation graph: v's definition inside expr becomes a fresh variable.

    The derivative is defined only when expr depends on v's ingredients through v alone (as f_3 depends on h_1
    through h_2 and h_3); otherwise holding "the rest" fixed is ambiguous and nothing is derived.
    """
    result = expr
    for v in spec:
        if not isinstance(v, Intermediate):
            result = sp.diff(result, v)
            continue
        if isinstance(result, sp.MatrixBase) or isinstance(v.value, sp.MatrixBase):
            raise LoweringError("derivatives of matrix quantities by defined quantities are taken on concrete sizes")
        fresh = sp.Dummy(v.name, real=True)
        replaced = result.subs(v.value, fresh)
        if not replaced.has(fresh):
            if isinstance(result, sp.Symbol) and result.name == what:
                raise UndefinedQuantity(f"{what} is not defined (no definition of it is given)")
            raise UndefinedQuantity(f"{what} is not defined in terms of {v.name}")
        leftover = (replaced.free_symbols & v.value.free_symbols) - {fresh}
        if leftover:
            names = ", ".join(sorted(map(str, leftover)))
            raise LoweringError(f"{what} depends on {names} other than through {v.name}; the partial derivative "
                                f"is ambiguous")
        result = sp.diff(replaced, fresh).xreplace({fresh: v.value})
    return result


# ------------------------------------------------------------------ gradients
def gradient(value: Any, var: Any) -> Any:
    """∇_v f: the partial derivatives of a scalar f, shaped like v."""
    if isinstance(value, sp.MatrixBase):
        value = collapse(value)
        if isinstance(value, sp.MatrixBase):
            raise LoweringError("\\nabla of a vector-valued expression (use a Jacobian)")
    if isinstance(var, sp.MatrixBase):
        if not all(isinstance(v, (sp.Symbol, sp.Indexed)) for v in var):
            try:   # \nabla_{a} L with a = sigma(z): through a
                return by_intermediate(value, var, "denominator")
            except ValueError as exc:
                raise LoweringError(f"\\nabla with respect to a defined quantity: {exc}") from None
        return sp.ImmutableMatrix(var.shape[0], var.shape[1], partials(value, list(var)))
    if not isinstance(var, (sp.Symbol, sp.Indexed)):
        raise LoweringError("\\nabla with respect to something that is not a variable")
    return sp.diff(value, var)

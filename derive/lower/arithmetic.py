"""Arithmetic: signs, sums and differences, products with an operator (`\\cdot`, `\\odot`), fractions (a
fraction of differentials is a derivative, derivatives.py), binomials, roots and factorials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.derivatives import DerivativeOperator, derivative_fraction
from derive.lower.errors import LoweringError, TooLarge
from derive.lower.syntax import single_expression, times
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

MAX_FACTORIAL = 1000


def pos(low: Lowerer, node: Node) -> Any:
    return low.expr(node.args[0])


def neg(low: Lowerer, node: Node) -> Any:
    return -low.expr(node.args[0])


def add(low: Lowerer, node: Node) -> Any:
    return low.expr(node.args[0]) + low.expr(node.args[1])


def minus(low: Lowerer, node: Node) -> Any:
    return low.expr(node.args[0]) - low.expr(node.args[1])


def mul(low: Lowerer, node: Node) -> Any:
    a, b = low.expr(node.args[0]), low.expr(node.args[1])
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and node.text == "odot":
        return a.multiply_elementwise(b)
    if (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and node.text == "cdot"
            and a.shape == b.shape and 1 in a.shape and a.shape != (1, 1)):
        return sum((x * y for x, y in zip(a, b, strict=True)), sp.Integer(0))  # a · b, the dot product
    return times(a, b)


def div(low: Lowerer, node: Node) -> Any:
    deriv = derivative_fraction(low, node.args[0], node.args[1], bare=True)
    if deriv is not None:
        return deriv
    num, den = low.expr(node.args[0]), low.expr(node.args[1])
    if den == 0:
        raise LoweringError("division by zero")
    return num / den


def frac(low: Lowerer, node: Node) -> Any:
    num_node = single_expression(node.args[0])
    den_node = single_expression(node.args[1])
    deriv = derivative_fraction(low, num_node, den_node, bare=False)
    if deriv is not None:
        if isinstance(deriv, DerivativeOperator):
            raise LoweringError("a derivative operator needs something to act on")
        return deriv
    num, den = low.expr(num_node), low.expr(den_node)
    if den == 0:
        raise LoweringError("division by zero")
    return num / den


def binom(low: Lowerer, node: Node) -> sp.Expr:
    return sp.binomial(low.expr(single_expression(node.args[0])), low.expr(single_expression(node.args[1])))


def sqrt(low: Lowerer, node: Node) -> sp.Expr:
    return sp.sqrt(low.expr(single_expression(node.args[0])))


def root(low: Lowerer, node: Node) -> sp.Expr:
    n = low.expr(single_expression(node.args[0]))
    return sp.root(low.expr(single_expression(node.args[1])), n)


def factorial(low: Lowerer, node: Node) -> sp.Expr:
    """`k!`, `(n+1)!`: the factorial (the gamma function's integer values for symbolic arguments)."""
    value = low.expr(node.args[0])
    if isinstance(value, sp.MatrixBase):
        raise LoweringError("factorial of a matrix")
    if value.is_Integer and value > MAX_FACTORIAL:
        raise TooLarge(f"factorial of {value}")
    if value.is_number and (value.is_negative or value.is_Integer is False):
        raise LoweringError(f"factorial of {value}")
    return sp.factorial(value)

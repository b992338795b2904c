"""Arithmetic: signs, sums and differences, products with an operator (`\\cdot`, `\\odot`), fractions (a
fraction of differentials is a derivative, derivatives.py), binomials, roots and factorials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.applications import application, is_limit, limit
from derive.lower.derivatives import DerivativeOperator, derivative_fraction
from derive.lower.errors import LoweringError, TooLarge
from derive.lower.syntax import single_expression, times
from derive.nodes import atoms_of
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

MAX_FACTORIAL = 1000
# About 3,900 digits: Python refuses to turn integers past 4,300 digits into text, so SymPy cannot print (or
# compare by its printed form) a number beyond this; no formula of the notes comes near it.
MAX_NUMBER_BITS = 13_000


def number_bits(value: Any) -> int:
    """The most bits of a numerator or denominator among the exact numbers inside a value (0 for none)."""
    entries = value if isinstance(value, sp.MatrixBase) else [value] if isinstance(value, sp.Basic) else []
    bits = 0
    for entry in entries:
        for r in atoms_of(entry, sp.Rational):
            bits = max(bits, abs(r.p).bit_length(), r.q.bit_length())
    return bits


def check_number_size(value: Any) -> Any:
    """`value`, unless it holds an exact number too long to print (TooLarge)."""
    if number_bits(value) > MAX_NUMBER_BITS:
        raise TooLarge(f"a number of more than {int(MAX_NUMBER_BITS * 0.30103)} digits")
    return value


def pos(low: Lowerer, node: Node) -> Any:
    return low.expr(node.args[0])


def neg(low: Lowerer, node: Node) -> Any:
    return -low.expr(node.args[0])


def add(low: Lowerer, node: Node) -> Any:
    """A flat chain `a + b - c + ...` (derive/parse/transformer.py): terms, a subtracted one as `minus(t)`."""
    signs = [-1 if t.kind == "minus" else 1 for t in node.args]
    terms = [t.args[0] if t.kind == "minus" else t for t in node.args]
    values = [low.expr(t) for t in terms]
    if any(isinstance(v, sp.MatrixBase) for v in values):
        # `\mathbf{0} + v`: a bold zero beside a vector is the zero vector of its size (it lowers to the number 0)
        kept = [(v, s) for v, s, t in zip(values, signs, terms, strict=True)
                if not (t.kind == "bold" and not isinstance(v, sp.MatrixBase) and v == 0)]
        if kept and len(kept) < len(values):
            values, signs = [v for v, _ in kept], [s for _, s in kept]
    if len(values) > 2 and all(isinstance(v, sp.Expr) for v in values):
        return sp.Add(*(v if s > 0 else -v for v, s in zip(values, signs, strict=True)))   # one flattening
    total = values[0] if signs[0] > 0 else -values[0]
    for value, sign in zip(values[1:], signs[1:], strict=True):
        total = total + value if sign > 0 else total - value
    return total


def _operator_reach(low: Lowerer, node: Node) -> Any:
    """`\\frac{d}{d x} 2 \\cdot x`, `\\frac{\\partial^{2}}{\\partial x^{2}} z / x`, `\\lim_{x \\to 0^+} 1 / x` (SymPy's printer): a
    derivative operator or a limit that opens a product or quotient acts on all of it, not on its first factor.
    None when the node is not so (lint's strict reading keeps refusing an operator of unclear reach)."""
    first = node.args[0]
    if low.settings.strict or first.kind != "implicit":
        return None
    rest = first.args[1] if len(first.args) == 2 else Node("implicit", first.args[1:])
    whole = Node(node.kind, (rest, *node.args[1:]), text=node.text)
    if is_limit(first.args[0]):   # \lim_{x \to 0^+} 1 / x
        return limit(low, first.args[0].args[1], [whole])
    op = low.operator(first.args[0]) if first.args[0].kind == "frac" else None
    if not isinstance(op, DerivativeOperator):
        return None
    return op.apply(low.expr(whole))


def mul(low: Lowerer, node: Node) -> Any:
    """`a \\cdot b \\cdot ...` of one operator, multiplied left to right."""
    if (acted := _operator_reach(low, node)) is not None:
        return acted
    values = [low.expr(f) for f in node.args]
    if len(values) > 2 and all(isinstance(v, sp.Expr) for v in values):
        return sp.Mul(*values)   # numbers and scalars: the product at once, not one flattening per factor
    product = values[0]
    for value in values[1:]:
        product = _times(product, value, node.text)
    return product


def _times(a: Any, b: Any, op: str) -> Any:
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and op == "odot":
        return a.multiply_elementwise(b)
    if (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and op == "cdot"
            and a.shape == b.shape and 1 in a.shape and a.shape != (1, 1)):
        return sum((x * y for x, y in zip(a, b, strict=True)), sp.Integer(0))  # a · b, the dot product
    return times(a, b)


def div(low: Lowerer, node: Node) -> Any:
    deriv = derivative_fraction(low, node.args[0], node.args[1], bare=True)
    if deriv is not None:
        return deriv
    num = node.args[0]
    if num.kind == "implicit" and num.args[-1].kind == "partial" and num.args[-1].args[1] is not None:
        # `\alpha \partial L / \partial w` (an update rule written inline): the slash divides the differential
        # it follows, as in print; the factors before it multiply the derivative
        deriv = derivative_fraction(low, num.args[-1], node.args[1], bare=True)
        if deriv is not None and not isinstance(deriv, DerivativeOperator):
            rest = num.args[:-1]
            return times(low.expr(rest[0] if len(rest) == 1 else Node("implicit", rest)), deriv)
    if (acted := _operator_reach(low, node)) is not None:
        return acted
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
    n, k = low.expr(single_expression(node.args[0])), low.expr(single_expression(node.args[1]))
    if isinstance(k, sp.Expr) and k.is_number and k.is_finite and abs(k) > MAX_FACTORIAL:
        raise TooLarge(f"binomial coefficient with k = {k}")
    return check_number_size(sp.binomial(n, k))


def sqrt(low: Lowerer, node: Node) -> sp.Expr:
    return sp.sqrt(low.expr(single_expression(node.args[0])))


def root(low: Lowerer, node: Node) -> sp.Expr:
    n = low.expr(single_expression(node.args[0]))
    return sp.root(low.expr(single_expression(node.args[1])), n)


def factorial(low: Lowerer, node: Node) -> sp.Expr:
    """`k!`, `(n+1)!`: the factorial (the gamma function's integer values for symbolic arguments). In
    `2 \\left(n + 1\\right)!` the factorial binds to the group, as a power does in `x(1-x)^2`."""
    inner = node.args[0]
    if inner.kind == "factorial":   # `n!!` is the double factorial n (n-2) (n-4) ...; `(n!)!` is written so
        value = low.expr(inner.args[0])
        if value.is_Integer and value > MAX_FACTORIAL:
            raise TooLarge(f"double factorial of {value}")
        if value.is_number and (value.is_Integer is False or value < -1):
            raise LoweringError(f"double factorial of {value}")
        return sp.factorial2(value)
    if inner.kind == "call" and application(low, inner) is None:
        head, rows = inner.args
        return times(low.expr(head), low.expr(Node("factorial", (Node("paren", (rows,), text="("),))))
    value = low.expr(inner)
    if isinstance(value, sp.MatrixBase):
        raise LoweringError("factorial of a matrix")
    if value.is_Integer and value > MAX_FACTORIAL:
        raise TooLarge(f"factorial of {value}")
    if value.is_number and (value.is_negative or value.is_Integer is False):
        raise LoweringError(f"factorial of {value}")
    return sp.factorial(value)

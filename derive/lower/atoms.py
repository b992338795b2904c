"""Atoms: numbers, names, words, accents and styles, and values in brackets (|x|, \\|v\\|, <a, b>, floor, ceil)."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.errors import LoweringError, TooLarge
from derive.lower.index import collapse
from derive.lower.syntax import script_text, single_expression, split_arguments
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

MAX_DIGITS = 3_900   # a number written with more digits is refused (too large; Python prints at most 4,300)


def number(low: Lowerer, node: Node) -> sp.Expr:
    text = node.args[0]
    if len(text.replace(".", "")) > MAX_DIGITS:
        raise TooLarge(f"number with more than {MAX_DIGITS} digits")
    frac = Fraction(text)
    return sp.Rational(frac.numerator, frac.denominator)


def name(low: Lowerer, node: Node) -> Any:
    word = node.args[0]
    if word == "nabla":
        raise LoweringError("\\nabla needs a gradient recipe, not a formula value")
    return low.symbol(word)


def infty(low: Lowerer, node: Node) -> sp.Expr:
    return sp.oo


def text(low: Lowerer, node: Node) -> Any:
    word = low.name_of(node)
    if word is None:
        raise LoweringError(f"prose {node.args[0].strip()!r} is not mathematics")
    if word == "i" and word not in low.decls.given and word not in low.decls.assumptions:
        return sp.I   # an upright i (\mathrm{i}) is the imaginary unit, as an upright e is Euler's number
    return low.symbol(word)


def bold(low: Lowerer, node: Node) -> Any:
    inner = single_expression(node.args[0])
    if inner.kind == "number" and inner.args[0] == "1" and "ones" in low.decls.given:
        return low.decls.given["ones"]   # \mathbf{1}: the all-ones vector, declared as `ones`
    return low.expr(inner)


def accent(low: Lowerer, node: Node) -> Any:
    word = low.name_of(node)
    if word is None:
        raise LoweringError("accent over an expression")
    return low.symbol(word)


def style(low: Lowerer, node: Node) -> Any:
    word = low.name_of(node)
    if word is None:
        raise LoweringError(f"\\{node.args[0]} over an expression")
    return low.symbol(word)


def paren(low: Lowerer, node: Node) -> Any:
    """`(x)`, `[x]`, `\\{x\\}`, `\\boxed{x}` and a script group `{x}`: the one expression inside."""
    return low.expr(single_expression(node.args[0]))


def absolute(low: Lowerer, node: Node) -> sp.Expr:
    value = low.expr(single_expression(node.args[0]))
    if isinstance(value, sp.MatrixBase):
        # |A| is a determinant in some texts, entrywise absolute values or a cardinality in others
        raise LoweringError(r"bars around a matrix: write \det(A) for its determinant (or vmatrix)")
    return sp.Abs(value)


def floor(low: Lowerer, node: Node) -> sp.Expr:
    return sp.floor(low.expr(single_expression(node.args[0])))


def ceil(low: Lowerer, node: Node) -> sp.Expr:
    return sp.ceiling(low.expr(single_expression(node.args[0])))


# ------------------------------------------------------------------ norms and inner products
def norm(low: Lowerer, node: Node) -> sp.Expr:
    """`\\|v\\|`: the Euclidean (Frobenius) norm of a concrete vector (matrix); |x| of a number."""
    value = low.expr(single_expression(node.args[0]))
    if isinstance(value, sp.MatrixBase):
        return norm2(value)
    return sp.Abs(value)


def norm2(value: sp.MatrixBase) -> sp.Expr:
    """Euclidean norm of a vector, Frobenius norm of a matrix."""
    return sp.sqrt(sp.Add(*[e ** 2 for e in value]))


def subscripted_norm(low: Lowerer, base: Node, script: Node) -> sp.Expr:
    """`\\|v\\|_1`, `\\|v\\|_2`, `\\|v\\|_\\infty`, `\\|v\\|_p`, `\\|A\\|_F` of a concrete vector / matrix."""
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


def inner(low: Lowerer, node: Node) -> sp.Expr:
    """`\\langle a, b \\rangle`: the dot product (the product of two numbers)."""
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

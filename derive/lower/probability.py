"""Probability notation over declared random variables: `\\mathbb{E}[X]`, `\\text{Var}[X]`,
`\\mathbb{E}_{\\mathcal{D}}[X]`, `\\hat{f}(x)` of a random f, `f^*(x)` (expectation.py computes the values)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.lower.errors import LoweringError
from derive.lower.expectation import EXPECTATION_NAMES, VARIANCE_NAMES, ExpectationUndecided, expectation
from derive.lower.syntax import single_expression
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer


def moment(low: Lowerer, name: str | None, rows: Node) -> Any:
    """`\\mathbb{E}[X]` / `\\text{Var}[X]` when `name` is an expectation or variance, else None."""
    if name not in EXPECTATION_NAMES | VARIANCE_NAMES:
        return None
    try:
        return expectation(low.expr(single_expression(rows)), low.decls, variance=name in VARIANCE_NAMES)
    except ExpectationUndecided as exc:
        raise LoweringError(str(exc)) from None


def random_variable_call(low: Lowerer, head: Node, rows: Node) -> Any:
    """With declared distributions: `\\mathbb{E}_{\\mathcal{D}}[X]` is E[X] (the subscript names what is
    random), `\\hat{f}(x)` of a random f is that variable at the fixed point x, and `f^*(x)` is the
    fixed value f_star. None otherwise."""
    if head.kind == "sub" and (value := moment(low, low.name_of(head.args[0]), rows)) is not None:
        return value
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

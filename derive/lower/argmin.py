"""Minimisers as values: `\\operatorname*{argmin}_{\\phi}[L]`, and losses equal "up to what does not move the argmin".

* `Argmin(L, (phi,))` is the value of `\\operatorname*{argmin}_{\\phi} L` (also `\\arg\\min_\\phi`, `\\argmin_\\phi`)
  in a formula, and of the recipe `argmin(L, [phi])`. Two argmins are equal when their losses are
  argmin-equivalent in the same parameters.
* `ArgminClass(L, (phi,))` is what the recipe `argmin_equiv(L, [phi])` derives: every loss that differs from
  L by a positive factor and/or an additive constant that do not depend on the parameters. A claimed loss
  is compared with the class, not with L itself (verify/compare/argmin.py decides it).
* `likelihood_equiv(P, [phi])` is the class of likelihoods with the same maximisers as P in the sense of
  maximum likelihood: -log of the claim must be argmin-equivalent to -log P (dropped normalising constants,
  a dropped variance inside the exponent).

Both classes are unevaluated SymPy functions, so they travel through recipes, free-index checks and the
LaTeX printer like any other value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.syntax import split_arguments

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer
    from derive.parse.tree import Node

ARGMIN_WORDS = {"argmin": "min", "argmax": "max"}


class Argmin(sp.Function):
    """argmin over the parameters in args[1] (a Tuple) of the loss args[0]; argmax is Argmin of -L."""

    nargs = 2

    @classmethod
    def eval(cls, loss, wrt):  # noqa: ARG003 - never evaluates
        return None

    def _latex(self, printer, exp: str | None = None) -> str:
        wrt = ", ".join(printer._print(w) for w in self.args[1])
        return _power(rf"\operatorname*{{argmin}}_{{{wrt}}} \left[{printer._print(self.args[0])}\right]", exp)


class ArgminClass(sp.Function):
    """Every loss with the same minimisers as args[0] in the parameters args[1] (scale > 0, constant)."""

    nargs = 2

    @classmethod
    def eval(cls, loss, wrt):  # noqa: ARG003
        return None

    def _latex(self, printer, exp: str | None = None) -> str:
        wrt = ", ".join(printer._print(w) for w in self.args[1])
        return _power(rf"{printer._print(self.args[0])} \quad (\text{{up to a positive factor and a constant in }} {wrt})",
                      exp)


def _power(text: str, exp: str | None) -> str:
    """SymPy's printer passes `exp` when the application is raised to a power: `(argmin ...)^{2}`."""
    return text if exp is None else rf"\left({text}\right)^{{{exp}}}"


def parameters(wrt: Any) -> sp.Tuple:
    """`phi` or `[phi_0, phi_1]` (recipe values) -> a Tuple of symbols."""
    items = wrt if isinstance(wrt, (list, tuple, sp.Tuple)) else [wrt]
    out = []
    for w in items:
        if not isinstance(w, (sp.Symbol, sp.Indexed)):
            raise ValueError(f"argmin parameters must be names, got {w}")
        out.append(w)
    if not out:
        raise ValueError("argmin needs at least one parameter")
    return sp.Tuple(*out)


def negative_log(p: sp.Expr) -> sp.Expr:
    """-log P, with a product's log written as the sum of the logs (same value, easier to evaluate)."""
    if isinstance(p, sp.Product):
        return -sp.Sum(sp.log(p.function), *p.limits)
    return -sp.log(p)


def op_argmin(loss: sp.Expr, wrt: Any) -> Argmin:
    return Argmin(loss, parameters(wrt))


def op_argmax(objective: sp.Expr, wrt: Any) -> Argmin:
    return Argmin(-objective, parameters(wrt))


def op_argmin_equiv(loss: sp.Expr, wrt: Any) -> ArgminClass:
    return ArgminClass(loss, parameters(wrt))


def op_likelihood_equiv(likelihood: sp.Expr, wrt: Any) -> ArgminClass:
    return LikelihoodClass(likelihood, parameters(wrt))


class LikelihoodClass(ArgminClass):
    """Every likelihood whose negative log is argmin-equivalent to -log args[0]."""

    def _latex(self, printer, exp: str | None = None) -> str:
        wrt = ", ".join(printer._print(w) for w in self.args[1])
        return _power(rf"{printer._print(self.args[0])} \quad (\text{{up to what does not move the maximum in }} {wrt})",
                      exp)


RECIPE_OPS: dict[str, Callable[..., Any]] = {
    "argmin": op_argmin, "argmax": op_argmax, "argmin_equiv": op_argmin_equiv,
    "likelihood_equiv": op_likelihood_equiv,
}


# ------------------------------------------------------------------ formulas
def _word(node: Node) -> str | None:
    """'argmin' / 'argmax' for `\\operatorname*{argmin}`, `\\argmin`, `\\text{argmin}`."""
    if node.kind == "text" and node.args[0].strip() in ARGMIN_WORDS:
        return node.args[0].strip()
    if node.kind == "func" and node.args[0] in ARGMIN_WORDS:
        return node.args[0]
    return None


def argmin_operator(low: Lowerer, node: Node) -> Callable[[Sequence[sp.Expr]], sp.Expr] | None:
    """`\\operatorname*{argmin}_{\\phi}` as an operator on the loss that follows; None for other nodes."""
    if node.kind != "sub":
        return None
    word = _word(node.args[0])
    if word is None:
        return None
    script = node.args[1]
    rows = script.args[0] if script.kind == "group" else None
    items = split_arguments(rows) if rows is not None else [[script]]
    params = []
    for item in items:
        if len(item) != 1:
            raise LoweringError("cannot read the parameters under argmin")
        value = low.expr(item[0])
        if isinstance(value, sp.MatrixBase):
            params.extend(value)
        else:
            params.append(value)
    try:
        wrt = parameters(params)
    except ValueError as exc:
        raise LoweringError(str(exc)) from None

    def apply(args: Sequence[sp.Expr]) -> sp.Expr:
        if len(args) != 1:
            raise LoweringError("argmin takes one loss")
        loss = args[0]
        return Argmin(loss if word == "argmin" else -loss, wrt)

    return apply

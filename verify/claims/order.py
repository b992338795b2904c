"""Order-of-growth claims (`kind: order`): `O(f)` against a derived count, as each size grows."""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.lower.syntax import single_expression
from derive.parse.latex import LatexParseError
from derive.parse.tree import Formula
from derive.safe import as_expr
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext
from verify.claims.statements import truth_or_result
from verify.result import ClaimResult, Verdict

NAME = "order"
HEAVY = False


def _big_o_argument(formula: Formula, low: Lowerer) -> sp.Expr:
    """The expression inside the one `O(...)` of the claim."""
    found = []

    def walk(node) -> None:
        if getattr(node, "kind", None) == "call" and low.name_of(node.args[0]) == "O":
            found.append(node)
            return
        for child in getattr(node, "args", ()):
            if hasattr(child, "kind"):
                walk(child)

    for st in formula.statements:
        for operand in st.operands:
            walk(operand)
    if len(found) != 1:
        raise LoweringError(f"an order claim holds exactly one O(...), found {len(found)}")
    return low.expr(single_expression(found[0].args[1]))


def check_order(formula: Formula, decls: Declarations, derived: Any) -> tuple[Verdict, str]:
    """`O(f)` against a derived count g: the ratio g/f as each size (and all together) grows."""
    low = Lowerer(decls)
    try:
        claimed = _big_o_argument(formula, low)
    except (LoweringError, ValueError, TypeError) as exc:
        return Verdict.UNPARSED, str(exc)
    sizes = sorted((claimed.free_symbols | as_expr(derived).free_symbols), key=lambda s: s.name)
    if not sizes:
        return Verdict.UNVERIFIED, "no size grows in this O(...)"
    positive = {s: sp.Symbol(s.name, positive=True) for s in sizes}
    ratio = sp.simplify((as_expr(derived) / claimed).xreplace(positive))
    t = sp.Symbol("t", positive=True)
    fixed = {positive[s]: sp.Integer(2 + k) for k, s in enumerate(sizes)}
    directions = [(s.name, {**fixed, positive[s]: t}) for s in sizes]   # one size grows, the rest fixed
    if len(sizes) > 1:
        directions.append(("all sizes together", {k: v * t for k, v in fixed.items()}))
    loose = []
    for what, scale in directions:
        try:
            lim = sp.limit(ratio.xreplace(scale), t, sp.oo)
        except (NotImplementedError, ValueError, TypeError):
            return Verdict.UNVERIFIED, f"could not find the growth as {what} grows"
        if lim is sp.oo or lim.is_infinite:
            return Verdict.WRONG, (f"the derived count {sp.sstr(derived)} grows faster than O({sp.sstr(claimed)}) "
                                   f"as {what} grows")
        if lim == 0:
            loose.append(what)
    if loose:
        return Verdict.CORRECT, f"correct (an upper bound; not tight as {', '.join(loose)} grows)"
    return Verdict.CORRECT, f"correct (same order as the derived count {sp.sstr(derived)})"


def check(ctx: ClaimContext) -> ClaimResult:
    if ctx.claim.expect is None:
        return ctx.result(Verdict.UNVERIFIED, "an order claim needs the derived count in `expect:`")
    derived = truth_or_result(ctx)
    if isinstance(derived, ClaimResult):
        return derived
    expected, expected_latex = derived
    try:
        formula = ctx.claim.formula
    except LatexParseError as exc:
        return ctx.result(Verdict.UNPARSED, str(exc), expected_latex=expected_latex)
    verdict, message = check_order(formula, ctx.decls, expected)
    return ctx.result(verdict, message, expected_latex=expected_latex,
                      diagnosis="order of growth" if verdict == Verdict.WRONG else None)

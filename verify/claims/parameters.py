"""Check a claimed list of parameter values against what the values must achieve (derive/parameters.py)."""

from __future__ import annotations

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.tree import Statement
from derive.recipes.parameters import ParameterCheck
from verify.claims.context import ClaimContext
from verify.claims.statements import statements
from verify.compare.equal import compare
from verify.result import ClaimResult, Verdict

NAME = "parameters"
HEAVY = False


def check_parameter_claim(statements: list[Statement], check: ParameterCheck, low: Lowerer, *,
                          seed: int, proof_seconds: float):
    """(verdict, message, comparison or None): the values in order, substituted into the model."""
    operands = [o for st in statements for o in st.operands if o.kind != "empty"]
    if any(len(st.operands) > 1 for st in statements):
        operands = [st.operands[-1] for st in statements]   # `phi_0 = 0, phi_1 = 1/3, ...`
    try:
        values = [low.expr(o) for o in operands]
    except (LoweringError, ValueError, TypeError) as exc:
        return "unparsed", str(exc), None
    if len(values) != len(check.parameters):
        return ("ill-posed", f"{len(values)} values for the {len(check.parameters)} parameters "
                f"{', '.join(map(str, check.parameters))}", None)
    model = check.model.xreplace(dict(zip(check.parameters, values, strict=True)))
    comp = compare(check.on_domain(model), check.on_domain(check.target), seed=seed, proof_seconds=proof_seconds)
    where = f"for {check.domain_text()}"
    if comp.equal is True:
        return "correct", f"correct (with these values the model is {sp.latex(check.target)} {where})", comp
    if comp.equal is False:
        got = check.back(sp.simplify(check.on_domain(model)))
        shown = f" (it is {sp.latex(sp.expand(got))})" if got is not None else ""
        return "wrong", f"with these values the model is not {sp.latex(check.target)} {where}{shown}", comp
    return "unverified", comp.reason, comp


def check(ctx: ClaimContext) -> ClaimResult:
    """The claimed values, in order, substituted into the model: it must then do what the recipe asks."""
    expected = ctx.truth
    found = statements(ctx, str(expected))
    if isinstance(found, ClaimResult):
        return found
    verdict, message, comp = check_parameter_claim(found, expected, Lowerer(ctx.decls), seed=ctx.seed,
                                                   proof_seconds=ctx.proof_seconds)
    return ctx.result(Verdict(verdict), message, expected_latex=str(expected),
                      counterexample=comp.counterexample if comp else None)

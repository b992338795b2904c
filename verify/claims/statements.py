"""Reading a claim's parsed statements, shared by the kinds that judge formulas (formula, equation, parameters).

`statements(ctx)` gives the claim's non-empty statements from its one parse (`ClaimSpec.formula`), or the
`unparsed` result that says why there are none. Free-index questions are asked here too: a letter that is an
index of the exercise and is left outside any sum makes a step ill-posed.
"""

from __future__ import annotations

import sympy as sp

from derive.parse.latex import LatexParseError
from derive.parse.tree import Statement
from derive.recipes.interpreter import DerivationFailed
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext, latex_of
from verify.result import ClaimResult, Verdict


def statements(ctx: ClaimContext, expected_latex: str | None = None) -> list[Statement] | ClaimResult:
    """The claim's statements that hold mathematics, or an `unparsed` result."""
    try:
        formula = ctx.claim.formula
    except LatexParseError as exc:
        return ctx.result(Verdict.UNPARSED, str(exc), expected_latex=expected_latex)
    found = [st for st in formula.statements if any(o.kind != "empty" for o in st.operands)]
    if not found:
        return ctx.result(Verdict.UNPARSED, "no mathematics in the quoted LaTeX", expected_latex=expected_latex)
    return found


def truth_or_result(ctx: ClaimContext) -> tuple[object, str | None] | ClaimResult:
    """(truth, its LaTeX), or the `unverified` result when the recipe could not derive it."""
    try:
        expected = ctx.truth
    except DerivationFailed as exc:
        return ctx.result(Verdict.UNVERIFIED, f"could not derive the answer: {exc}")
    return expected, latex_of(expected)


def free_indices(value: sp.Basic, decls: Declarations) -> set[str]:
    letters = decls.index_letters() | set(decls.index_ranges)
    return {s.name for s in value.free_symbols if isinstance(s, sp.Symbol) and s.name in letters} | {
        str(i) for a in value.atoms(sp.Indexed) for i in a.indices
        if isinstance(i, sp.Symbol) and i in value.free_symbols}


def ill_posed_index(value: sp.Basic, reference: sp.Basic | None, decls: Declarations) -> set[str]:
    """Index letters free in `value` that are not free in the derived `reference`."""
    extra = free_indices(value, decls)
    if reference is not None:
        extra -= free_indices(reference, decls)
    return extra

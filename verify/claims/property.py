"""Property claims: a sentence of the notes that asserts a property ("the surface is convex but not strictly
convex", "the maximum is 1/4 at z = 0", "e^{1000} exceeds the floating-point range").

The quote is prose (it is never parsed as a formula); `expect:` states the property with the recipes of
derive/recipes/properties.py, and the derivation decides it from the exercise's definitions: correct when
it holds (proof or exact arithmetic), wrong with the part that failed and its witness, unverified when it
cannot be decided.
"""

from __future__ import annotations

from derive.recipes.verdicts import Property
from verify.claims.context import ClaimContext
from verify.claims.statements import truth_or_result
from verify.result import ClaimResult, Counterexample, Verdict

NAME = "property"
HEAVY = False


def check(ctx: ClaimContext) -> ClaimResult:
    derived = truth_or_result(ctx)
    if isinstance(derived, ClaimResult):
        return derived
    prop, _ = derived
    if not isinstance(prop, Property):
        return ctx.result(Verdict.UNVERIFIED, "a property claim's `expect:` states a property (convex(...), "
                                              f"maximum(...).value, equals(...), overflows(...), ...), not {prop!r}")
    if prop.holds is True:
        return ctx.result(Verdict.CORRECT, f"holds: {prop.evidence}", expected_latex=prop.statement,
                          evidence=prop.evidence, proven=True)
    if prop.holds is False:
        witness = Counterexample(dict(prop.witness), ctx.claim.latex, prop.statement) if prop.witness else None
        return ctx.result(Verdict.WRONG, f"does not hold: {prop.evidence}", expected_latex=prop.statement,
                          evidence=prop.evidence, counterexample=witness)
    return ctx.result(Verdict.UNVERIFIED, f"undecided: {prop.evidence}", expected_latex=prop.statement)

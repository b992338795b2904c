"""`kind: equation`: the derived value is an equation (`expect: diff(L, phi_0) = 0`).

Each row `A = B` of the claim must be equivalent to the derived equation: the same equation up to a constant
factor, or holding wherever the derived one holds. A counterexample is a point that satisfies the derived
equation (solved for one of its unknowns) but not the claimed one.
"""

from __future__ import annotations

import sympy as sp

from derive.lower.errors import LoweringError, UndefinedQuantity
from derive.lower.lowerer import Lowerer
from derive.recipes.interpreter import expand_sums
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext, latex_of
from verify.claims.statements import ill_posed_index, statements, truth_or_result
from verify.compare.budget import time_limit
from verify.compare.curves import equation_curves
from verify.compare.diagnose import constant_ratio
from verify.compare.equal import compare
from verify.compare.types import Comparison
from verify.result import ClaimResult, StepResult, Verdict

NAME = "equation"
HEAVY = False


def check(ctx: ClaimContext) -> ClaimResult:
    derived = truth_or_result(ctx)
    if isinstance(derived, ClaimResult):
        return derived
    expected, expected_latex = derived
    found = statements(ctx, expected_latex)
    if isinstance(found, ClaimResult):
        return found
    if not isinstance(expected, sp.Eq):
        return ctx.result(Verdict.UNVERIFIED, "an equation claim needs an equation in `expect:` (a = b)",
                          expected_latex=expected_latex)
    low = Lowerer(ctx.decls)
    ref = expected.lhs - expected.rhs
    steps: list[StepResult] = []
    rows = [st for st in found if len(st.operands) == 2 and st.relations == ["="]]
    if not rows:
        return ctx.result(Verdict.UNPARSED, "expected equations (A = B) in the claim", expected_latex=expected_latex)
    unknowns = ctx.claim.unknowns or ctx.exercise.unknowns
    for k, st in enumerate(rows):
        try:
            lhs, rhs = (low.expr(o) for o in st.operands)
        except (LoweringError, ValueError, TypeError) as exc:
            kind = Verdict.ILL_POSED if isinstance(exc, UndefinedQuantity) else Verdict.UNPARSED
            return ctx.result(kind, f"row {k + 1}: {exc}", expected_latex=expected_latex, steps=steps)
        residual = lhs - rhs
        row_latex = f"{latex_of(lhs)} = {latex_of(rhs)}"
        prefix = f"row {k + 1} of {len(rows)}: " if len(rows) > 1 else ""
        free = ill_posed_index(residual, ref, ctx.decls)
        if free:
            msg = f"free index {', '.join(sorted(free))} outside any sum"
            steps.append(StepResult(k + 1, row_latex, Verdict.ILL_POSED, msg))
            return ctx.result(Verdict.ILL_POSED, prefix + msg, expected_latex=expected_latex, steps=steps,
                              diagnosis=msg)
        comp = equivalent_equations(residual, ref, unknowns, ctx.decls, ctx.seed + k, ctx.proof_seconds)
        if comp.equal is not True:
            verdict = Verdict.WRONG if comp.equal is False else Verdict.UNVERIFIED
            msg = comp.diagnosis or comp.reason or "not equivalent to the derived equation"
            steps.append(StepResult(k + 1, row_latex, verdict, msg))
            return ctx.result(verdict, prefix + msg, expected_latex=expected_latex, steps=steps,
                              counterexample=comp.counterexample, evidence=comp.evidence, diagnosis=comp.diagnosis,
                              plot=equation_curves(residual, ref, comp.counterexample, seed=ctx.seed + k,
                                                   diagnosis=comp.diagnosis) if comp.equal is False else None)
        steps.append(StepResult(k + 1, row_latex, Verdict.CORRECT, comp.evidence))
    return ctx.result(Verdict.CORRECT, "correct (every row is equivalent to the derived equation)",
                      expected_latex=expected_latex, steps=steps if len(steps) > 1 else [])


def equivalent_equations(residual: sp.Expr, ref: sp.Expr, unknowns: list[str], decls: Declarations, seed: int,
                         proof_seconds: float) -> Comparison:
    """Whether `residual = 0` is the equation `ref = 0`: a constant multiple, or solved for an unknown."""
    ratio = constant_ratio(residual, ref, seed=seed) if residual != 0 else None
    if ratio is not None or compare(residual, ref, seed=seed, proof_seconds=proof_seconds).equal:
        return Comparison(True, evidence="same equation up to a constant factor")
    # A point satisfying the derived equation but not the claimed one is a counterexample.
    candidates = [decls.symbol(u) for u in unknowns] or sorted(
        (s for s in ref.free_symbols if isinstance(s, sp.Symbol) and s in residual.free_symbols),
        key=lambda s: s.name)
    for var in candidates:
        try:
            with time_limit(proof_seconds):
                sols = sp.solve(expand_sums(ref), var, dict=True)
        except (TimeoutError, NotImplementedError, ValueError, TypeError):
            continue
        if len(sols) != 1:
            continue
        substituted = residual.xreplace({var: sols[0][var]})
        comp = compare(substituted, sp.Integer(0), seed=seed, proof_seconds=proof_seconds)
        if comp.equal is False:
            comp.diagnosis = f"not equivalent: with {var} solving the derived equation, this one fails"
            return comp
        if comp.equal is True:
            return Comparison(True, evidence=f"holds whenever the derived equation does (solved for {var})")
    return Comparison(None, reason="could not decide whether the equations are equivalent")

"""`kind: formula` (the default): an expression, or a chain `A = B = C` / `aligned` rows joined by `=`.

Every side is compared with the derived value (or, without `expect:`, with the side before it in the same
statement) and the first step that fails decides: `wrong` with a confirmed counterexample and a diagnosis,
`ill-posed` for a free index, sizes that do not fit or an undefined quantity, `unverified` when no comparison
decides. A first side that only names what is computed (`\\phi_0 = ...`, `L[\\phi] = ...`) is a label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.exceptions import ShapeError

from derive.lower.argmin import ArgminClass, LikelihoodClass
from derive.lower.errors import LoweringError, MissingCondition, TooLarge, UndefinedQuantity
from derive.lower.lowerer import Lowerer
from derive.lower.settings import LoweringSettings
from derive.lower.syntax import split_arguments
from derive.parse.tree import Node, Statement, is_sep
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext, latex_of
from verify.claims.statements import (
    ill_posed_index,
    restates,
    statements,
    truth_or_result,
)
from verify.compare.budget import time_limit
from verify.compare.curves import curves_for, fixed_index_curves
from verify.compare.diagnose import format_expr
from verify.compare.equal import compare
from verify.compare.types import Comparison
from verify.result import ClaimResult, StepResult, Verdict

NAME = "formula"
HEAVY = False


@dataclass
class Side:
    node: Node
    value: sp.Basic | None
    error: Exception | None
    group: int = 0   # which statement of the claim the side belongs to
    relation: str | None = None   # the relation before the side ("=", "propto"); None for the first


def check(ctx: ClaimContext) -> ClaimResult:
    derived = truth_or_result(ctx)
    if isinstance(derived, ClaimResult):
        return derived
    expected, expected_latex = derived
    found = statements(ctx, expected_latex)
    if isinstance(found, ClaimResult):
        return found
    if expected is None and ctx.claim.reason:
        # The spec says why this claim cannot be derived: never compare its parts with each other.
        return ctx.result(Verdict.UNVERIFIED, ctx.claim.reason)
    sides = lower_chain(found, Lowerer(ctx.decls))
    for side in sides:
        if isinstance(side.error, TooLarge):
            return ctx.result(Verdict.UNPARSED, str(side.error), expected_latex=expected_latex)
    return _check_chain(ctx, sides, expected, expected_latex)


CHAIN_RELATIONS = ("=", "propto")


def lower_chain(found: list[Statement], low: Lowerer) -> list[Side]:
    """Operands joined by '=' (or `\\propto`) in reading order (other relations end the chain)."""
    sides: list[Side] = []
    for group, st in enumerate(found):
        for k, node in enumerate(st.operands):
            relation = st.relations[k - 1] if k > 0 else None
            if relation == "~" and _printed_number(node) is not None:
                # `... \approx 0.333`: the printed number is held to its own digits (never skipped: a chain
                # whose only check came after the \approx would pass without checking anything)
                sides.append(Side(node, None, None, group, relation))
                break
            if relation is not None and relation not in CHAIN_RELATIONS:
                break
            if node.kind == "empty":
                continue
            try:
                sides.append(Side(node, low.expr(node), None, group, relation))
            except (LoweringError, ValueError, TypeError) as exc:
                sides.append(Side(node, None, exc, group, relation))
    return sides


def _printed_number(node: Node) -> str | None:
    """The digits of a number as written (`0.333`, `-2.5`, `10`), or None for anything else."""
    if node.kind == "neg" and node.args and node.args[0].kind == "number":
        return "-" + str(node.args[0].args[0])
    return str(node.args[0]) if node.kind == "number" else None


def _approximately(node: Node, ref: Any) -> Comparison:
    """A number written after \approx against the derived value: equal when the value rounds to it (half a unit
    of its last printed digit); otherwise wrong, with the exact difference."""
    text = _printed_number(node) or ""
    digits = len(text.split(".", 1)[1]) if "." in text else 0
    printed = sp.Rational(text.replace("{,}", ""))
    try:
        value = sp.N(ref, 50) if isinstance(ref, sp.Basic) and ref.is_number else None
    except (TypeError, ValueError):
        value = None
    if value is None or not value.is_real:
        return Comparison(None, reason="the value after \\approx is compared only with a derived number")
    half = sp.Rational(1, 2) / 10 ** digits
    if abs(value - printed) <= half:
        return Comparison(True, evidence=f"the derived value {sp.N(value, 8)} rounds to {text}")
    return Comparison(False, diagnosis="precision",
                      evidence=f"the derived value is {sp.N(value, 8)}; {text} is off by {sp.N(abs(value - printed), 3)}, "
                               f"more than half a unit of its last digit")


def _compare_side(side: Side, ref: Any, seed: int, proof_seconds: float) -> tuple[Comparison, Any]:
    """The side against the derivation. A likelihood derived up to what does not move its maximum
    (`likelihood_equiv`) is matched up to a factor only by a claim that says so (`\\propto`, or a bare
    expression); `Pr(y | x) = ...` between densities is an equality, and a dropped normaliser makes it wrong.
    Returns the comparison and what the side was compared with (the density, when held to equality)."""
    if side.relation == "~":
        return _approximately(side.node, ref), ref
    if side.relation == "propto" and not isinstance(ref, ArgminClass):
        return Comparison(None, reason="\\propto is checked against a likelihood or loss derived up to a factor "
                                       "(likelihood_equiv, argmin_equiv)"), ref
    comp = compare(side.value, ref, seed=seed, proof_seconds=proof_seconds)
    if side.relation == "=" and isinstance(ref, LikelihoodClass) and comp.equal:
        exact = compare(side.value, ref.args[0], seed=seed, proof_seconds=proof_seconds)
        if exact.equal is False:
            factor = _factor(ref.args[0], side.value)
            names = ", ".join(map(str, ref.args[1]))
            exact.diagnosis = (f"holds up to the factor {format_expr(factor)}, independent of {names}: write "
                               f"\\propto — the argmin is unchanged") if factor is not None else (
                f"not the density: only its maximisers in {names} are the density's (the negative logs differ by a "
                f"positive factor and a constant), which `=` does not say")
            return exact, ref.args[0]
        if exact.equal is None:
            return Comparison(None, reason=f"the same maximisers, but equality with the density is undecided "
                                           f"({exact.reason})"), ref
    return comp, ref


def _factor(density: Any, claimed: Any) -> Any:
    """density / claimed when it simplifies to something short (the dropped normaliser)."""
    try:
        with time_limit(1.0):
            ratio = sp.simplify(sp.powsimp(sp.expand_log(sp.simplify(density / claimed), force=True)))
    except (TimeoutError, ValueError, TypeError, ZeroDivisionError):
        return None
    return ratio if sp.count_ops(ratio) < 40 else None


def _is_label(side: Side, decls: Declarations) -> bool:
    """`\\phi_0 = ...`, `y = ...`: a left side naming what is computed, not a value to check."""
    if isinstance(side.error, UndefinedQuantity):
        return True
    if _conditional_probability(side):
        return True
    v = side.value
    if isinstance(v, sp.Symbol) and v.name not in decls.given:
        return True
    return _names_undefined_call(side.node, v, decls)


def _conditional_probability(side: Side) -> bool:
    """`Pr(y | f[x, \\phi], \\kappa)` on the left: names the density being written down (what it is conditioned
    on), even when the exercise's own `Pr[y, mu]` takes other arguments."""
    node = side.node
    if side.error is None or not isinstance(side.error, LoweringError) or node.kind != "call":
        return False
    head, rows = node.args
    return head.kind == "func" and head.args[0] == "Pr" and any(is_sep(i, "mid") for r in rows.args for i in r.args)


def _names_undefined_call(node: Node, value: sp.Basic | None, decls: Declarations) -> bool:
    """`L[phi]`, `Pr(y | x)`: applying a name the exercise never defines labels the value, it computes nothing.

    Such a head was read as an undefined quantity times its bracket, so its name is a free symbol of the value.
    """
    if node.kind != "call" or value is None:
        return False
    low = Lowerer(decls)
    name = low.name_of(node.args[0])
    if name is None or name in decls.given or name in decls.given_functions or name in decls.functions:
        return False
    # Only names in the bracket (`L[\phi]`, `f(x)`): `a(b + c)` stays the product it is.
    if not all(len(arg) == 1 and low.name_of(arg[0]) is not None for arg in split_arguments(node.args[1])):
        return False
    if isinstance(value, AppliedUndef) and str(value.func) == name:
        return True   # `\operatorname{Loss}(\phi)`: an unspecified function of its arguments names the value
    return any(isinstance(s, sp.Symbol) and s.name == name for s in value.free_symbols)


def _unreadable_side(ctx: ClaimContext, k: int, side: Side, expected, expected_latex, steps) -> ClaimResult:
    kind = Verdict.ILL_POSED if isinstance(side.error, UndefinedQuantity) else Verdict.UNPARSED
    msg = f"step {k + 1}: {side.error}"
    if isinstance(side.error, ShapeError):   # a product or sum of sizes that do not fit
        kind = Verdict.ILL_POSED
        msg = f"step {k + 1}: sizes do not fit ({side.error})"
    if isinstance(side.error, MissingCondition):   # 1[z]: ill-posed; say what 1[z > 0] would give
        kind = Verdict.ILL_POSED
        msg += _bare_indicator_hint(side, expected, ctx.decls, ctx.seed)
    return ctx.result(kind, msg, expected_latex=expected_latex, steps=steps)


def _check_chain(ctx: ClaimContext, sides: list[Side], expected, expected_latex: str | None) -> ClaimResult:
    decls, seed = ctx.decls, ctx.seed
    if not sides:
        return ctx.result(Verdict.UNPARSED, "nothing to compare", expected_latex=expected_latex)
    # The first side of each statement may name what is computed (`\phi_0 = ...`): not a value.
    all_sides = sides
    sides = [s for n, s in enumerate(sides)
             if not (_is_label(s, decls) and (n == 0 or sides[n - 1].group != s.group)
                     and any(t.group == s.group for t in sides[n + 1:]))]
    if expected is None and len(sides) < 2:
        # Nothing left to compare, but the left side names something undefined (`d f_5 / d h_2` with no f_5).
        undefined = [s.error for s in all_sides if s not in sides and isinstance(s.error, UndefinedQuantity)]
        if undefined:
            return ctx.result(Verdict.ILL_POSED, f"step 1: {undefined[0]}", expected_latex=expected_latex)
    steps: list[StepResult] = []
    for k, side in enumerate(sides):
        if side.error is not None:
            return _unreadable_side(ctx, k, side, expected, expected_latex, steps)
    # Without a derivation, a side is only compared with the side before it in the same statement.
    to_check = list(range(len(sides))) if expected is not None else [
        k for k in range(1, len(sides)) if sides[k].group == sides[k - 1].group]
    if expected is None and not to_check:
        return ctx.result(Verdict.UNVERIFIED,
                          ctx.claim.reason or "no `expect:` and nothing to compare the claim with")
    all_proven = True
    for k in to_check:
        value = sides[k].value
        ref = expected if expected is not None else sides[k - 1].value
        prefix = f"step {k + 1} of {len(sides)}: " if len(sides) > 1 else ""
        step_latex = latex_of(value) or ""
        free = ill_posed_index(value, ref, decls)
        if free:
            names = ", ".join(sorted(free))
            msg = f"free index {names} outside any sum"
            extra = _bind_free_index(value, ref, free, seed)
            if extra:
                msg += f"; {extra}"
            steps.append(StepResult(k + 1, step_latex, Verdict.ILL_POSED, msg))
            return ctx.result(Verdict.ILL_POSED, prefix + msg, expected_latex=expected_latex, steps=steps,
                              diagnosis=f"free index {names}",
                              plot=fixed_index_curves(value, ref, free, seed=seed + 97) if extra else None)
        comp, against = _compare_side(sides[k], ref, seed + k, ctx.proof_seconds)
        if comp.equal is False and comp.diagnosis == "shape mismatch":   # no value of either size is the other
            msg = f"sizes differ: {comp.evidence}"
            steps.append(StepResult(k + 1, step_latex, Verdict.ILL_POSED, msg))
            return ctx.result(Verdict.ILL_POSED, prefix + msg, expected_latex=expected_latex, steps=steps,
                              diagnosis="shape mismatch")
        if comp.equal is False:
            steps.append(StepResult(k + 1, step_latex, Verdict.WRONG, comp.diagnosis or "differs"))
            what = comp.diagnosis or "differs from the derived value"
            return ctx.result(Verdict.WRONG, prefix + what, expected_latex=expected_latex, steps=steps,
                              diagnosis=comp.diagnosis, counterexample=comp.counterexample,
                              evidence=comp.evidence, corrected_latex=latex_of(ref),
                              plot=curves_for(value, against, comp.counterexample, seed=seed + k,
                                              diagnosis=comp.diagnosis))
        if comp.equal is None:
            steps.append(StepResult(k + 1, step_latex, Verdict.UNVERIFIED, comp.reason))
            return ctx.result(Verdict.UNVERIFIED, prefix + comp.reason, expected_latex=expected_latex,
                              steps=steps)
        all_proven = all_proven and comp.proven
        steps.append(StepResult(k + 1, step_latex, Verdict.CORRECT, comp.evidence))
    if expected is not None and restates(ctx, [sides[k].node for k in to_check]):
        return ctx.result(Verdict.UNVERIFIED, "the expectation restates the claim: no evidence (`expect:` writes the "
                                              "claimed value down instead of deriving it)",
                          expected_latex=expected_latex)
    how = "proven symbolically" if all_proven else steps[-1].message if steps else ""
    return ctx.result(Verdict.CORRECT, f"correct ({how})", expected_latex=expected_latex,
                      steps=steps if len(steps) > 1 else [], proven=all_proven, evidence=how)


def _bare_indicator_hint(side: Side, ref, decls: Declarations, seed: int) -> str:
    """Read every condition-less indicator as 1[z > 0] and say whether the step then equals the derivation."""
    if ref is None:
        return ""
    low = Lowerer(decls, LoweringSettings(bare_indicator_positive=True))
    try:
        value = low.expr(side.node)
        comp = compare(value, ref, seed=seed + 131, proof_seconds=0.5)
    except Exception:  # noqa: BLE001 - an extra hint only
        return ""
    if comp.equal is True:
        return "; read as 1[... > 0] it equals the derived value"
    if comp.equal is False:
        return "; even read as 1[... > 0] it is not the derived value"
    return ""


def _bind_free_index(value, ref, free: set[str], seed: int) -> str:
    """Even reading the free index as one data point (i = 1), is the claim the derived value?"""
    if ref is None:
        return ""
    subs = {s: sp.Integer(1) for s in value.free_symbols if isinstance(s, sp.Symbol) and s.name in free}
    try:
        comp = compare(value.xreplace(subs), ref, seed=seed + 97, proof_seconds=0.5)
    except Exception:  # noqa: BLE001 - an extra hint only
        return ""
    if comp.equal is False:
        if _per_example(value, ref, free, seed):
            return (f"it is right for the {'/'.join(sorted(free))}-th term (one data point's loss); the loss of "
                    f"the data set needs the sum over {', '.join(sorted(free))}")
        return "and it is not the derived value even with the index fixed to 1"
    return ""


def _per_example(value, ref, free: set[str], seed: int) -> bool:
    """Whether the claim equals the derived value with each sum over a free index replaced by its i-th term
    (the derivative of one data point's loss: `2x_i` where `2 \\sum_i x_i` is derived)."""
    if not isinstance(ref, sp.Expr) or not ref.atoms(sp.Sum):
        return False
    names = {s.name: s for s in value.free_symbols if isinstance(s, sp.Symbol) and s.name in free}

    def term(*args):
        body, *limits = args
        if len(limits) == 1 and limits[0][0].name in names:
            return body.xreplace({limits[0][0]: names[limits[0][0].name]})
        return sp.Sum(body, *limits)

    try:
        one_term = ref.replace(lambda e: isinstance(e, sp.Sum), lambda e: term(e.function, *e.limits))
        return compare(value, one_term, seed=seed + 101, proof_seconds=0.5).equal is True
    except Exception:  # noqa: BLE001 - an extra hint only
        return False

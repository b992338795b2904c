"""Check the claims of one exercise: derive the truth, read the claim, compare, judge."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from sympy.matrices.exceptions import ShapeError

from derive.lower.definitions import build_declarations, given_value
from derive.lower.errors import LoweringError, MissingCondition, TooLarge, UndefinedQuantity
from derive.lower.lowerer import Lowerer
from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Node, Statement
from derive.recipes.interpreter import (
    DerivationFailed,
    RecipeError,
    RecipeInterpreter,
    Solutions,
    looks_like_recipe,
)
from derive.spec.declarations import Declarations
from derive.spec.load import ClaimSpec, ExerciseSpec, SpecError
from verify.compare.curves import curves_for, equation_curves, fixed_index_curves
from verify.compare.diagnose import constant_ratio
from verify.compare.engine import Comparison, compare, time_limit
from verify.result import ClaimResult, Location, StepResult, Verdict
from verify.write.latex import notation, notation_of, to_latex


def claim_seed(seed: int, exercise: str, claim: str) -> int:
    """Independent of run order and worker count, so `-j` never changes a result."""
    digest = hashlib.blake2b(f"{seed}\x1f{exercise}\x1f{claim}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little") % 1_000_000


@dataclass
class _Side:
    node: Node
    value: sp.Basic | None
    error: Exception | None
    group: int = 0   # which statement of the claim the side belongs to


def check_exercise(ex: ExerciseSpec, *, seed: int = 0, timeout: float = 10.0,
                   allow_code: bool = False) -> list[ClaimResult]:
    """All results of one exercise; raises SpecError for a broken spec."""
    decls = build_declarations(ex)
    if not ex.claims:
        return [_result(ex, None, Verdict.INCOMPLETE, ex.reason or "the notes give no answer yet")]
    settings = exercise_notation(ex)   # read once: the same for every claim of the exercise
    return [check_one(ex, claim, decls, seed=seed, timeout=timeout, allow_code=allow_code, settings=settings)
            for claim in ex.claims]


def check_one(ex: ExerciseSpec, claim: ClaimSpec, decls: Declarations, *, seed: int = 0, timeout: float = 10.0,
              allow_code: bool = False, settings: dict[str, Any] | None = None) -> ClaimResult:
    """One claim as `verify` checks it: its own declarations, the exercise's notation (`settings`, read from
    the exercise when not given), the time budget."""
    try:
        with time_limit(timeout), notation(settings if settings is not None else exercise_notation(ex)):
            claim_decls = claim_declarations(ex, claim, decls)
            claim_decls.summation = claim.raw.get("summation")   # `summation: einstein` (index_expansion.py)
            return check_claim(ex, claim, claim_decls,
                               seed=claim_seed(seed, ex.id, claim.id),
                               proof_seconds=min(3.0, timeout / 3), allow_code=allow_code)
    except TimeoutError:
        return _result(ex, claim, Verdict.UNVERIFIED, f"time budget of {timeout:g} s ran out")


def exercise_notation(ex: ExerciseSpec) -> dict[str, Any]:
    """Printer settings in the author's notation, read from the exercise's quotes and givens."""
    texts = [c.latex for c in ex.claims if c.latex]
    texts += [str(t) for kv in ex.given.items() for t in kv if isinstance(t, str)]
    return notation_of(texts, ex.functions, quotes=[c.latex for c in ex.claims if c.latex])


def claim_declarations(ex: ExerciseSpec, claim: ClaimSpec, decls: Declarations) -> Declarations:
    """The exercise's declarations, with the claim's own `symbols:` / `given:` laid over them."""
    symbols, given = claim.raw.get("symbols"), claim.raw.get("given")
    if not symbols and not given:
        return decls.copy()
    for what, value in (("symbols", symbols), ("given", given)):
        if value is not None and not isinstance(value, dict):
            raise SpecError(ex.spec_file, claim.spec_line, f"claim {claim.id}: {what} must be a mapping")
    lines = dict(ex.given_lines)
    lines.update({k: claim.spec_line for k in (given or {})})
    merged = replace(ex, symbols={**ex.symbols, **(symbols or {})}, given={**ex.given, **(given or {})},
                     given_lines=lines)
    return build_declarations(merged)


def _result(ex: ExerciseSpec, claim: ClaimSpec | None, verdict: Verdict, message: str, **kw: Any) -> ClaimResult:
    return ClaimResult(
        exercise=ex.id,
        claim=claim.id if claim else "-",
        verdict=verdict,
        location=Location(file=(claim.notes if claim and claim.notes else ex.notes),
                          line=claim.line if claim else None,
                          spec_file=ex.spec_file, spec_line=claim.spec_line if claim else ex.spec_line),
        message=message,
        claimed_latex=claim.latex if claim else "",
        title=ex.title,
        collection=ex.collection,
        **kw,
    )


def derive_expected(claim: ClaimSpec, ex: ExerciseSpec, decls: Declarations) -> sp.Basic | None:
    """The truth for a claim: a recipe, or a LaTeX / number gold answer."""
    expect = claim.expect
    if expect is None:
        return None
    try:
        if isinstance(expect, str) and looks_like_recipe(expect):
            value = RecipeInterpreter(decls).run(expect)
            if isinstance(value, Solutions):
                if len(value.solutions) != 1 or len(value.solutions[0]) != 1:
                    raise RecipeError("pick one component of the solution with .name")
                value = next(iter(value.solutions[0].values()))
            if isinstance(value, (list, tuple)):
                raise RecipeError("a recipe must give one value, not a list")
            return value
        return given_value(decls, expect)
    except (RecipeError, LatexParseError, LoweringError) as exc:
        raise SpecError(ex.spec_file, claim.spec_line, f"claim {claim.id}: expect: {exc}") from None


def check_claim(ex: ExerciseSpec, claim: ClaimSpec, decls: Declarations, *, seed: int,
                proof_seconds: float = 3.0, allow_code: bool = False) -> ClaimResult:
    if claim.status == "unfinished":
        return _result(ex, claim, Verdict.INCOMPLETE, claim.reason or "the notes give no answer")
    from verify.claims.special import check_special  # regions / index notation / code claims

    if (special := check_special(ex, claim, decls, seed=seed, allow_code=allow_code)) is not None:
        return _result(ex, claim, special[0], special[1])
    if claim.raw.get("kind") == "shape":
        from derive.lower.shapes import check_shape_claim

        quantity = claim.expect if isinstance(claim.expect, str) else None   # the quantity a bare size is of
        sv = check_shape_claim(claim.latex, decls, ex.given, ex.layout, quantity=quantity)
        return _result(ex, claim, Verdict(sv.verdict), sv.message, expected_latex=sv.expected)
    from verify.claims.numeric import check_numeric_claim  # printed decimals vs a derived float

    numeric = check_numeric_claim(ex, claim, decls, seed=seed)
    if numeric is not None:
        return numeric
    try:
        expected = derive_expected(claim, ex, decls)
    except DerivationFailed as exc:
        return _result(ex, claim, Verdict.UNVERIFIED, f"could not derive the answer: {exc}")
    expected_latex = _latex(expected)
    if isinstance(expected, sp.FiniteSet):   # "$h_1$ and $h_3$": a set quoted across a sentence
        from verify.claims.sets import check_set_claim

        verdict, message = check_set_claim(claim.latex, expected, decls)
        return _result(ex, claim, Verdict(verdict), message, expected_latex=expected_latex)
    try:
        formula = parse_latex(claim.latex)
    except LatexParseError as exc:
        return _result(ex, claim, Verdict.UNPARSED, str(exc), expected_latex=expected_latex)
    statements = [st for st in formula.statements if any(o.kind != "empty" for o in st.operands)]
    if not statements:
        return _result(ex, claim, Verdict.UNPARSED, "no mathematics in the quoted LaTeX")
    if expected is None and claim.reason:
        # The spec says why this claim cannot be derived: never compare its parts with each other.
        return _result(ex, claim, Verdict.UNVERIFIED, claim.reason)
    low = Lowerer(decls)
    from derive.recipes.parameters import ParameterCheck

    if isinstance(expected, ParameterCheck):   # a list of parameter values, judged by what they achieve
        from verify.claims.parameters import check_parameter_claim

        verdict, message, comp = check_parameter_claim(statements, expected, low, seed=seed,
                                                       proof_seconds=proof_seconds)
        return _result(ex, claim, Verdict(verdict), message, expected_latex=str(expected),
                       counterexample=comp.counterexample if comp else None)
    if isinstance(expected, sp.Eq) or _all_equations(statements) and isinstance(expected, sp.Eq):
        return _check_equations(ex, claim, statements, low, expected, seed, proof_seconds)
    sides = _lower_chain(statements, low)
    for side in sides:
        if isinstance(side.error, TooLarge):
            return _result(ex, claim, Verdict.UNPARSED, str(side.error), expected_latex=expected_latex)
    return _check_chain(ex, claim, sides, expected, decls, seed, proof_seconds)


MAX_PRINTED_NODES = 4000


def _latex(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, sp.Basic) and too_big_to_print(value):
        # Printing a deep network's derivative costs more than deciding it; the report names its size instead.
        shape = f"{value.shape[0]} x {value.shape[1]} " if isinstance(value, sp.MatrixBase) else ""
        return rf"\text{{({shape}expression of more than {MAX_PRINTED_NODES} terms, not printed)}}"
    try:
        return to_latex(value)
    except Exception:  # noqa: BLE001 - printing must never sink a verdict
        return str(value)


def too_big_to_print(value: sp.Basic) -> bool:
    count = 0
    for entry in (value if isinstance(value, sp.MatrixBase) else [value]):
        for _ in sp.preorder_traversal(entry):
            count += 1
            if count > MAX_PRINTED_NODES:
                return True
    return False


def _all_equations(statements: list[Statement]) -> bool:
    return all(st.relations == ["="] for st in statements)


def _lower_chain(statements: list[Statement], low: Lowerer) -> list[_Side]:
    """Operands joined by '=' in reading order (other relations end the chain)."""
    sides: list[_Side] = []
    for group, st in enumerate(statements):
        for k, node in enumerate(st.operands):
            if k > 0 and st.relations[k - 1] != "=":
                break
            if node.kind == "empty":
                continue
            try:
                sides.append(_Side(node, low.expr(node), None, group))
            except (LoweringError, ValueError, TypeError) as exc:
                sides.append(_Side(node, None, exc, group))
    return sides


def _is_label(side: _Side, decls: Declarations) -> bool:
    """`\\phi_0 = ...`, `y = ...`: a left side naming what is computed, not a value to check."""
    if isinstance(side.error, UndefinedQuantity):
        return True
    v = side.value
    if isinstance(v, sp.Symbol) and v.name not in decls.given:
        return True
    return _names_undefined_call(side.node, v, decls)


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
    from derive.lower.syntax import split_arguments

    # Only names in the bracket (`L[\phi]`, `f(x)`): `a(b + c)` stays the product it is.
    if not all(len(arg) == 1 and low.name_of(arg[0]) is not None for arg in split_arguments(node.args[1])):
        return False
    return any(isinstance(s, sp.Symbol) and s.name == name for s in value.free_symbols)


def _free_indices(value: sp.Basic, decls: Declarations) -> set[str]:
    letters = decls.index_letters() | set(decls.index_ranges)
    return {s.name for s in value.free_symbols if isinstance(s, sp.Symbol) and s.name in letters} | {
        str(i) for a in value.atoms(sp.Indexed) for i in a.indices
        if isinstance(i, sp.Symbol) and i in value.free_symbols}


def _ill_posed_index(value: sp.Basic, reference: sp.Basic | None, decls: Declarations) -> set[str]:
    extra = _free_indices(value, decls)
    if reference is not None:
        extra -= _free_indices(reference, decls)
    return extra


def _check_chain(ex, claim, sides: list[_Side], expected, decls, seed, proof_seconds) -> ClaimResult:
    expected_latex = _latex(expected)
    if not sides:
        return _result(ex, claim, Verdict.UNPARSED, "nothing to compare", expected_latex=expected_latex)
    # The first side of each statement may name what is computed (`\phi_0 = ...`): not a value.
    all_sides = sides
    sides = [s for n, s in enumerate(sides)
             if not (_is_label(s, decls) and (n == 0 or sides[n - 1].group != s.group)
                     and any(t.group == s.group for t in sides[n + 1:]))]
    if expected is None and len(sides) < 2:
        # Nothing left to compare, but the left side names something undefined (`d f_5 / d h_2` with no f_5).
        undefined = [s.error for s in all_sides if s not in sides and isinstance(s.error, UndefinedQuantity)]
        if undefined:
            return _result(ex, claim, Verdict.ILL_POSED, f"step 1: {undefined[0]}", expected_latex=expected_latex)
    steps: list[StepResult] = []
    for k, side in enumerate(sides):
        if side.error is not None:
            kind = Verdict.ILL_POSED if isinstance(side.error, UndefinedQuantity) else Verdict.UNPARSED
            msg = f"step {k + 1}: {side.error}"
            if isinstance(side.error, ShapeError):   # a product or sum of sizes that do not fit
                kind = Verdict.ILL_POSED
                msg = f"step {k + 1}: sizes do not fit ({side.error})"
            if isinstance(side.error, MissingCondition):   # 1[z]: ill-posed; say what 1[z > 0] would give
                kind = Verdict.ILL_POSED
                msg += _bare_indicator_hint(side, expected if expected is not None else None, decls, seed)
            return _result(ex, claim, kind, msg, expected_latex=expected_latex, steps=steps)
    reference_of = (lambda k: expected) if expected is not None else (lambda k: sides[k - 1].value)
    # Without a derivation, a side is only compared with the side before it in the same statement.
    to_check = list(range(len(sides))) if expected is not None else [
        k for k in range(1, len(sides)) if sides[k].group == sides[k - 1].group]
    if expected is None and not to_check:
        return _result(ex, claim, Verdict.UNVERIFIED, claim.reason or "no `expect:` and nothing to compare the claim with")
    all_proven = True
    for k in to_check:
        value, ref = sides[k].value, reference_of(k)
        step_latex = _latex(value) or ""
        free = _ill_posed_index(value, ref, decls)
        if free:
            names = ", ".join(sorted(free))
            msg = f"free index {names} outside any sum"
            extra = _bind_free_index(value, ref, free, decls, seed)
            if extra:
                msg += f"; {extra}"
            steps.append(StepResult(k + 1, step_latex, Verdict.ILL_POSED, msg))
            return _result(ex, claim, Verdict.ILL_POSED, _step_prefix(k, sides) + msg,
                           expected_latex=expected_latex, steps=steps, diagnosis=f"free index {names}",
                           plot=fixed_index_curves(value, ref, free, seed=seed + 97) if extra else None)
        comp = compare(value, ref, seed=seed + k, proof_seconds=proof_seconds)
        if comp.equal is False and comp.diagnosis == "shape mismatch":   # no value of either size is the other
            msg = f"sizes differ: {comp.evidence}"
            steps.append(StepResult(k + 1, step_latex, Verdict.ILL_POSED, msg))
            return _result(ex, claim, Verdict.ILL_POSED, _step_prefix(k, sides) + msg,
                           expected_latex=expected_latex, steps=steps, diagnosis="shape mismatch")
        if comp.equal is False:
            steps.append(StepResult(k + 1, step_latex, Verdict.WRONG, comp.diagnosis or "differs"))
            what = comp.diagnosis or "differs from the derived value"
            return _result(ex, claim, Verdict.WRONG, _step_prefix(k, sides) + what,
                           expected_latex=expected_latex, steps=steps, diagnosis=comp.diagnosis,
                           counterexample=comp.counterexample, evidence=comp.evidence,
                           corrected_latex=_latex(ref),
                           plot=curves_for(value, ref, comp.counterexample, seed=seed + k, diagnosis=comp.diagnosis))
        if comp.equal is None:
            steps.append(StepResult(k + 1, step_latex, Verdict.UNVERIFIED, comp.reason))
            return _result(ex, claim, Verdict.UNVERIFIED, _step_prefix(k, sides) + comp.reason,
                           expected_latex=expected_latex, steps=steps)
        all_proven = all_proven and comp.proven
        steps.append(StepResult(k + 1, step_latex, Verdict.CORRECT, comp.evidence))
    how = "proven symbolically" if all_proven else steps[-1].message if steps else ""
    return _result(ex, claim, Verdict.CORRECT, f"correct ({how})", expected_latex=expected_latex,
                   steps=steps if len(steps) > 1 else [], proven=all_proven, evidence=how)


def _bare_indicator_hint(side: _Side, ref, decls: Declarations, seed: int) -> str:
    """Read every condition-less indicator as 1[z > 0] and say whether the step then equals the derivation."""
    if ref is None:
        return ""
    low = Lowerer(decls)
    low.read_bare_indicator_as_positive = True
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


def _step_prefix(k: int, sides: list[_Side]) -> str:
    return f"step {k + 1} of {len(sides)}: " if len(sides) > 1 else ""


def _bind_free_index(value, ref, free: set[str], decls: Declarations, seed: int) -> str:
    """Even reading the free index as one data point (i = 1), is the claim the derived value?"""
    if ref is None:
        return ""
    subs = {s: sp.Integer(1) for s in value.free_symbols if isinstance(s, sp.Symbol) and s.name in free}
    try:
        comp = compare(value.xreplace(subs), ref, seed=seed + 97, proof_seconds=0.5)
    except Exception:  # noqa: BLE001 - an extra hint only
        return ""
    if comp.equal is False:
        return "and it is not the derived value even with the index fixed to 1"
    return ""


def _check_equations(ex, claim, statements, low: Lowerer, expected, seed, proof_seconds) -> ClaimResult:
    """Each equation row must be equivalent to the derived equation (same solutions)."""
    expected_latex = _latex(expected)
    ref = expected.lhs - expected.rhs if isinstance(expected, sp.Eq) else expected
    decls = low.decls
    steps: list[StepResult] = []
    rows = [st for st in statements if len(st.operands) == 2 and st.relations == ["="]]
    if not rows:
        return _result(ex, claim, Verdict.UNPARSED, "expected equations (A = B) in the claim",
                       expected_latex=expected_latex)
    for k, st in enumerate(rows):
        try:
            lhs, rhs = (low.expr(o) for o in st.operands)
        except (LoweringError, ValueError, TypeError) as exc:
            kind = Verdict.ILL_POSED if isinstance(exc, UndefinedQuantity) else Verdict.UNPARSED
            return _result(ex, claim, kind, f"row {k + 1}: {exc}", expected_latex=expected_latex, steps=steps)
        residual = lhs - rhs
        row_latex = f"{_latex(lhs)} = {_latex(rhs)}"
        prefix = f"row {k + 1} of {len(rows)}: " if len(rows) > 1 else ""
        free = _ill_posed_index(residual, ref, decls)
        if free:
            msg = f"free index {', '.join(sorted(free))} outside any sum"
            steps.append(StepResult(k + 1, row_latex, Verdict.ILL_POSED, msg))
            return _result(ex, claim, Verdict.ILL_POSED, prefix + msg, expected_latex=expected_latex,
                           steps=steps, diagnosis=msg)
        comp = _equivalent_equations(residual, ref, claim.unknowns or ex.unknowns, decls, seed + k,
                                     proof_seconds)
        if comp.equal is not True:
            verdict = Verdict.WRONG if comp.equal is False else Verdict.UNVERIFIED
            msg = comp.diagnosis or comp.reason or "not equivalent to the derived equation"
            steps.append(StepResult(k + 1, row_latex, verdict, msg))
            return _result(ex, claim, verdict, prefix + msg, expected_latex=expected_latex, steps=steps,
                           counterexample=comp.counterexample, evidence=comp.evidence, diagnosis=comp.diagnosis,
                           plot=equation_curves(residual, ref, comp.counterexample, seed=seed + k,
                                                diagnosis=comp.diagnosis) if comp.equal is False else None)
        steps.append(StepResult(k + 1, row_latex, Verdict.CORRECT, comp.evidence))
    return _result(ex, claim, Verdict.CORRECT, "correct (every row is equivalent to the derived equation)",
                   expected_latex=expected_latex, steps=steps if len(steps) > 1 else [])


def _equivalent_equations(residual, ref, unknowns: list[str], decls: Declarations, seed: int,
                          proof_seconds: float) -> Comparison:
    ratio = constant_ratio(residual, ref, seed=seed) if residual != 0 else None
    if ratio is not None or compare(residual, ref, seed=seed, proof_seconds=proof_seconds).equal:
        return Comparison(True, evidence="same equation up to a constant factor")
    # A point satisfying the derived equation but not the claimed one is a counterexample.
    candidates = [decls.symbol(u) for u in unknowns] or sorted(
        (s for s in ref.free_symbols if isinstance(s, sp.Symbol) and s in residual.free_symbols),
        key=lambda s: s.name)
    from derive.recipes.interpreter import expand_sums

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

"""Numeric claims: printed decimals judged against a derived float value at the printed precision.

A claim goes this way when its derived value is a plain number or a matrix of numbers and the claim
prints decimals (or has `tol:` / `from_claim:`). Its LaTeX is read as a chain joined by `=` and
`\\approx`; labels and symbolic restatements (`\\hat{y}^{(1)}`, `\\hat y - y`) are skipped, every
side that is a number (or vector / matrix of numbers) is compared with the derived value.

Tolerance (unless `tol:` overrides it): every decimal literal with d decimals stands for its value
±0.5·10^-d; a side's tolerance is that rounding propagated to first order through the side
(`0.6748` -> ±0.5e-4, `0.10` -> ±0.005, `\\frac{1}{1.4819}` -> ±0.5e-4/1.4819²). Integers are exact.

`from_claim: {name: claim-id}` (or `{name: exercise-id#claim-id}`): `name` in the recipe stands for
the value derived for that earlier claim. When this claim is wrong but agrees with the recipe fed the
number the notes *printed* in that claim, the error is reported as propagated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derive.lower.errors import LoweringError, UndefinedQuantity
from derive.lower.lowerer import Lowerer
from derive.lower.settings import LoweringSettings
from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Formula, Node
from derive.recipes.interpreter import DerivationFailed, looks_like_recipe
from derive.recipes.kernels import KERNEL_OPS, IllPosedValue, ShapeMismatch
from derive.spec.declarations import Declarations
from derive.spec.errors import SpecError
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.claims.context import ClaimContext, derive_truth, latex_of
from verify.result import ClaimResult, Counterexample, StepResult, Verdict

NAME = "numeric"
HEAVY = False
CHAIN_RELATIONS = ("=", "~")          # `=` and `\approx`
FLOAT_EPS = 1e-9
_DECIMAL = re.compile(r"\d\.\d|(?<![\w.])\.\d")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


# ------------------------------------------------------------------ reading printed numbers
@dataclass
class Printed:
    """One side of a claim: its value from the printed literals and the tolerance they imply."""

    node: Node
    value: Any                 # sp number / matrix, or None when symbolic or unreadable
    tol: Any = None            # float or list of floats (flat, per entry)
    error: Exception | None = None
    symbolic: bool = False
    intermediate: list[Any] = field(default_factory=list)   # printed intermediate values a computation quotes


def _is_numeric(value: Any) -> bool:
    if isinstance(value, sp.MatrixBase):
        return all(_is_numeric(x) for x in value)
    return isinstance(value, sp.Basic) and value.is_number and value.is_finite is not False and not value.has(
        sp.zoo, sp.nan)


def _flat(value: Any) -> list[Any]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _is_result(expr: Any, literals: dict) -> bool:
    """A side that only prints numbers (`0.6971`, `[0.6971, -0.00289]`): the claimed result, not a computation."""
    def plain(e: Any) -> bool:
        return e.is_number or e in literals or (-e) in literals
    return all(plain(e) for e in _flat(expr)) if isinstance(expr, (sp.Basic, sp.MatrixBase)) else False


def read_side(node: Node, decls: Declarations, inputs: frozenset[sp.Rational] = frozenset()) -> Printed:
    """One side's value and tolerance. Printed precision belongs to printed results only: in a side that computes
    (`[0.7, 0.8] - 0.1 [0.0289, 0.0425]`), a decimal equal to given data or to a number of the recipe (`inputs`)
    is that input, exactly; the other decimals are printed intermediate values and carry their rounding."""
    # decimal literals lowered to symbols (to propagate their rounding), `[a, b, c]` read as row vectors
    low = Lowerer(decls, LoweringSettings(literal_decimals=True, bracket_vectors=True))
    try:
        expr = low.expr(node)
    except (LoweringError, ValueError, TypeError) as exc:
        return Printed(node, None, error=exc)
    subs = {s: v for s, (v, _) in low.literals.items()}
    value = expr.xreplace(subs) if isinstance(expr, sp.Basic) else expr
    if isinstance(value, sp.MatrixBase):
        value = sp.ImmutableMatrix(value)
    if not _is_numeric(value):
        return Printed(node, None, symbolic=True)
    result = _is_result(expr, low.literals)
    tol = [0.0] * len(_flat(value))
    rounded = []
    for sym, (exact, half) in low.literals.items():
        if not expr.has(sym) or (not result and exact in inputs):
            continue
        rounded.append(exact)
        d = expr.diff(sym).xreplace(subs)
        for k, entry in enumerate(_flat(d)):
            tol[k] += abs(float(sp.N(entry))) * half
    return Printed(node, value, tol, intermediate=[] if result else rounded)


def printed_sides(formula: Formula | str, decls: Declarations,
                  inputs: frozenset[sp.Rational] = frozenset()) -> list[Printed]:
    """The sides of the claim chain (`=` / `\\approx`), in reading order."""
    if isinstance(formula, str):
        formula = parse_latex(formula)
    sides: list[Printed] = []
    for st in formula.statements:
        start = len(sides)
        for k, node in enumerate(st.operands):
            rel = st.relations[k - 1] if k > 0 else "="
            if rel == "+=":
                del sides[start:]   # `\bar{v}_1 += a = 100`: the accumulator is a label, a is the contribution
            elif rel not in CHAIN_RELATIONS:
                break
            if node.kind != "empty":
                sides.append(read_side(node, decls, inputs))
    return sides


_RECIPE_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d*|\.\d+|\d+)(?![\w.])")


def input_numbers(decls: Declarations, expect: Any) -> frozenset[sp.Rational]:
    """The exact numbers a computation in the claim may quote: given data and the numbers of the recipe."""
    numbers: set[sp.Rational] = set()
    for value in decls.given.values():
        for entry in (value if isinstance(value, sp.MatrixBase) else [value]):
            if isinstance(entry, sp.Basic) and entry.is_Rational:
                numbers.add(entry)
    if isinstance(expect, str):
        numbers.update(sp.Rational(m) for m in _RECIPE_NUMBER.findall(expect))
    return frozenset(numbers)


def printed_value(formula: Formula, decls: Declarations) -> Any:
    """The number a claim finally prints (its last numeric side)."""
    numeric = [s for s in printed_sides(formula, decls) if s.value is not None]
    if not numeric:
        raise DerivationFailed("the referenced claim prints no number")
    return numeric[-1].value


# ------------------------------------------------------------------ comparing
def _entry_name(k: int, shape: tuple[int, int] | None) -> str:
    if shape is None:
        return "value"
    rows, cols = shape
    if rows == 1 or cols == 1:
        return f"entry {k + 1}"
    return f"entry ({k // cols + 1},{k % cols + 1})"


@dataclass
class NumericComparison:
    ok: bool
    message: str
    worst: float = 0.0
    claimed: Any = None
    expected: Any = None


def is_vec(s: tuple[int, int] | None) -> bool:
    return s is None or 1 in s


def show(s: tuple[int, int] | None) -> str:
    return "a number" if s is None else f"{s[0]}×{s[1]}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def compare_numeric(claimed: Any, tol: list[float] | float, expected: Any,
                    override: float | None = None) -> NumericComparison:
    """Elementwise |claimed - expected| <= tolerance; vectors compare regardless of orientation."""
    c, e = _flat(claimed), _flat(expected)
    c_shape = claimed.shape if isinstance(claimed, sp.MatrixBase) else None
    e_shape = expected.shape if isinstance(expected, sp.MatrixBase) else None
    if len(c) != len(e) or not (c_shape == e_shape or is_vec(c_shape) and is_vec(e_shape)):
        return NumericComparison(False, f"shape differs: the claim is {show(c_shape)}, the derived value "
                                        f"{show(e_shape)}", claimed=claimed, expected=expected)
    tols = tol if isinstance(tol, list) else [tol] * len(c)
    bad, worst = [], 0.0
    for k, (ci, ei) in enumerate(zip(c, e, strict=True)):
        cf, ef = float(sp.N(ci, 20)), float(sp.N(ei, 20))
        allowed = (override if override is not None else tols[k]) + FLOAT_EPS * max(1.0, abs(ef))
        diff = abs(cf - ef)
        worst = max(worst, diff - allowed)
        if diff > allowed:
            bad.append(f"{_entry_name(k, e_shape if e_shape and not is_vec(e_shape) else c_shape)}: "
                       f"claimed {_fmt(cf)}, derived {_fmt(ef)} (|Δ| = {diff:.3g} > tol {allowed:.2g})")
    if bad:
        return NumericComparison(False, "; ".join(bad), worst, claimed, expected)
    return NumericComparison(True, "", worst, claimed, expected)


# ------------------------------------------------------------------ the claim
def _printed_reference(src_ex: ExerciseSpec, src: ClaimSpec, decls: Declarations) -> Any:
    """For `from_claim`: the number the notes print in the referenced claim (not its derived value)."""
    try:
        formula = src.formula
    except LatexParseError as exc:
        raise DerivationFailed(f"the referenced claim {src.id} does not parse: {exc}") from None
    return printed_value(formula, decls)


def _malformed_inputs(claim: ClaimSpec, decls: Declarations) -> list[IllPosedValue]:
    if not isinstance(claim.expect, str):
        return []
    names = set(_NAME.findall(claim.expect))
    return [v for k, v in decls.given.items() if isinstance(v, IllPosedValue) and k in names]


def _applies(claim: ClaimSpec, expected: Any) -> bool:
    if claim.tol is not None or claim.from_claim:
        return True
    if any(isinstance(x, sp.Float) or isinstance(x, sp.Basic) and x.has(sp.Float) for x in _flat(expected)):
        return True
    return bool(_DECIMAL.search(claim.latex))


def _candidate(claim: ClaimSpec) -> bool:
    """Cheap test before deriving: decimals printed, `tol:`/`from_claim:`, or a kernel pipeline."""
    if claim.expect is None:
        return False
    if claim.tol is not None or claim.from_claim or _DECIMAL.search(claim.latex):
        return True
    return isinstance(claim.expect, str) and looks_like_recipe(claim.expect) and bool(
        set(_NAME.findall(claim.expect)) & set(KERNEL_OPS))


def _numeric_truth(ctx: ClaimContext) -> Any:
    expected = ctx.truth
    return sp.ImmutableMatrix(expected) if isinstance(expected, sp.MatrixBase) else expected


def recognises(ctx: ClaimContext) -> bool:
    """Whether a claim without `kind:` is numeric: it prints decimals (or has `tol:`/`from_claim:`, or its
    recipe is a kernel pipeline) and its derived value is a number or a matrix of numbers."""
    claim = ctx.claim
    if not _candidate(claim):
        return False
    if claim.from_claim or _malformed_inputs(claim, ctx.decls):
        return True
    try:
        expected = _numeric_truth(ctx)
    except ShapeMismatch:
        return True
    except DerivationFailed:
        return False   # the formula kind reports why the answer could not be derived
    return _is_numeric(expected) and _applies(claim, expected)


def check(ctx: ClaimContext) -> ClaimResult:
    """Printed numbers against the derived number, within the printed precision (or `tol:`)."""
    ex, claim, decls = ctx.exercise, ctx.claim, ctx.decls
    bad_inputs = _malformed_inputs(claim, decls)
    if bad_inputs:
        msg = "; ".join(f"given {v.name} is malformed ({v.problem})" for v in bad_inputs)
        return ctx.result(Verdict.ILL_POSED, msg, diagnosis="malformed given data")
    try:
        expected = _numeric_truth(ctx)
    except ShapeMismatch as exc:
        return ctx.result(Verdict.ILL_POSED, f"the given data do not fit together: {exc}", diagnosis="shape mismatch")
    except DerivationFailed as exc:
        return ctx.result(Verdict.UNVERIFIED, f"could not derive the answer: {exc}")
    if not _is_numeric(expected):
        if claim.from_claim:
            raise SpecError(ex.spec_file, claim.spec_line, f"claim {claim.id}: from_claim needs a numeric answer")
        return ctx.result(Verdict.UNVERIFIED, "the derived value is not a number to compare printed numbers with",
                          expected_latex=latex_of(expected))
    expected = expected.evalf(17) if isinstance(expected, sp.Basic) else expected
    expected_latex = latex_of(expected)
    try:
        sides = printed_sides(claim.formula, decls, input_numbers(decls, claim.expect))
    except LatexParseError as exc:
        return ctx.result(Verdict.UNPARSED, str(exc), expected_latex=expected_latex)
    for k, side in enumerate(sides):
        if side.error is not None and k > 0 and not isinstance(side.error, UndefinedQuantity):
            return ctx.result(Verdict.UNPARSED, f"side {k + 1}: {side.error}", expected_latex=expected_latex)
    numeric = [s for s in sides if s.value is not None]
    if not numeric:
        return ctx.result(Verdict.UNPARSED, "the claim prints no number to compare", expected_latex=expected_latex)
    steps: list[StepResult] = []
    n = len(numeric)
    for k, side in enumerate(numeric):
        comp = compare_numeric(side.value, side.tol, expected, claim.tol)
        prefix = f"step {k + 1} of {n}: " if n > 1 else ""
        if not comp.ok:
            steps.append(StepResult(k + 1, _fmt_value(side.value), Verdict.WRONG, comp.message))
            message, diagnosis = prefix + comp.message, "numeric value differs beyond printed precision"
            if side.intermediate:
                quoted = ", ".join(_fmt(float(v)) for v in side.intermediate)
                message += (f" (the given data it quotes taken exactly; the printed intermediate values {quoted} "
                            f"are not what the inputs give)")
            propagated = _propagated(ctx, side)
            if propagated:
                message = f"propagated from {propagated[0]}: {message}; {propagated[1]}"
                diagnosis = f"propagated from {propagated[0]}"
            return ctx.result(Verdict.WRONG, message, expected_latex=expected_latex, steps=steps,
                              diagnosis=diagnosis, evidence=comp.message,
                              counterexample=_counterexample(side.value, expected),
                              corrected_latex=expected_latex)
        steps.append(StepResult(k + 1, _fmt_value(side.value), Verdict.CORRECT, "within printed precision"))
    how = f"tol {claim.tol:g}" if claim.tol is not None else "printed precision"
    return ctx.result(Verdict.CORRECT, f"correct ({n} numeric step{'s' * (n > 1)} within {how})",
                      expected_latex=expected_latex, steps=steps if n > 1 else [],
                      evidence=f"numeric, within {how}")


def _propagated(ctx: ClaimContext, side: Printed) -> tuple[str, str] | None:
    claim = ctx.claim
    raw = claim.raw.get("from_claim")
    if not claim.from_claim:
        return None
    try:
        alt = derive_truth(ctx.exercise, ctx.exercise, claim, ctx.decls, reference_value=_printed_reference)
    except (DerivationFailed, ShapeMismatch):
        return None
    if not _is_numeric(alt):
        return None
    alt = alt.evalf(17)
    comp = compare_numeric(side.value, side.tol, alt, claim.tol)
    if not comp.ok:
        return None
    names = ", ".join(f"{v}" for v in raw.values())
    return names, (f"it is right from the numbers the notes print in {names} "
                   f"(which give {_fmt_value(alt)}), wrong from the true inputs")


def _counterexample(claimed: Any, expected: Any) -> Counterexample:
    """The entry that differs most, as numbers (formats print them with `:g`)."""
    c, e = _flat(claimed), _flat(expected)
    if len(c) != len(e):
        return Counterexample({"shape": "differs"}, float("nan"), float("nan"))
    k = max(range(len(c)), key=lambda i: abs(float(sp.N(c[i])) - float(sp.N(e[i]))))
    shape = expected.shape if isinstance(expected, sp.MatrixBase) else None
    point = {} if shape is None else {"entry": _entry_name(k, shape).removeprefix("entry ")}
    return Counterexample(point, float(sp.N(c[k], 17)), float(sp.N(e[k], 17)))


def _fmt_value(v: Any) -> str:
    if isinstance(v, sp.MatrixBase):
        return "[" + ", ".join(_fmt(float(x)) for x in v) + "]"
    return _fmt(float(v))

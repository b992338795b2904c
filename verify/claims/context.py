"""What a claim kind's `check(ctx)` receives: the claim, its declarations, its truth, and how to answer.

`ClaimContext.truth` derives the claim's `expect:` once (recipes, gold LaTeX or numbers, with `from_claim`
names bound to the derived values of the claims they name); every kind that needs the truth reads it from
here, so it is never derived twice. `ClaimContext.result` builds the one `ClaimResult` type every kind returns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp

from derive.lower.definitions import build_declarations, given_value
from derive.lower.errors import LoweringError
from derive.parse.latex import LatexParseError
from derive.recipes.interpreter import RecipeError, RecipeInterpreter, Solutions, looks_like_recipe
from derive.spec.declarations import Declarations
from derive.spec.errors import SpecError
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.result import ClaimResult, Location, Verdict
from verify.write.latex import to_latex

MAX_PRINTED_NODES = 4000
MAX_REFERENCE_DEPTH = 8


def claim_seed(seed: int, exercise: str, claim: str) -> int:
    """Independent of run order and worker count, so `-j` never changes a result."""
    digest = hashlib.blake2b(f"{seed}\x1f{exercise}\x1f{claim}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little") % 1_000_000


def claim_declarations(ex: ExerciseSpec, claim: ClaimSpec, decls: Declarations) -> Declarations:
    """The exercise's declarations, with the claim's own `symbols:` / `given:` laid over them."""
    if not claim.symbols and not claim.given:
        claim_decls = decls.copy()
    else:
        lines = {**ex.given_lines, **claim.given_lines}
        merged = replace(ex, symbols={**ex.symbols, **(claim.symbols or {})},
                         given={**ex.given, **(claim.given or {})}, given_lines=lines)
        claim_decls = build_declarations(merged)
    claim_decls.summation = claim.summation   # `summation: einstein` (derive/lower/index.py)
    return claim_decls


def derive_expected(claim: ClaimSpec, ex: ExerciseSpec, decls: Declarations) -> sp.Basic | None:
    """The truth for a claim: a recipe, or a LaTeX / number gold answer (None without `expect:`)."""
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


ReferenceValue = Callable[[ExerciseSpec, ClaimSpec, Declarations], Any]


def derive_truth(root: ExerciseSpec, ex: ExerciseSpec, claim: ClaimSpec, decls: Declarations, *,
                 reference_value: ReferenceValue | None = None, depth: int = 0) -> Any:
    """`expect:` with each `from_claim` name bound to the value of the claim it names: its derived value, or
    what `reference_value` gives (numeric claims ask for the number the notes printed there)."""
    if depth > MAX_REFERENCE_DEPTH:
        raise SpecError(ex.spec_file, claim.spec_line, f"claim {claim.id}: from_claim chain too deep")
    if claim.from_claim:
        decls = decls.copy()
    for name, ref in claim.from_claim.items():
        src_ex, src = root.find(ref)
        src_decls = claim_declarations(src_ex, src, build_declarations(src_ex))
        if reference_value is not None:
            decls.given[name] = reference_value(src_ex, src, src_decls)
        else:
            decls.given[name] = derive_truth(root, src_ex, src, src_decls, depth=depth + 1)
    return derive_expected(claim, ex, decls)


def too_big_to_print(value: sp.Basic) -> bool:
    count = 0
    for entry in (value if isinstance(value, sp.MatrixBase) else [value]):
        for _ in sp.preorder_traversal(entry):
            count += 1
            if count > MAX_PRINTED_NODES:
                return True
    return False


def latex_of(value: Any) -> str | None:
    """The derived value in the notes' notation (verify/write/latex.py), or a note when it is too big to print."""
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


_UNSET = object()


@dataclass(frozen=True)
class DerivedTruth:
    """A claim's truth derived ahead of checking, so that many answers to one claim (`derivcheck grade`) share
    one derivation: the value, or the exception deriving raised (re-raised to each kind that asks, as
    `ClaimContext.truth` does)."""

    value: Any = None
    error: BaseException | None = None

    def get(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


@dataclass
class ClaimContext:
    """One claim being checked. Kinds read from it and answer with `result(...)`."""

    exercise: ExerciseSpec
    claim: ClaimSpec
    decls: Declarations
    seed: int
    proof_seconds: float = 3.0
    allow_code: bool = False
    derived: DerivedTruth | None = None   # given: the truth is not derived again here
    _truth: Any = field(default=_UNSET, repr=False)
    _truth_error: Exception | None = field(default=None, repr=False)

    @property
    def truth(self) -> Any:
        """The derived value (None without `expect:`); raises what deriving raised, every time it is asked."""
        if self.derived is not None:
            return self.derived.get()
        if self._truth is _UNSET and self._truth_error is None:
            try:
                self._truth = derive_truth(self.exercise, self.exercise, self.claim, self.decls)
            except Exception as exc:  # noqa: BLE001 - kept and re-raised to each kind that asks
                self._truth_error = exc
        if self._truth_error is not None:
            raise self._truth_error
        return self._truth

    def result(self, verdict: Verdict, message: str, **kw: Any) -> ClaimResult:
        return result_for(self.exercise, self.claim, verdict, message, **kw)


def result_for(ex: ExerciseSpec, claim: ClaimSpec | None, verdict: Verdict, message: str, **kw: Any) -> ClaimResult:
    """A result located at the claim's line of the notes (or at the exercise, for one without claims)."""
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

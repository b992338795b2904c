"""The typed objects a spec file becomes: exercises and their claims, validated and ready to check.

A claim's quoted LaTeX is read by the one grammar (derive/parse) at most once: `ClaimSpec.formula` parses on
first use and keeps the result (or the parse error), so every checker that needs the statement shares it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Formula

if TYPE_CHECKING:
    from derive.spec.code_claims import CodeClaim
    from derive.spec.networks import RegionClaim


@dataclass(frozen=True)
class ClaimRef:
    """`from_claim: {name: [exercise-id#]claim-id}`: in the recipe, `name` is that claim's derived value."""

    exercise: str
    claim: str


@dataclass
class ClaimSpec:
    id: str
    latex: str
    line: int | None
    expect: Any
    spec_line: int
    notes: str | None = None
    context: str | None = None
    tol: float | None = None
    status: str | None = None
    reason: str | None = None
    unknowns: list[str] = field(default_factory=list)
    kind: str | None = None            # validated against the kind registry; None: inferred at check time
    code: str | None = None            # a quoted NumPy snippet (`kind: code`)
    symbols: dict[str, Any] | None = None   # the claim's own declarations, laid over the exercise's
    given: dict[str, Any] | None = None
    given_lines: dict[str, int] = field(default_factory=dict)
    from_claim: dict[str, ClaimRef] = field(default_factory=dict)
    summation: str | None = None       # `einstein`: repeated index letters are summed
    points: float | None = None        # what a correct answer scores in `derivcheck grade` (None: 1)
    data: CodeClaim | RegionClaim | None = None   # a code claim's kernel, a region claim's network (read at load)
    raw: dict[str, Any] = field(default_factory=dict)   # the claim's YAML mapping, for kind-specific keys

    @cached_property
    def formula(self) -> Formula:
        """The quoted LaTeX as statements; raises the (cached) LatexParseError when it does not parse."""
        return parse_latex(self.latex)

    def parsed(self) -> Formula | LatexParseError:
        """`formula`, or the error that reading it gave (never raises)."""
        try:
            return self.formula
        except LatexParseError as exc:
            return exc

    def __getstate__(self) -> dict[str, Any]:
        # Worker processes parse for themselves: a parsed formula is larger to send than its text.
        state = dict(self.__dict__)
        state.pop("formula", None)
        return state


@dataclass(frozen=True)
class Definition:
    """A display the notes use only to define something (`definitions:`): quoted, checked to be where the spec
    says and to read under the grammar, but not a claim -- nothing in it can be right or wrong by itself."""

    line: int
    latex: str
    spec_line: int
    notes: str | None = None


@dataclass
class ExerciseSpec:
    id: str
    title: str | None
    notes: str | None
    spec_file: str
    spec_line: int
    symbols: dict[str, Any] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    given: dict[str, Any] = field(default_factory=dict)
    given_lines: dict[str, int] = field(default_factory=dict)
    claims: list[ClaimSpec] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    status: str | None = None
    reason: str | None = None
    context: str | None = None
    unknowns: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    layout: str | None = None
    # Other exercises of the same file whose claims `from_claim` refers to (directly or through them),
    # so one exercise carries everything its results depend on (workers, the result cache).
    references: list[ExerciseSpec] = field(default_factory=list)

    @property
    def collection(self) -> str:
        return self.id.split("/", 1)[0]

    def claim(self, claim_id: str) -> ClaimSpec | None:
        return next((c for c in self.claims if c.id == claim_id), None)

    def find(self, ref: ClaimRef) -> tuple[ExerciseSpec, ClaimSpec]:
        """The exercise and claim a `from_claim` reference names (validated at load time)."""
        for ex in (self, *self.references):
            if ex.id == ref.exercise and (claim := ex.claim(ref.claim)) is not None:
                return ex, claim
        raise KeyError(f"{ref.exercise}#{ref.claim}")

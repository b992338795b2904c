"""The one result type that flows from the checker into every output format.

Formats (text, json, github, sarif, junit, ...) only render these objects; they never
re-derive or re-judge anything.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong"
    ILL_POSED = "ill-posed"
    UNPARSED = "unparsed"
    UNVERIFIED = "unverified"
    INCOMPLETE = "incomplete"

    @property
    def is_failure(self) -> bool:
        """Verdicts that make `verify` exit 1."""
        return self in (Verdict.WRONG, Verdict.ILL_POSED)


# Stable finding codes, documented in the README; never renumber.
FINDING_CODES: dict[Verdict, str] = {
    Verdict.WRONG: "DC001",
    Verdict.ILL_POSED: "DC002",
    Verdict.UNPARSED: "DC003",
    Verdict.UNVERIFIED: "DC004",
    Verdict.INCOMPLETE: "DC005",
}

# Order used to pick the "worst" verdict of an exercise.
SEVERITY: dict[Verdict, int] = {
    Verdict.CORRECT: 0,
    Verdict.INCOMPLETE: 1,
    Verdict.UNVERIFIED: 2,
    Verdict.UNPARSED: 3,
    Verdict.ILL_POSED: 4,
    Verdict.WRONG: 5,
}


# What a diagnosis says, without the expressions it names: the coarse kind of a wrong or ill-posed claim
# (for the pinned verdict table and for histograms of common errors). First match wins.
_DIAGNOSIS_KINDS: tuple[tuple[str, str], ...] = (
    (r"^propagated\b", "propagated"),
    (r"^missing term\b", "missing term"),
    (r"^extra term\b", "extra term"),
    (r"^differs by\b", "differs by a term"),
    (r"^sign error\b", "sign"),
    (r"^off by factor\b", "factor"),
    (r"^the claim is 0 where\b", "zero"),
    (r"^free index\b", "free index"),
    (r"^transposed\b", "transposed"),
    (r"^shape mismatch\b|^sizes\b", "shape"),
    (r"^malformed given data\b", "malformed data"),
    (r"beyond printed precision", "precision"),
    (r"^not equivalent\b", "not equivalent"),
    (r"^not the same minimisers\b|^minimised over\b|argmin", "minimisers"),
    (r"^order of growth\b", "order"),
    (r"^bound violated\b", "bound"),
    (r"^arithmetic\b", "arithmetic"),
    (r"where .* is derived$", "value"),
)


def diagnosis_kind(diagnosis: str | None) -> str | None:
    """The kind of a diagnosis (`missing term`, `factor`, `sign`, ...), ignoring an `entry (i,j): ` prefix."""
    if not diagnosis:
        return None
    text = re.sub(r"^entry \([^)]*\):\s*", "", diagnosis.strip())
    for pattern, kind in _DIAGNOSIS_KINDS:
        if re.search(pattern, text):
            return kind
    return "differs"


@dataclass(frozen=True)
class Location:
    """Where a claim is written: the notes file (as named by the spec) and a 1-based line."""

    file: str | None
    line: int | None
    column: int | None = None
    spec_file: str | None = None
    spec_line: int | None = None


@dataclass
class Counterexample:
    """A point where the claim and the derivation disagree, confirmed in high precision."""

    point: dict[str, Any]
    claimed: Any
    expected: Any

    def to_dict(self) -> dict[str, Any]:
        return {"point": self.point, "claimed": self.claimed, "expected": self.expected}


@dataclass
class StepResult:
    """One '=' step of a chain: `lhs = rhs`, judged against the derivation."""

    index: int
    latex: str
    verdict: Verdict
    message: str


@dataclass
class ClaimResult:
    exercise: str
    claim: str
    verdict: Verdict
    location: Location
    message: str
    claimed_latex: str = ""
    expected_latex: str | None = None
    evidence: str = ""
    counterexample: Counterexample | None = None
    diagnosis: str | None = None
    proven: bool = False
    steps: list[StepResult] = field(default_factory=list)
    title: str | None = None
    collection: str | None = None
    corrected_latex: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `verify --format json` (field names never change; add freely)."""
        return {
            "exercise": self.exercise,
            "claim": self.claim,
            "verdict": self.verdict.value,
            "file": self.location.file,
            "line": self.location.line,
            "message": self.message,
            "claimed_latex": self.claimed_latex,
            "expected_latex": self.expected_latex,
            "evidence": self.evidence,
            "counterexample": self.counterexample.to_dict() if self.counterexample else None,
            "diagnosis": self.diagnosis,
            "proven": self.proven,
            "steps": [
                {"index": s.index, "latex": s.latex, "verdict": s.verdict.value, "message": s.message}
                for s in self.steps
            ],
            "title": self.title,
            "collection": self.collection,
            "spec_file": self.location.spec_file,
            "spec_line": self.location.spec_line,
            "corrected_latex": self.corrected_latex,
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ClaimResult:
        """Inverse of `to_dict`, for reports rendered from a saved JSON file."""
        cx = data.get("counterexample")
        return ClaimResult(
            exercise=data["exercise"],
            claim=data["claim"],
            verdict=Verdict(data["verdict"]),
            location=Location(
                file=data.get("file"),
                line=data.get("line"),
                spec_file=data.get("spec_file"),
                spec_line=data.get("spec_line"),
            ),
            message=data.get("message", ""),
            claimed_latex=data.get("claimed_latex", ""),
            expected_latex=data.get("expected_latex"),
            evidence=data.get("evidence", ""),
            counterexample=Counterexample(**cx) if cx else None,
            diagnosis=data.get("diagnosis"),
            proven=bool(data.get("proven", False)),
            steps=[
                StepResult(s["index"], s["latex"], Verdict(s["verdict"]), s["message"])
                for s in data.get("steps", [])
            ],
            title=data.get("title"),
            collection=data.get("collection"),
            corrected_latex=data.get("corrected_latex"),
        )


@dataclass
class Report:
    """All results of one run, in a deterministic order."""

    results: list[ClaimResult]
    tool_version: str = ""
    seed: int = 0

    def summary(self) -> dict[str, Any]:
        counts = {v.value: 0 for v in Verdict}
        per_collection: dict[str, dict[str, int]] = {}
        for r in self.results:
            counts[r.verdict.value] += 1
            coll = r.collection or r.exercise.split("/")[0]
            per_collection.setdefault(coll, {v.value: 0 for v in Verdict})[r.verdict.value] += 1
        return {
            "claims": len(self.results),
            "exercises": len({r.exercise for r in self.results}),
            **counts,
            "by_collection": per_collection,
        }

    @property
    def exit_code(self) -> int:
        return 1 if any(r.verdict.is_failure for r in self.results) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": "derivcheck",
            "version": self.tool_version,
            "seed": self.seed,
            "summary": self.summary(),
            "results": [r.to_dict() for r in self.results],
        }


def result_as_plain(obj: Any) -> Any:
    """dataclass -> plain dict (for tests and debugging)."""
    return asdict(obj)

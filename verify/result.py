"""The one result type that flows from the checker into every output format.

Formats (text, json, github, sarif, junit, ...) only render these objects; they never
re-derive or re-judge anything.
"""

from __future__ import annotations

import math
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
    (r"^holds up to the factor\b|^not the density\b", "dropped normaliser"),
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
    """Where a claim is written: the notes file (as named by the spec), a 1-based line and column."""

    file: str | None
    line: int | None
    column: int | None = None
    spec_file: str | None = None
    spec_line: int | None = None


class ResultFormatError(ValueError):
    """A saved result (JSON) that is not what `to_dict` writes; the message names the field."""


@dataclass
class Counterexample:
    """A point where the claim and the derivation disagree, confirmed in high precision."""

    point: dict[str, Any]
    claimed: Any
    expected: Any

    def to_dict(self) -> dict[str, Any]:
        return {"point": self.point, "claimed": self.claimed, "expected": self.expected}

    @staticmethod
    def from_dict(data: Any, where: str = "counterexample") -> Counterexample:
        obj = _object(data, where, ("point", "claimed", "expected"))
        point = _object(obj["point"], f"{where}.point", ())
        for name, value in point.items():
            _scalar(value, f"{where}.point[{name!r}]")
        return Counterexample(point=dict(point), claimed=_scalar(obj["claimed"], f"{where}.claimed"),
                              expected=_scalar(obj["expected"], f"{where}.expected"))


@dataclass
class StepResult:
    """One '=' step of a chain: `lhs = rhs`, judged against the derivation."""

    index: int
    latex: str
    verdict: Verdict
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "latex": self.latex, "verdict": self.verdict.value, "message": self.message}

    @staticmethod
    def from_dict(data: Any, where: str) -> StepResult:
        obj = _object(data, where, ("index", "latex", "verdict", "message"))
        return StepResult(_typed(obj["index"], int, f"{where}.index"), _typed(obj["latex"], str, f"{where}.latex"),
                          _verdict(obj["verdict"], f"{where}.verdict"),
                          _typed(obj["message"], str, f"{where}.message"))


@dataclass
class PlotData:
    """The curves of a wrong claim near its counterexample, computed when the claim was checked.

    Plain numbers and strings, so a saved report carries them and the HTML report only draws them (it never
    re-derives anything). `x` is empty when there is nothing to draw, and `note` then says why; otherwise the
    note says what the x axis is. A value that is not finite at a sample (a pole) is None.
    """

    note: str
    x: list[float] = field(default_factory=list)
    claimed: list[float | None] = field(default_factory=list)
    derived: list[float | None] = field(default_factory=list)
    x0: float = 0.0  # the counterexample on the x axis, and the claimed and derived value there
    c0: float = 0.0
    e0: float = 0.0
    xlabel: str = ""
    ylabel: str = ""
    kinks_claimed: list[float] = field(default_factory=list)  # x positions of kinks and jumps
    kinks_derived: list[float] = field(default_factory=list)

    @property
    def drawable(self) -> bool:
        return bool(self.x)

    def to_dict(self) -> dict[str, Any]:
        if not self.drawable:
            return {"note": self.note}
        return {"note": self.note, "x": self.x, "claimed": self.claimed, "derived": self.derived,
                "x0": self.x0, "c0": self.c0, "e0": self.e0, "xlabel": self.xlabel, "ylabel": self.ylabel,
                "kinks_claimed": self.kinks_claimed, "kinks_derived": self.kinks_derived}

    @staticmethod
    def from_dict(data: Any, where: str = "plot") -> PlotData:
        obj = _object(data, where, ("note",))
        note = _typed(obj["note"], str, f"{where}.note")
        if "x" not in obj:
            return PlotData(note)
        obj = _object(data, where, ("x", "claimed", "derived", "x0", "c0", "e0", "xlabel", "ylabel",
                                    "kinks_claimed", "kinks_derived"))
        x = _numbers(obj["x"], f"{where}.x")
        curves = [_numbers(obj[k], f"{where}.{k}", missing=True) for k in ("claimed", "derived")]
        if any(len(c) != len(x) for c in curves):
            raise ResultFormatError(f"{where}: claimed, derived and x differ in length")
        return PlotData(note, x, curves[0], curves[1],
                        *(_number(obj[k], f"{where}.{k}") for k in ("x0", "c0", "e0")),
                        _typed(obj["xlabel"], str, f"{where}.xlabel"), _typed(obj["ylabel"], str, f"{where}.ylabel"),
                        _numbers(obj["kinks_claimed"], f"{where}.kinks_claimed"),
                        _numbers(obj["kinks_derived"], f"{where}.kinks_derived"))


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
    plot: PlotData | None = None  # None: the run computed no plot data (`verify --plots` does)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `verify --format json` (field names never change; add freely)."""
        return {
            "exercise": self.exercise,
            "claim": self.claim,
            "verdict": self.verdict.value,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "message": self.message,
            "claimed_latex": self.claimed_latex,
            "expected_latex": self.expected_latex,
            "evidence": self.evidence,
            "counterexample": self.counterexample.to_dict() if self.counterexample else None,
            "diagnosis": self.diagnosis,
            "proven": self.proven,
            "steps": [s.to_dict() for s in self.steps],
            "title": self.title,
            "collection": self.collection,
            "spec_file": self.location.spec_file,
            "spec_line": self.location.spec_line,
            "corrected_latex": self.corrected_latex,
            "plot": self.plot.to_dict() if self.plot is not None else None,
        }

    @staticmethod
    def from_dict(data: Any) -> ClaimResult:
        """Inverse of `to_dict`, for reports rendered from a saved JSON file (untrusted input).

        Every field is type-checked; ResultFormatError names the first one that is missing or of the wrong
        type. Fields added to the contract later (`column`, `plot`) may be absent: older reports lack them.
        """
        obj = _object(data, "result", _REQUIRED)
        opt_str = {k: _typed(obj[k], str, k, optional=True)
                   for k in ("file", "expected_latex", "diagnosis", "title", "collection", "spec_file",
                             "corrected_latex")}
        opt_int = {k: _typed(obj.get(k), int, k, optional=True) for k in ("line", "column", "spec_line")}
        steps = _typed(obj["steps"], list, "steps")
        cx, plot = obj["counterexample"], obj.get("plot")
        return ClaimResult(
            exercise=_typed(obj["exercise"], str, "exercise"),
            claim=_typed(obj["claim"], str, "claim"),
            verdict=_verdict(obj["verdict"], "verdict"),
            location=Location(file=opt_str["file"], line=opt_int["line"], column=opt_int["column"],
                              spec_file=opt_str["spec_file"], spec_line=opt_int["spec_line"]),
            message=_typed(obj["message"], str, "message"),
            claimed_latex=_typed(obj["claimed_latex"], str, "claimed_latex"),
            expected_latex=opt_str["expected_latex"],
            evidence=_typed(obj["evidence"], str, "evidence"),
            counterexample=Counterexample.from_dict(cx) if cx is not None else None,
            diagnosis=opt_str["diagnosis"],
            proven=_typed(obj["proven"], bool, "proven"),
            steps=[StepResult.from_dict(s, f"steps[{k}]") for k, s in enumerate(steps)],
            title=opt_str["title"],
            collection=opt_str["collection"],
            corrected_latex=opt_str["corrected_latex"],
            plot=PlotData.from_dict(plot) if plot is not None else None,
        )


# Fields every saved result has had since the first 0.x report; later additions are optional.
_REQUIRED = ("exercise", "claim", "verdict", "file", "line", "message", "claimed_latex", "expected_latex",
             "evidence", "counterexample", "diagnosis", "proven", "steps", "title", "collection", "spec_file",
             "spec_line", "corrected_latex")
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object"}


def _describe(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 30 else text[:27] + '...'}"


def _object(data: Any, where: str, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ResultFormatError(f"{where}: expected an object, not {_describe(data)}")
    missing = [k for k in required if k not in data]
    if missing:
        raise ResultFormatError(f"{where}: missing field {missing[0]!r}")
    return data


def _typed(value: Any, kind: type, where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    # bool is an int in Python, but `"line": true` is not a line number.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = _TYPE_NAMES.get(kind, kind.__name__) + (" or null" if optional else "")
        raise ResultFormatError(f"{where}: expected {expected}, not {_describe(value)}")
    return value


def _verdict(value: Any, where: str) -> Verdict:
    try:
        return Verdict(_typed(value, str, where))
    except ValueError:
        raise ResultFormatError(f"{where}: unknown verdict {value!r}") from None


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ResultFormatError(f"{where}: expected a finite number, not {_describe(value)}")
    return float(value)


def _numbers(value: Any, where: str, *, missing: bool = False) -> list[Any]:
    items = _typed(value, list, where)
    return [None if v is None and missing else _number(v, f"{where}[{k}]") for k, v in enumerate(items)]


def _scalar(value: Any, where: str) -> Any:
    """Counterexample values: numbers, or strings naming what differs (`{"entry": "3"}`)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ResultFormatError(f"{where}: expected a number or a string, not {_describe(value)}")
    return value


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

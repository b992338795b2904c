"""Output formats for a `Report`.

Every format lives in its own module with a `render(report, stream, *, root, notes_dir)` function.
Formats only render: verdicts, messages and counts come from the `Report` unchanged.

The helpers below are shared by several formats so that all of them agree on paths, collections
and how a counterexample is spelled.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path, PurePath
from typing import Any, TextIO

from verify.result import ClaimResult, Counterexample, Report, Verdict

# Public format names, in the order `--help` should list them.
FORMATS: tuple[str, ...] = ("text", "json", "github", "sarif", "junit", "concise")

# Module per format; `json` is renamed so it cannot shadow the standard library module.
_MODULES: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
    "concise": "concise",
}


def render(
    report: Report,
    fmt: str,
    *,
    stream: TextIO,
    root: Path | None = None,
    notes_dir: Path | None = None,
) -> None:
    """Write `report` to `stream` in format `fmt` (one of `FORMATS`).

    `notes_dir` is the directory the spec's notes file names are relative to; when given, paths
    are reported relative to `root` (the repository root, default: the current directory), which
    is what GitHub annotations and code scanning need.
    """
    if fmt not in _MODULES:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    # Imported lazily so that e.g. `--format json` never pays for importing rich.
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    module.render(report, stream, root=root, notes_dir=notes_dir)


def collection_of(result: ClaimResult) -> str:
    """The collection a claim is counted under (same rule as `Report.summary`)."""
    return result.collection or result.exercise.split("/")[0]


def _relative_to_root(path: PurePath | str, root: Path | None) -> str:
    # abspath normalises without touching the file system, so output does not depend on
    # symlinks or on whether the files exist (keeps snapshots and CI paths stable).
    base = os.path.abspath(root if root is not None else Path.cwd())
    return Path(os.path.relpath(os.path.abspath(path), base)).as_posix()


def finding_location(
    result: ClaimResult, *, root: Path | None = None, notes_dir: Path | None = None
) -> tuple[str | None, int | None]:
    """(path, line) to report for a claim, or (None, None) when nothing is known.

    The notes file is preferred. With `notes_dir` it is joined to it and made relative to
    `root`; without, it is reported as the spec names it. When the claim has no notes location
    (e.g. the claim was never found in the notes) the spec file is used instead, so that CI
    annotations still point somewhere useful; a relative spec path is kept as given.
    """
    loc = result.location
    if loc.file:
        if notes_dir is not None:
            return _relative_to_root(Path(notes_dir) / loc.file, root), loc.line
        return PurePath(loc.file).as_posix(), loc.line
    if loc.spec_file:
        spec = PurePath(loc.spec_file)
        path = _relative_to_root(spec, root) if spec.is_absolute() else spec.as_posix()
        return path, loc.spec_line
    return None, None


def format_value(value: Any) -> str:
    """A counterexample value as text (values may be numbers, strings or anything printable)."""
    if isinstance(value, float):
        # repr gives the shortest round-tripping form, independent of locale.
        return repr(value)
    return str(value)


def format_counterexample(cx: Counterexample, *, claimed: str = "claimed", derived: str = "derived") -> str:
    """`at x = 2, y = 0.5: claimed 1.0, derived 0.25` (point in the order the checker gave).

    `claimed` and `derived` label the two values (`equiv` compares `a =` with `b =`)."""
    point = ", ".join(f"{name} = {format_value(v)}" for name, v in cx.point.items())
    where = f"at {point}: " if point else ""
    return f"{where}{claimed} {format_value(cx.claimed)}, {derived} {format_value(cx.expected)}"


def non_correct(report: Report) -> list[ClaimResult]:
    """Results that produce a finding, in report order."""
    return [r for r in report.results if r.verdict is not Verdict.CORRECT]


def one_line(text: str) -> str:
    """Collapse all whitespace runs (including newlines) to single spaces."""
    return " ".join(text.split())


def detail_lines(result: ClaimResult) -> list[str]:
    """Labelled detail lines of a finding (claimed, derived, diagnosis, ...), empty parts omitted.

    Shared by everything that prints a body for a wrong claim (text, junit, the pytest plugin).
    """
    lines: list[str] = []
    if result.claimed_latex:
        lines.append(f"claimed: {result.claimed_latex}")
    if result.expected_latex:
        lines.append(f"derived: {result.expected_latex}")
    if result.diagnosis:
        lines.append(f"diagnosis: {result.diagnosis}")
    if result.counterexample is not None:
        lines.append(f"counterexample: {format_counterexample(result.counterexample)}")
    if result.corrected_latex:
        lines.append(f"suggested: {result.corrected_latex}")
    for step in result.steps:
        # Only the steps that went wrong explain the failure; correct ones are noise here.
        if step.verdict is not Verdict.CORRECT:
            lines.append(f"step {step.index} ({step.verdict.value}): {step.latex} -- {step.message}")
    return lines


__all__ = [
    "FORMATS",
    "render",
    "collection_of",
    "finding_location",
    "format_counterexample",
    "format_value",
    "non_correct",
    "one_line",
    "detail_lines",
]

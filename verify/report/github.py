"""GitHub Actions workflow commands: one annotation per non-correct claim.

See "Workflow commands for GitHub Actions" (`::error file=...,line=...,title=...::message`).
Wrong and ill-posed claims are errors (they fail `verify`); the others are warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from verify.report import finding_location, non_correct
from verify.result import ClaimResult, Report


def escape_data(text: str) -> str:
    """Escape a command's message ('%' first, so the escapes themselves are not re-escaped)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus ':' and ',' which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _message(result: ClaimResult) -> str:
    parts = [f"{result.verdict.value}: {result.message}".rstrip()]
    if result.expected_latex:
        parts.append(f"Derived: {result.expected_latex}")
    return "\n".join(parts)


def annotation(result: ClaimResult, *, root: Path | None = None, notes_dir: Path | None = None) -> str:
    """The workflow command line for one finding (without the trailing newline)."""
    command = "error" if result.verdict.is_failure else "warning"
    path, line = finding_location(result, root=root, notes_dir=notes_dir)
    props: list[tuple[str, str]] = []
    if path:
        props.append(("file", path))
        if line:
            props.append(("line", str(line)))
    props.append(("title", f"{result.exercise} {result.claim}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{command} {rendered}::{escape_data(_message(result))}"


def render(
    report: Report, stream: TextIO, *, root: Path | None = None, notes_dir: Path | None = None
) -> None:
    """Write one workflow command per non-correct claim, in report order."""
    for result in non_correct(report):
        stream.write(annotation(result, root=root, notes_dir=notes_dir) + "\n")

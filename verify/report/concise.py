"""One line per finding, `path:line:col: DC### message`, like compilers and linters print.

Editors and problem matchers can jump to these lines. Unknown lines and columns are reported as 1
(the format needs numbers); a finding without any file is reported under `<unknown>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from verify.report import finding_location, non_correct, one_line
from verify.result import FINDING_CODES, ClaimResult, Report

UNKNOWN_PATH = "<unknown>"


def _line_for(result: ClaimResult, path: str | None, line: int | None) -> tuple[str, int, str]:
    col = result.location.column if result.location.file and result.location.column else 1
    text = f"{result.verdict.value} [{result.exercise} {result.claim}] {one_line(result.message)}".rstrip()
    if result.expected_latex:
        text += f" (derived: {one_line(result.expected_latex)})"
    shown = path or UNKNOWN_PATH
    return shown, line or 1, f"{shown}:{line or 1}:{col}: {FINDING_CODES[result.verdict]} {text}"


def render(
    report: Report, stream: TextIO, *, root: Path | None = None, notes_dir: Path | None = None
) -> None:
    """Write the findings sorted by path, then line (ties keep report order: the sort is stable)."""
    rows = [_line_for(r, *finding_location(r, root=root, notes_dir=notes_dir)) for r in non_correct(report)]
    for _path, _line, text in sorted(rows, key=lambda row: (row[0], row[1])):
        stream.write(text + "\n")

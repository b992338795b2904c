"""`grade --feedback`: one HTML folder per student, `OUT/feedback/<student>/`, built by the report builder of
`derivcheck report --html` from that student's results (verdict, counterexample, diagnosis, derived value).

For a folder of notes the student's own file is shown with the verdicts beside the formulas; for JSONL and CSV
the answers are listed. The results of the class are grouped by student in memory here (unlike the rest of
grading, which streams).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from verify.grade.output import read_results
from verify.report.html.builder import write_html_report
from verify.result import ClaimResult, Report

FEEDBACK = "feedback"


def student_folder(student: str) -> str:
    """A file-system-safe folder name for a student id (distinct ids stay distinct: see `write_feedback`)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"


def _located(result: ClaimResult, folder: Path | None) -> ClaimResult:
    """The result with its file named inside the submissions folder (where the builder reads notes), or none."""
    file = result.location.file
    if folder is None or file is None:
        return replace(result, location=replace(result.location, file=None))
    try:
        inside = Path(file).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        inside = None
    return replace(result, location=replace(result.location, file=inside))


def write_feedback(out: Path, results_file: Path, *, notes_folder: Path | None, version: str = "") -> int:
    """One report folder per student under `out/feedback`; the number written."""
    by_student: dict[str, list[ClaimResult]] = {}
    for data in read_results(results_file):
        by_student.setdefault(data["student"], []).append(_located(ClaimResult.from_dict(data), notes_folder))
    used: set[str] = set()
    for student in sorted(by_student):
        name, k = student_folder(student), 2
        while name in used:
            name, k = f"{student_folder(student)}-{k}", k + 1
        used.add(name)
        results = sorted(by_student[student], key=lambda r: (r.exercise, r.claim))
        write_html_report(Report(results=results, tool_version=version), out / FEEDBACK / name,
                          notes_dir=notes_folder)
    return len(by_student)


__all__ = ["FEEDBACK", "student_folder", "write_feedback"]

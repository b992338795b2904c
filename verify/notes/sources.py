"""`derivcheck check-sources`: every claim's quoted LaTeX is found at its stated line of the notes.

Whitespace-insensitive; `\\boxed{`, `&` alignment marks and trailing punctuation are ignored, since specs
drop them when quoting. Drift is reported with the line where the quote actually is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from derive.spec.model import ExerciseSpec

_DROPPED = ("\\boxed{", "&")


def normalise(text: str) -> str:
    out = "".join(text.split())
    for token in _DROPPED:
        out = out.replace(token, "")
    return out.rstrip(".,;")


@dataclass
class SourceProblem:
    exercise: str
    claim: str
    spec_file: str
    spec_line: int
    message: str

    def __str__(self) -> str:
        return f"{self.spec_file}:{self.spec_line}: {self.exercise} {self.claim}: {self.message}"


def check_sources(exercises: list[ExerciseSpec], notes_dir: Path) -> tuple[int, list[SourceProblem]]:
    """(number of claims checked, problems found)."""
    cache: dict[Path, list[str] | None] = {}
    problems: list[SourceProblem] = []
    checked = 0
    for ex in exercises:
        for claim in ex.claims:
            notes = claim.notes or ex.notes
            if notes is None or claim.line is None:
                problems.append(SourceProblem(ex.id, claim.id, ex.spec_file, claim.spec_line,
                                              "no notes file or line given"))
                continue
            path = notes_dir / notes
            if path not in cache:
                try:
                    cache[path] = [normalise(x) for x in path.read_text(encoding="utf-8").splitlines()]
                except OSError:
                    cache[path] = None
            lines = cache[path]
            checked += 1
            if lines is None:
                problems.append(SourceProblem(ex.id, claim.id, ex.spec_file, claim.spec_line,
                                              f"notes file {path} not found"))
                continue
            quote = normalise(claim.latex)
            if 1 <= claim.line <= len(lines) and quote in lines[claim.line - 1]:
                continue
            found = [n for n, text in enumerate(lines, 1) if quote and quote in text]
            if found:
                where = ", ".join(map(str, found[:5]))
                msg = f"quote is not on line {claim.line} of {notes}; it is on line {where}"
            else:
                msg = f"quote not found in {notes} (stated line {claim.line})"
            problems.append(SourceProblem(ex.id, claim.id, ex.spec_file, claim.spec_line, msg))
    return checked, problems

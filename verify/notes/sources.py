"""`derivcheck check-sources`: every claim's quoted LaTeX is found at its stated line of the notes.

A notes file that cannot be read (missing, outside the notes folder, not UTF-8) is bad input, not drift:
NotesReadError, one line.

Matching is the quote matcher's (`quotes.py`: whitespace, `\\boxed{...}`, `&` and trailing punctuation are
ignored, since specs drop them when quoting). Drift is reported with the lines where the quote actually is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from derive.spec.model import ExerciseSpec
from verify.notes.files import read_notes_or_explain
from verify.notes.quotes import NotesText


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
    """(number of quotes checked, problems found): every claim's and every `definitions:` entry's quote.
    NotesReadError for notes that cannot be read."""
    cache: dict[str, NotesText] = {}
    problems: list[SourceProblem] = []
    checked = 0
    for ex in exercises:
        quotes = [(c.id, c.notes, c.line, c.latex, c.spec_line) for c in ex.claims]
        quotes += [(f"definition (line {d.line})", d.notes, d.line, d.latex, d.spec_line) for d in ex.definitions]
        for name, own_notes, line, latex, spec_line in quotes:
            notes = own_notes or ex.notes
            if notes is None or line is None:
                problems.append(SourceProblem(ex.id, name, ex.spec_file, spec_line, "no notes file or line given"))
                continue
            if notes not in cache:
                cache[notes] = NotesText(read_notes_or_explain(notes_dir, notes))
            text = cache[notes]
            checked += 1
            if text.at_line(latex, line) is not None:
                continue
            found = list(dict.fromkeys(m.line for m in text.occurrences(latex)))
            if found:
                where = ", ".join(map(str, found[:5]))
                msg = f"quote is not on line {line} of {notes}; it is on line {where}"
            else:
                msg = f"quote not found in {notes} (stated line {line})"
            problems.append(SourceProblem(ex.id, name, ex.spec_file, spec_line, msg))
    return checked, problems

"""Students' answers, read lazily from one of three forms; a malformed entry is a `BadLine`, never the end.

- **JSONL** (`.jsonl`, `.ndjson`): one object per line, `{"student", "exercise", "claim", "latex"}` (text
  each; other keys are ignored; blank lines are skipped).
- **CSV** (`.csv`, as an LMS exports it): a header row naming the columns `student`, `exercise`, `claim`,
  `latex` in any order (other columns are ignored), one answer per row; quoted fields may span lines.
- **A folder of notes**, one file per student (`.md`, `.markdown`, `.tex`; the student is the file's path in
  the folder without its suffix). Before each answer a marker line names the claim it answers:
  `<!-- derivcheck: udl/2.1#dL-dphi0 -->` (invisible in rendered Markdown) or `% derivcheck: udl/2.1#dL-dphi0`
  (a TeX comment); the answer is the first formula after the marker, before the next marker.

Readers yield in file order and hold one line (one file for a folder) at a time, so a submission file of any
size is never in memory. Nothing read here is evaluated: the LaTeX goes to the project's parser when graded.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from verify.exit_codes import UsageError
from verify.notes.math import find_math
from verify.notes.spans import LineIndex, normalize

FIELDS = ("student", "exercise", "claim", "latex")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
NOTES_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".tex": "tex"}

# `<!-- derivcheck: EXERCISE#CLAIM -->` or `% derivcheck: EXERCISE#CLAIM`, alone on its line.
_MARKER = re.compile(r"^[ \t]*(?:<!--[ \t]*derivcheck:[ \t]*(?P<md>\S*)[ \t]*-->|%[ \t]*derivcheck:[ \t]*(?P<tex>\S*))"
                     r"[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Answer:
    """One student's answer to one claim, and where it was read (`file:line`, for messages and results)."""

    student: str
    exercise: str
    claim: str
    latex: str
    file: str
    line: int

    @property
    def key(self) -> tuple[str, str, str]:
        return self.student, self.exercise, self.claim


@dataclass(frozen=True)
class BadLine:
    """A submission entry that cannot be graded: printed as `file:line: message`; the others still are."""

    file: str
    line: int
    message: str

    def text(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


Entry = Answer | BadLine


def submission_form(path: Path) -> str:
    """'folder', 'jsonl' or 'csv'; UsageError for anything else."""
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise UsageError("no such file or folder", where=str(path))
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise UsageError(f"not a submission file (grade reads a folder of notes, {', '.join(JSONL_SUFFIXES)} or "
                     f"{', '.join(CSV_SUFFIXES)})", where=str(path))


def read_submissions(path: Path) -> Iterator[Entry]:
    """Every answer (or bad entry) of a submission file or folder, in order, read lazily."""
    form = submission_form(path)
    if form == "folder":
        return read_folder(path)
    return read_jsonl(path) if form == "jsonl" else read_csv(path)


def _answer(values: dict[str, object], file: str, line: int) -> Entry:
    for name in FIELDS:
        if name not in values or values[name] is None:
            return BadLine(file, line, f"missing field {name!r} (an answer has {', '.join(FIELDS)})")
        if not isinstance(values[name], str):
            return BadLine(file, line, f"field {name!r} must be text, not {type(values[name]).__name__}")
    student, exercise, claim, latex = (str(values[n]).strip() for n in FIELDS)
    for name, value in (("student", student), ("exercise", exercise), ("claim", claim)):
        if not value:
            return BadLine(file, line, f"field {name!r} is empty")
    if not latex:
        return BadLine(file, line, "the answer (field 'latex') is empty")
    return Answer(student, exercise, claim, latex, file, line)


def _open_binary(path: Path) -> BinaryIO:
    """The submission file, opened for reading bytes (decoded line by line, so one bad line is reported)."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None


def read_jsonl(path: Path) -> Iterator[Entry]:
    file = str(path)
    with _open_binary(path) as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield BadLine(file, number, f"not UTF-8 text (invalid byte at column {exc.start + 1})")
                continue
            if not text.strip():
                continue
            try:
                values = json.loads(text)
            except ValueError as exc:
                yield BadLine(file, number, f"not a JSON object: {getattr(exc, 'msg', exc)}")
                continue
            if not isinstance(values, dict):
                yield BadLine(file, number, f"expected a JSON object with {', '.join(FIELDS)}, "
                                            f"not {type(values).__name__}")
                continue
            yield _answer(values, file, number)


def _decoded_lines(fh) -> Iterator[str]:
    # Undecodable bytes become lone surrogates, so one bad row is reported and the reader goes on.
    for raw in fh:
        yield raw.decode("utf-8", errors="surrogateescape")


def read_csv(path: Path) -> Iterator[Entry]:
    file = str(path)
    with _open_binary(path) as fh:
        rows = csv.reader(_decoded_lines(fh), strict=True)
        try:
            header = next(rows, None)
        except csv.Error as exc:
            raise UsageError(f"not CSV: {exc}", where=f"{file}:1") from None
        if header is None:
            return
        names = [h.strip().lstrip("\ufeff").lower() for h in header]
        missing = [n for n in FIELDS if n not in names]
        if missing:
            raise UsageError(f"the CSV header has no column {missing[0]!r} (columns needed: {', '.join(FIELDS)})",
                             where=f"{file}:{rows.line_num}")
        columns = {n: names.index(n) for n in FIELDS}
        while True:
            start = rows.line_num + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                # The reader cannot find the next row after a broken quote: report it and stop this file.
                yield BadLine(file, start, f"not CSV: {exc}")
                return
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < len(names):
                yield BadLine(file, start, f"{len(row)} columns where the header has {len(names)}")
                continue
            if any("\udc80" <= ch <= "\udcff" for n in FIELDS for ch in row[columns[n]]):
                yield BadLine(file, start, "not UTF-8 text")
                continue
            yield _answer({n: row[columns[n]] for n in FIELDS}, file, start)


def notes_files(folder: Path) -> list[Path]:
    """The notes files of a folder (and its subfolders), in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in NOTES_SUFFIXES and p.is_file())


def read_folder(folder: Path) -> Iterator[Entry]:
    for path in notes_files(folder):
        yield from read_notes_answers(path, student=path.relative_to(folder).with_suffix("").as_posix())


def read_notes_answers(path: Path, *, student: str) -> Iterator[Entry]:
    """The marked answers of one student's notes file."""
    file = str(path)
    try:
        text = normalize(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        yield BadLine(file, 1, f"not UTF-8 text (invalid byte at offset {exc.start})")
        return
    except OSError as exc:
        yield BadLine(file, 1, f"cannot read: {exc.strerror or exc}")
        return
    index = LineIndex(text)
    markers = [(index.locate(m.start())[0], index.locate(m.end())[0], m.group("md") or m.group("tex") or "")
               for m in _MARKER.finditer(text)]
    if not markers:
        yield BadLine(file, 1, "no answer marker (write `<!-- derivcheck: EXERCISE#CLAIM -->` or "
                               "`% derivcheck: EXERCISE#CLAIM` on the line before each answer)")
        return
    spans = find_math(text, kind=NOTES_SUFFIXES[path.suffix.lower()])
    for k, (line, end_line, target) in enumerate(markers):
        exercise, sep, claim = target.rpartition("#")
        if not sep or not exercise or not claim:
            yield BadLine(file, line, f"marker {target!r} must name EXERCISE#CLAIM (e.g. udl/2.1#dL-dphi0)")
            continue
        limit = markers[k + 1][0] if k + 1 < len(markers) else None
        formula = next((s for s in spans if s.line > end_line and (limit is None or s.line < limit)), None)
        if formula is None:
            yield BadLine(file, line, f"marker {target!r} has no formula after it"
                                      + (" before the next marker" if limit else ""))
            continue
        yield _answer({"student": student, "exercise": exercise, "claim": claim, "latex": formula.latex},
                      file, formula.line)


__all__ = ["FIELDS", "Answer", "BadLine", "Entry", "notes_files", "read_csv", "read_folder", "read_jsonl",
           "read_notes_answers", "read_submissions", "submission_form"]

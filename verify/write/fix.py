"""`derivcheck fix`: corrected copies of the notes, every wrong claim replaced by the derived answer.

A chain keeps its correct steps and is rewritten from the first wrong one; an HTML comment after the
formula names the exercise and what changed. The input is never written; the output is written
atomically; each replacement is re-checked and only kept when it verifies correct.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from derive.lower.definitions import build_declarations
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.notes.files import notes_path
from verify.notes.quotes import NotesText
from verify.result import ClaimResult, Verdict
from verify.run.check import check_one


@dataclass
class Correction:
    exercise: str
    claim: str
    notes: str
    line: int
    old: str
    new: str
    note: str


def split_top_level(latex: str, sep: str = "=") -> list[str]:
    """Split a quote at relation signs outside any group: `A = B = C` -> [A, B, C]."""
    parts, depth, start = [], 0, 0
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == sep and depth == 0 and latex[i - 1:i] not in ("<", ">", "!", ":"):
            parts.append(latex[start:i])
            start = i + 1
        i += 1
    parts.append(latex[start:])
    return parts


def corrected_quote(claim: ClaimSpec, result: ClaimResult) -> str | None:
    """The quote with the first wrong step (and what follows) replaced by the derived answer."""
    derived = result.corrected_latex or result.expected_latex
    if not derived:
        return None
    sides = split_top_level(claim.latex)
    wrong = next((s.index for s in result.steps if s.verdict is Verdict.WRONG), None)
    if len(sides) == 1 or wrong is None:
        if len(sides) > 1:
            return "=".join([*sides[:-1], f" {derived}"])
        return derived
    # Step indices count the compared sides; a label side (e.g. dL/dphi) is not counted.
    offset = len(sides) - len(result.steps) if len(result.steps) < len(sides) else 0
    keep = sides[: offset + wrong - 1]
    return "=".join([*keep, f" {derived}"])


def plan_corrections(exercises: list[ExerciseSpec], results: list[ClaimResult], *, seed: int) -> list[Correction]:
    by_key = {(r.exercise, r.claim): r for r in results}
    out: list[Correction] = []
    for ex in exercises:
        decls = None
        for claim in ex.claims:
            r = by_key.get((ex.id, claim.id))
            if r is None or r.verdict is not Verdict.WRONG or claim.line is None:
                continue
            new = corrected_quote(claim, r)
            if new is None:
                continue
            decls = decls or build_declarations(ex)
            recheck = check_one(ex, replace(claim, latex=new), decls, seed=seed)
            if recheck.verdict is not Verdict.CORRECT:
                continue  # never write a "correction" the tool cannot confirm
            out.append(Correction(ex.id, claim.id, claim.notes or ex.notes or "", claim.line, claim.latex, new,
                                  r.diagnosis or r.message))
    return out


def apply_corrections(text: str, corrections: list[Correction]) -> tuple[str, list[Correction]]:
    """`text` with each correction's quote, found at its stated line by the quote matcher, replaced; an HTML
    comment after the formula's last line names what changed. Quotes not found there are left alone."""
    notes = NotesText(text)
    spans: list[tuple[int, int, Correction]] = []
    for c in corrections:
        m = notes.at_line(c.old, c.line)
        if m is None or m.start == m.end or any(m.start < b and a < m.end for a, b, _ in spans):
            continue  # not found, nothing to replace, or overlapping a correction already placed
        spans.append((m.start, m.end, c))
    spans.sort(key=lambda s: s[0])
    pieces, pos, newlines = [], 0, 0
    comments: dict[int, list[str]] = {}  # line of the corrected text -> what changed there
    for start, end, c in spans:
        pieces += [text[pos:start], c.new]
        newlines += text.count("\n", pos, start) + c.new.count("\n")
        pos = end
        # After the line where the replacement ends, in the corrected text.
        comments.setdefault(newlines + 1, []).append(f"{c.exercise} {c.claim}: {c.note}")
    pieces.append(text[pos:])
    lines = "".join(pieces).split("\n")
    for line_no in sorted(comments, reverse=True):
        comment = "<!-- derivcheck corrected: " + "; ".join(comments[line_no]).replace("--", "- -") + " -->"
        lines.insert(line_no, comment)
    return "\n".join(lines), [c for _, _, c in spans]


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fix_notes(corrections: list[Correction], notes_dir: Path, out_dir: Path | None, *,
              dry_run: bool) -> tuple[list[str], list[Correction]]:
    """Returns (diff lines or written paths, corrections actually applied)."""
    report: list[str] = []
    applied_all: list[Correction] = []
    for notes in sorted({c.notes for c in corrections}):
        src = notes_path(notes_dir, notes)  # NotesPathError (a ValueError) for a name outside the folder
        original = src.read_text(encoding="utf-8")
        fixed, applied = apply_corrections(original, [c for c in corrections if c.notes == notes])
        applied_all.extend(applied)
        if dry_run:
            report.extend(difflib.unified_diff(original.splitlines(), fixed.splitlines(), f"a/{notes}", f"b/{notes}",
                                               lineterm=""))
        else:
            assert out_dir is not None
            dest = notes_path(out_dir, notes)  # written inside --out, whatever the spec names
            if dest == src:
                raise ValueError("--out must not be the notes folder: fix never writes into its input")
            write_atomically(dest, fixed)
            report.append(str(dest))
    return report, applied_all

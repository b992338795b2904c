"""`derivcheck fix`: corrected copies of the notes, every wrong claim replaced by the derived answer.

A chain keeps its correct steps and is rewritten from the first wrong one; an HTML comment after the
formula names the exercise and what changed. The input is never written; the output is written
atomically; each replacement is re-checked and only kept when it verifies correct.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from derive.lower.definitions import build_declarations
from derive.spec.model import ClaimSpec, ExerciseSpec
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


def _locate(line: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` sits in `line`, ignoring whitespace differences."""
    at = line.find(quote)
    if at >= 0:
        return at, at + len(quote)
    chars = [re.escape(c) for c in quote if not c.isspace()]
    if not chars:
        return None
    m = re.search(r"\s*".join(chars), line)
    return (m.start(), m.end()) if m else None


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
    lines = text.split("\n")
    applied = []
    for c in corrections:
        if not 1 <= c.line <= len(lines):
            continue
        line = lines[c.line - 1]
        span = _locate(line, c.old)
        if span is None:
            continue
        a, b = span
        lines[c.line - 1] = line[:a] + c.new + line[b:]
        applied.append(c)
    notes = {}
    for c in applied:
        notes.setdefault(c.line, []).append(f"{c.exercise} {c.claim}: {c.note}")
    for line_no in sorted(notes, reverse=True):
        comment = "<!-- derivcheck corrected: " + "; ".join(notes[line_no]).replace("--", "- -") + " -->"
        lines.insert(line_no, comment)
    return "\n".join(lines), applied


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
        src = notes_dir / notes
        original = src.read_text(encoding="utf-8")
        fixed, applied = apply_corrections(original, [c for c in corrections if c.notes == notes])
        applied_all.extend(applied)
        if dry_run:
            report.extend(difflib.unified_diff(original.splitlines(), fixed.splitlines(), f"a/{notes}", f"b/{notes}",
                                               lineterm=""))
        else:
            assert out_dir is not None
            dest = out_dir / notes
            if dest.resolve() == src.resolve():
                raise ValueError("--out must not be the notes folder: fix never writes into its input")
            write_atomically(dest, fixed)
            report.append(str(dest))
    return report, applied_all

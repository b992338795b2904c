"""`derivcheck fix`: corrected copies of the notes, every wrong claim replaced by the derived answer in the
claim's own form, and re-anchored copies of the specs, so the fixed notes can be verified again.

1. `plan_corrections`: for each wrong claim, the rewrites of its quote (`rewrite.py`: the first wrong side on
   replaced, numbers at their printed precision, environments kept, no internal names); each candidate is
   re-checked, through the runner's workers and limits, in a copy of its exercise that carries the other
   corrections, and the first that verifies `correct` is kept. A claim with none is left as written, with the
   reason.
2. `apply_corrections`: each kept rewrite put where the quote matcher finds the claim at its stated line (only
   the rewritten piece changes: `\\boxed{`, `&`, line breaks and numbers' spacing around it stay), the piece's
   braces and environments checked to leave the formula around it intact, and a comment after the block naming
   the exercise and the change (`<!-- ... -->` in Markdown, `% ...` in TeX).
3. `fix_notes`: every notes file the specs name is written to the output folder (corrected or not, so the copy
   is complete), with the original's file mode, atomically; `respec.py` writes the spec copies whose `line:`
   (and, for corrected claims, `latex:`) point into the corrected notes.

Round trip: `derivcheck verify OUT/specs --notes-dir OUT` re-checks the corrected notes (every corrected claim
verifies) and `derivcheck check-sources OUT/specs --notes-dir OUT` finds every quote at its line.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from derive.spec.model import ExerciseSpec
from verify.notes.files import notes_path, read_notes_or_explain
from verify.notes.math import find_math
from verify.notes.quotes import NotesText
from verify.result import ClaimResult, Verdict
from verify.run.runner import RunOptions, check_claims
from verify.write.rewrite import Refused, Rewrite, known_words, rewrites, split_top_level, structure

_TEX_SUFFIXES = (".tex",)


@dataclass
class Correction:
    exercise: str
    claim: str
    notes: str
    line: int
    old: str
    new: str
    note: str
    rewrite: Rewrite | None = None


@dataclass
class LeftAlone:
    """A wrong claim `fix` does not rewrite, and why."""

    exercise: str
    claim: str
    reason: str

    def __str__(self) -> str:
        return f"{self.exercise} {self.claim}: left as written: {self.reason}"


def _spec_text(ex: ExerciseSpec, cache: dict[str, str]) -> str:
    if ex.spec_file not in cache:
        try:
            cache[ex.spec_file] = Path(ex.spec_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            cache[ex.spec_file] = ""
    return cache[ex.spec_file]


def plan_corrections(exercises: list[ExerciseSpec], results: list[ClaimResult], notes_dir: Path,
                     opts: RunOptions, progress: Callable[[int, int], None] | None = None,
                     ) -> tuple[list[Correction], list[LeftAlone]]:
    """The corrections that re-verify, and the wrong claims left alone (with the reason)."""
    by_key = {(r.exercise, r.claim): r for r in results}
    texts: dict[str, str] = {}
    candidates: dict[tuple[int, int], list[Rewrite]] = {}
    left: list[LeftAlone] = []
    for n, ex in enumerate(exercises):
        for k, claim in enumerate(ex.claims):
            r = by_key.get((ex.id, claim.id))
            if r is None or r.verdict is not Verdict.WRONG or claim.line is None:
                continue
            notes = claim.notes or ex.notes
            if not notes:
                left.append(LeftAlone(ex.id, claim.id, "no notes file named"))
                continue
            if notes not in texts:
                texts[notes] = read_notes_or_explain(notes_dir, notes)
            known = known_words(texts[notes] + "\n" + _spec_text(ex, texts))
            try:
                candidates[(n, k)] = rewrites(claim, r, known)
            except Refused as exc:
                left.append(LeftAlone(ex.id, claim.id, str(exc)))
    accepted: dict[tuple[int, int], Rewrite] = {}
    round_ = 0
    while True:
        trying = {key: options[round_] for key, options in candidates.items()
                  if key not in accepted and round_ < len(options)}
        if not trying:
            break
        _recheck(exercises, accepted, trying, opts, progress)
        round_ += 1
    corrections = []
    for (n, k) in sorted(candidates):
        ex, claim = exercises[n], exercises[n].claims[k]
        if (n, k) not in accepted:
            left.append(LeftAlone(ex.id, claim.id, "no rewrite of the claim re-verified correct"))
            continue
        rw = accepted[(n, k)]
        r = by_key[(ex.id, claim.id)]
        corrections.append(Correction(ex.id, claim.id, claim.notes or ex.notes or "", claim.line or 0, claim.latex,
                                      rw.apply(claim.latex), r.diagnosis or r.message, rw))
    return corrections, left


def _recheck(exercises: list[ExerciseSpec], accepted: dict[tuple[int, int], Rewrite],
             trying: dict[tuple[int, int], Rewrite], opts: RunOptions,
             progress: Callable[[int, int], None] | None) -> None:
    """Check `trying` in copies of their exercises that carry every correction accepted or tried; move those
    that verify correct into `accepted`."""
    touched = sorted({n for n, _ in trying})
    copies, selections = [], []
    for n in touched:
        ex = exercises[n]
        claims = list(ex.claims)
        for (m, k), rw in [*accepted.items(), *trying.items()]:
            if m == n:
                claims[k] = replace(claims[k], latex=rw.apply(claims[k].latex))
        copies.append(replace(ex, claims=claims))
        selections.append(sorted(k for m, k in trying if m == n))
    found = check_claims(copies, selections, replace(opts, plots=False, cache_dir=None), progress=progress)
    for n, sel, results in zip(touched, selections, found, strict=True):
        for k, result in zip(sel, results, strict=True):
            if result.verdict is Verdict.CORRECT:
                accepted[(n, k)] = trying[(n, k)]


@dataclass(frozen=True)
class Edits:
    """Replacements (start, end, text) of a text, sorted and not overlapping; insertions have start == end."""

    items: tuple[tuple[int, int, str], ...]

    def apply(self, text: str) -> str:
        pieces, pos = [], 0
        for start, end, new in self.items:
            pieces += [text[pos:start], new]
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces)

    def map(self, offset: int) -> int:
        """Where an offset of the original text is in the edited one (inside a replacement: its start)."""
        shift = 0
        for start, end, new in self.items:
            if start == end:
                if offset >= start:
                    shift += len(new)
            elif offset >= end:
                shift += len(new) - (end - start)
            elif offset >= start:
                return start + shift
        return offset + shift

    def map_end(self, end_offset: int) -> int:
        """Where the end (exclusive) of a span of the original text is in the edited one."""
        for start, end, new in self.items:
            if start < end and start < end_offset <= end:
                return self.map(start) + len(new)
        return self.map(end_offset - 1) + 1

    def touches(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in self.items if s < e)


def _numbers_replaced(region: str, rw: Rewrite) -> str:
    """The notes' own text of the rewritten piece with its printed numbers replaced (their spelling kept)."""
    assert rw.numbers is not None
    pieces, pos, found = [], 0, 0
    for m in re.finditer(r"(?<![\w.^_])-?\d+(?:\.\d+)?(?![\w.])", region):
        if found >= len(rw.numbers) or m.group(0) != rw.numbers[found][0]:
            return rw.text   # spelled otherwise in the notes: the quote's spelling
        pieces += [region[pos:m.start()], rw.numbers[found][1]]
        pos, found = m.end(), found + 1
    pieces.append(region[pos:])
    return "".join(pieces) if found == len(rw.numbers) else rw.text


def _block_end(lines: list[str], line: int, spans_end: dict[int, int]) -> int:
    """The last line of the block a corrected formula is in: the end of its math span, then of the paragraph,
    list or table around it (a comment line in the middle would split it)."""
    last = max(line, spans_end.get(line, line))
    while last < len(lines) and lines[last].strip():
        last += 1
    return last


def _comment(text: str, tex: bool, indent: str) -> str:
    if tex:
        return f"{indent}% derivcheck corrected: {text}"
    return f"{indent}<!-- derivcheck corrected: {text.replace('--', '- -')} -->"


def apply_corrections(text: str, corrections: list[Correction], *, tex: bool = False,
                      ) -> tuple[str, list[Correction], list[LeftAlone], Edits]:
    """`text` with each correction's rewritten piece in place and a comment after its block; the corrections
    applied, those that could not be (quote not at its line, overlapping another, would break the formula),
    and the edits (to re-anchor the specs)."""
    notes = NotesText(text)
    replacements: list[tuple[int, int, str, Correction]] = []
    left: list[LeftAlone] = []
    for c in corrections:
        m = notes.at_line(c.old, c.line)
        rw = c.rewrite or Rewrite(0, len(c.old), c.new)
        where = notes.part(m, c.old, rw.start, rw.end) if m is not None else None
        if where is None:
            left.append(LeftAlone(c.exercise, c.claim, f"the quote is not at line {c.line} of {c.notes}"))
            continue
        start, end = where
        if any(start < b and a < end for a, b, _, _ in replacements):
            left.append(LeftAlone(c.exercise, c.claim, "it overlaps another correction"))
            continue
        new = _numbers_replaced(text[start:end], rw) if rw.numbers else rw.text
        if structure(new) != structure(text[start:end]):
            left.append(LeftAlone(c.exercise, c.claim, "the rewrite would not fit the formula around it"))
            continue
        replacements.append((start, end, new, c))
    replacements.sort(key=lambda item: item[0])
    lines = text.split("\n")
    spans_end: dict[int, int] = {}
    for span in find_math(text, kind="tex" if tex else "markdown"):
        for ln in range(span.line, span.end_line + 1):
            spans_end[ln] = max(spans_end.get(ln, ln), span.end_line)
    comments: dict[int, list[str]] = {}   # last line of a block -> what changed in it
    for start, end, _, c in replacements:
        last = _block_end(lines, notes.line_of(max(start, end - 1)), spans_end)
        comments.setdefault(last, []).append(f"{c.exercise} {c.claim}: {c.note}")
    items = [(s, e, new) for s, e, new, _ in replacements]
    for last, notes_of in comments.items():
        line_text = lines[last - 1]
        indent = line_text[:len(line_text) - len(line_text.lstrip())]
        marker = re.match(r"\s*(?:[-*+]|\d+[.)])\s+", line_text)
        if marker:
            indent = " " * marker.end()
        comment = _comment("; ".join(notes_of), tex, indent)
        if last < len(lines):
            items.append((notes.line_start(last + 1), notes.line_start(last + 1), comment + "\n"))
        else:
            items.append((len(text), len(text), ("" if text.endswith("\n") else "\n") + comment + "\n"))
    edits = Edits(tuple(sorted(items, key=lambda item: (item[0], item[1]))))
    return edits.apply(text), [c for _, _, _, c in replacements], left, edits


def write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to `path` through a temporary file renamed into place, with `mode` (default 0644 less the
    umask, as for any new file) rather than the 0600 of a temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class FixedNotes:
    """One notes file after `fix`: its corrected text and the edits that made it."""

    name: str
    original: str
    text: str
    edits: Edits
    applied: list[Correction]
    mode: int


def fix_notes(corrections: list[Correction], notes_dir: Path, names: list[str],
              ) -> tuple[list[FixedNotes], list[LeftAlone]]:
    """Every notes file of `names` (read from `notes_dir`) with its corrections applied."""
    fixed: list[FixedNotes] = []
    left: list[LeftAlone] = []
    for name in sorted(set(names)):
        src = notes_path(notes_dir, name)
        original = read_notes_or_explain(notes_dir, name)
        text, applied, skipped, edits = apply_corrections(original, [c for c in corrections if c.notes == name],
                                                          tex=src.suffix.lower() in _TEX_SUFFIXES)
        left += skipped
        fixed.append(FixedNotes(name, original, text, edits, applied, stat.S_IMODE(src.stat().st_mode)))
    return fixed, left


def notes_diff(fixed: list[FixedNotes]) -> list[str]:
    """A unified diff of every corrected notes file (`--dry-run`)."""
    lines: list[str] = []
    for f in fixed:
        lines.extend(difflib.unified_diff(f.original.splitlines(), f.text.splitlines(), f"a/{f.name}",
                                          f"b/{f.name}", lineterm=""))
    return lines


def write_notes(fixed: list[FixedNotes], notes_dir: Path, out_dir: Path) -> list[Path]:
    """Each notes file inside `out_dir` under its own name, with the original's mode; never into the input."""
    written = []
    for f in fixed:
        src, dest = notes_path(notes_dir, f.name), notes_path(out_dir, f.name)
        if dest == src:
            raise ValueError("--out must not be the notes folder: fix never writes into its input")
        write_atomically(dest, f.text, f.mode)
        written.append(dest)
    return written


__all__ = ["Correction", "Edits", "FixedNotes", "LeftAlone", "apply_corrections", "fix_notes", "notes_diff",
           "plan_corrections", "split_top_level", "write_atomically", "write_notes"]

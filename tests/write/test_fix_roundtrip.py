"""`fix` on the bundled notes, end to end: the corrected notes and the re-anchored spec copies verify again.

The notes (`../shared/notes`) are only read; everything is written to a temporary folder. The session's checked
suite (`bundled_report`) stands in for fix's own first run, so only the re-checks of the corrections are new
work here.
"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from verify.claims.registry import load_suite
from verify.notes.math import find_math
from verify.notes.sources import check_sources
from verify.result import Report, Verdict
from verify.run.runner import RunOptions, run_suite
from verify.write.fix import fix_notes, plan_corrections, write_atomically, write_notes
from verify.write.respec import spec_copies
from verify.write.rewrite import structure

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT.parent / "shared" / "notes"

pytestmark = pytest.mark.skipif(not NOTES.is_dir(), reason="the bundled notes (../shared/notes) are not here")


@pytest.fixture(scope="module")
def fixed(bundled_report: Report, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("fixed")
    exercises = load_suite([ROOT / "exercises"])
    names = sorted({n for ex in exercises for n in [ex.notes, *(c.notes for c in ex.claims)] if n})
    corrections, left = plan_corrections(exercises, bundled_report.results, NOTES, RunOptions(timeout=20, jobs=2))
    notes, not_placed = fix_notes(corrections, NOTES, names)
    write_notes(notes, NOTES, out)
    for spec, text in spec_copies(exercises, notes).items():
        write_atomically(out / "specs" / spec.relative_to(ROOT / "exercises"), text,
                         stat.S_IMODE(spec.stat().st_mode))
    return out, exercises, notes, left + not_placed


def test_most_wrong_claims_are_corrected_and_the_rest_say_why(fixed, bundled_report):
    _, _, notes, left = fixed
    applied = [c for f in notes for c in f.applied]
    wrong = [r for r in bundled_report.results if r.verdict is Verdict.WRONG]
    assert len(applied) >= 45 and len(applied) + len(left) == len(wrong)
    assert all(item.reason for item in left)


def test_corrected_claims_verify_again_from_the_corrected_notes(fixed):
    out, _, notes, _ = fixed
    corrected = {(c.exercise, c.claim) for f in notes for c in f.applied}
    copies = [ex for ex in load_suite([out / "specs"]) if any(ex.id == e for e, _ in corrected)]
    report = run_suite(copies, RunOptions(timeout=20, jobs=2))
    verdicts = {(r.exercise, r.claim): r.verdict for r in report.results}
    assert {key: verdicts[key] for key in corrected if verdicts[key] is not Verdict.CORRECT} == {}
    # Every quote of the spec copies is at its stated line of the corrected notes (check-sources clean).
    checked, problems = check_sources(load_suite([out / "specs"]), out)
    assert checked > 500 and [str(p) for p in problems] == []


def test_files_keep_their_modes_and_the_input_is_untouched(fixed):
    out, exercises, notes, _ = fixed
    for f in notes:
        assert stat.S_IMODE((out / f.name).stat().st_mode) == stat.S_IMODE((NOTES / f.name).stat().st_mode)
        assert (NOTES / f.name).read_text(encoding="utf-8") == f.original
    for spec in {Path(ex.spec_file) for ex in exercises}:
        copy = out / "specs" / spec.relative_to(ROOT / "exercises")
        assert stat.S_IMODE(copy.stat().st_mode) == stat.S_IMODE(spec.stat().st_mode)


def _rewritten_spans(notes) -> list[tuple[str, str]]:
    """(original, corrected) LaTeX of every math span a correction changed, as a document writes it."""
    pairs = []
    for f in notes:
        if not f.applied:
            continue
        old_lines, new_lines = _line_starts(f.original), _line_starts(f.text)
        starts = {f.edits.map(old_lines[s.line - 1] + s.column - 1): s for s in find_math(f.original)}
        for s in find_math(f.text):
            old = starts.get(new_lines[s.line - 1] + s.column - 1)
            if old is not None and old.latex != s.latex:
                pairs.append((_displayed(old), _displayed(s)))
    return pairs


def _line_starts(text: str) -> list[int]:
    return [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]


def _displayed(span) -> str:
    if span.delimiter in ("$", "\\("):
        return f"${span.latex}$"
    if span.delimiter in ("$$", "\\["):
        return f"\\[{span.latex}\\]"
    env = f"\\begin{{{span.delimiter}}}{span.latex}\\end{{{span.delimiter}}}"
    # aligned, gathered, split sit inside a display; amsmath's own environments are displays themselves.
    return f"\\[{env}\\]" if span.delimiter.rstrip("*") in ("aligned", "gathered", "alignedat", "split") else env


def _compiles(formulas: list[str], folder: Path) -> bool:
    body = "\n\n".join(f"\\noindent {f}\\par" for f in formulas)
    doc = ("\\documentclass{article}\\usepackage{amsmath,amssymb,bm}\\pagestyle{empty}\n"
           f"\\begin{{document}}\n{body}\n\\end{{document}}\n")
    (folder / "f.tex").write_text(doc, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "f.tex"], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    return done.returncode == 0


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_every_rewritten_formula_compiles(fixed, tmp_path):
    _, _, notes, _ = fixed
    pairs = _rewritten_spans(notes)
    assert len(pairs) >= 30
    originals = [old for old, _ in pairs]
    assert _compiles(originals, tmp_path)   # the notes' own formulas compile: any failure is the rewrite's
    if not _compiles([new for _, new in pairs], tmp_path):
        broken = [new for _, new in pairs if not _compiles([new], tmp_path)]
        pytest.fail("rewritten formulas that do not compile:\n" + "\n".join(broken))


def test_rewrites_keep_the_claims_form(fixed):
    _, _, notes, _ = fixed
    for old, new in _rewritten_spans(notes):
        assert structure(new) == structure(old), (old, new)   # environments and groups as they were
        # No internal names of the tool, no 17-digit numbers in place of printed ones.
        assert not re.search(r"ellm1|_lit\d|Dummy|\\_", new), new
        assert not re.search(r"\d\.\d{9,}", new), new
    applied = {c.claim: c for f in notes for c in f.applied}
    # A printed number keeps its left side, its relation and its precision.
    approx = [c for c in applied.values() if re.fullmatch(r"[^=]*\\approx\s*-?\d+\.\d+[.,]?", c.old.strip())]
    assert approx
    for c in approx:
        assert c.new.split("\\approx")[0] == c.old.split("\\approx")[0]
        assert len(re.search(r"\.(\d+)\D*$", c.new).group(1)) == len(re.search(r"\.(\d+)\D*$", c.old).group(1))

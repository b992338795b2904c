"""`fix` keeps a claim's form: the sides before the first wrong one, `\\approx` and printed precision, units,
environments, bracket lists; it refuses internal names and concrete matrices for symbolic claims; the CLI keeps
file modes, writes re-anchored spec copies, reports progress on stderr and is silenced by -q."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from derive.spec.model import ClaimSpec
from verify.result import ClaimResult, Location, StepResult, Verdict
from verify.write.fix import Correction, apply_corrections
from verify.write.rewrite import Refused, known_words, rewrites, structure

ROOT = Path(__file__).resolve().parents[2]


def _claim(latex: str) -> ClaimSpec:
    return ClaimSpec(id="c", latex=latex, line=1, expect=None, spec_line=1)


def _wrong(derived: str, message: str = "differs", steps: list[int] | None = None) -> ClaimResult:
    return ClaimResult("t/1", "c", Verdict.WRONG, Location("notes.md", 1), message, corrected_latex=derived,
                       steps=[StepResult(k, "", Verdict.WRONG if k == steps[-1] else Verdict.CORRECT, "")
                              for k in (steps or [])])


def _first(latex: str, derived: str, message: str = "differs", steps: list[int] | None = None,
           known: str = "") -> str:
    return rewrites(_claim(latex), _wrong(derived, message, steps), known_words(latex + known))[0].apply(latex)


def test_approx_keeps_its_left_side_and_the_printed_precision():
    assert _first(r"\mathcal{L}^{(1)} \approx 1.1223", "1.123331114792667") == r"\mathcal{L}^{(1)} \approx 1.1233"
    assert _first(r"y = \gamma z + \beta = -0.848", "-0.84730569033861902", "step 1 of 1", [1]) == \
        r"y = \gamma z + \beta = -0.847"


def test_numbers_are_replaced_where_they_stand():
    # A bracket list stays a bracket list, a matrix environment stays one, a unit stays after its number.
    assert _first(r"\frac{\partial L}{\partial W} \approx [0.0289, 0.0425]",
                  r"\left[\begin{matrix}0.0080256524452617627 & 0.019183261310849554\end{matrix}\right]") == \
        r"\frac{\partial L}{\partial W} \approx [0.0080, 0.0192]"
    assert _first(r"W \approx \begin{bmatrix} 0.1 & 0.2 \\ 0.3 & 0.4 \end{bmatrix}",
                  r"\left[\begin{matrix}0.12 & 0.27\\0.31 & 0.48\end{matrix}\right]") == \
        r"W \approx \begin{bmatrix} 0.1 & 0.3 \\ 0.3 & 0.5 \end{bmatrix}"
    assert _first(r"\frac{20{,}000}{100} = 20 \text{ epochs}", "200", "off by factor", [1]) == \
        r"\frac{20{,}000}{100} = 200 \text{ epochs}"
    # Numbers that do not line up with the answer (an expression of them): the answer, at their precision.
    assert _first(r"= \frac{2.4652}{4} \approx 0.6163", "0.61658268202169064", "step 1 of 2: value", [1]) == \
        r"= 0.6166"


def test_the_environment_around_a_quote_is_kept():
    quote = r"\begin{aligned} y &= a + b \\ &\quad + c \end{aligned}"
    fixed = _first(quote, "a + 2 b")
    assert fixed == r"\begin{aligned} y &= a + 2 b \end{aligned}" and structure(fixed) == ((), ())


def test_internal_names_and_concrete_matrices_are_refused():
    with pytest.raises(Refused, match="names the notes do not"):
        _first(r"\frac{\partial L}{\partial W} = \Delta A^\top", r"\Delta A^{(\text{ellm1})}")
    with pytest.raises(Refused, match="concrete matrix"):
        _first(r"\Delta = \hat{Y} - Y", r"\left[\begin{matrix}Y_{11} - 1 & Y_{12}\end{matrix}\right]")
    # A name the notes use is fine.
    assert _first(r"s = \text{sig}[z]", r"\text{sig}[z] (1 - \text{sig}[z])") == r"s = \text{sig}[z] (1 - \text{sig}[z])"


def test_an_order_claim_stays_an_order_claim():
    assert _first(r"O(L \cdot n)", r"L n + n^{2} \left(L - 1\right)") == r"O(L n + n^{2} \left(L - 1\right))"


def test_the_rewritten_piece_keeps_boxed_and_alignment_marks_of_the_notes():
    notes = "Intro\n\n\\[\\frac{20{,}000}{100} = \\boxed{20 \\text{ epochs}}\\]\n\nEnd\n"
    quote = r"\frac{20{,}000}{100} = 20 \text{ epochs}"
    rw = rewrites(_claim(quote), _wrong("200", "off by factor", [1]), known_words(notes))[0]
    c = Correction("t/1", "c", "notes.md", 3, quote, rw.apply(quote), "off by factor 1/10", rw)
    text, applied, left, _ = apply_corrections(notes, [c])
    assert applied == [c] and left == []
    assert text.split("\n")[2] == r"\[\frac{20{,}000}{100} = \boxed{200 \text{ epochs}}\]"
    assert text.split("\n")[3] == "<!-- derivcheck corrected: t/1 c: off by factor 1/10 -->"


NOTES = "Intro\n\n\\[\\boxed{\\frac{d}{dz} z^3 = 3z^2 = 2z^2}\\]\n\nMiddle\n\n\\[ y = x^2 \\]\n\\[ f = z^3 \\]\n"
SPEC = r"""
notes: notes.md
exercises:
  - id: t/1
    given: {f: 'z^3'}
    definitions:
      - {line: 8, latex: 'f = z^3'}   # a definition's line moves too
    claims:
      - id: chain
        line: 3
        latex: '\frac{d}{dz} z^3 = 3z^2 = 2z^2'
        expect: 'diff(f, z)'
      - {id: square, line: 7, latex: 'y = x^2', expect: 'x^2'}   # a flow mapping: its line moves too
"""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_fix_cli_round_trip_modes_and_spec_copies(tmp_path: Path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.md").write_text(NOTES)
    os.chmod(tmp_path / "notes" / "notes.md", 0o640)
    (tmp_path / "ex").mkdir()
    (tmp_path / "ex" / "t.yaml").write_text(SPEC)
    os.chmod(tmp_path / "ex" / "t.yaml", 0o604)
    out = _cli("fix", "ex", "--notes-dir", "notes", "--out", "fixed", "-j", "2", "--no-cache", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE((tmp_path / "fixed" / "notes.md").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "fixed" / "specs" / "t.yaml").stat().st_mode) == 0o604
    spec = (tmp_path / "fixed" / "specs" / "t.yaml").read_text()
    assert "line: 8, latex: 'y" in spec   # below the comment line fix added after the corrected formula
    assert "{line: 9, latex: 'f = z^3'}" in spec
    assert spec.count("# a flow mapping") == 1   # the rest of the spec is as written
    # The round trip: the copies verify from the corrected notes, and every quote is at its line.
    again = _cli("verify", "fixed/specs", "--notes-dir", "fixed", "--no-cache", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    sources = _cli("check-sources", "fixed/specs", "--notes-dir", "fixed", cwd=tmp_path)
    assert sources.returncode == 0, sources.stdout + sources.stderr
    # -q: nothing on stderr.
    quiet = _cli("fix", "ex", "--notes-dir", "notes", "--out", "fixed2", "-q", "--no-cache", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""

"""check-sources: quotes found at their stated lines, drift reported with the real line (small notes of our own)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


NOTES = "Problem 1\n\nSome prose.\n\n\\[\\boxed{\\frac{d}{dz} z^2 = 3z}\\]\n\\[ y = x^2 \\]\n"
SPEC = r"""
notes: notes.md
exercises:
  - id: t/1
    claims:
      - id: deriv
        line: {line}
        latex: '\frac{{d}}{{dz}} z^2 = 3z'
        expect: 'diff(latex("z^2"), z)'
      - id: square
        line: 6
        latex: 'y = x^2'
        expect: 'x^2'
    definitions:
      - line: {def_line}
        latex: 'y = x^2'
"""


def setup(tmp_path, line=5, def_line=6):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.md").write_text(NOTES)
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "t.yaml").write_text(SPEC.format(line=line, def_line=def_line))
    return tmp_path


def cli(*args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_quotes_found_at_their_lines(tmp_path):
    out = cli("check-sources", "exercises", "--notes-dir", "notes", cwd=setup(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 quotes checked, 0 not at their stated line" in out.stderr


def test_drift_is_reported_with_the_real_line(tmp_path):
    out = cli("check-sources", "exercises", "--notes-dir", "notes", cwd=setup(tmp_path, line=3))
    assert out.returncode == 1
    assert "quote is not on line 3 of notes.md; it is on line 5" in out.stdout


def test_a_definition_off_its_line_is_drift_too(tmp_path):
    out = cli("check-sources", "exercises", "--notes-dir", "notes", cwd=setup(tmp_path, def_line=2))
    assert out.returncode == 1
    assert "t/1 definition (line 2): quote is not on line 2 of notes.md; it is on line 6" in out.stdout

"""`derivcheck fix`: corrected copies whose replacements verify, input untouched, atomic output."""

import subprocess
import sys
from pathlib import Path

from verify.write.fix import split_top_level

ROOT = Path(__file__).resolve().parents[2]

NOTES = "Intro\n\n\\[\\boxed{\\frac{d}{dz} z^3 = 3z^2 = 2z^2}\\]\n\nEnd\n"
SPEC = r"""
notes: notes.md
exercises:
  - id: t/1
    given: {f: 'z^3'}
    claims:
      - id: chain
        line: 3
        latex: '\frac{d}{dz} z^3 = 3z^2 = 2z^2'
        expect: 'diff(f, z)'
"""


def cli(*args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_split_top_level_ignores_nested_relations():
    assert split_top_level(r"a = \mathbb{1}[z = 0] = b") == ["a ", r" \mathbb{1}[z = 0] ", " b"]


def test_fix_replaces_from_first_wrong_step_and_keeps_input(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.md").write_text(NOTES)
    (tmp_path / "ex").mkdir()
    (tmp_path / "ex" / "t.yaml").write_text(SPEC)
    out = cli("fix", "ex", "--notes-dir", "notes", "--out", "fixed", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    fixed = (tmp_path / "fixed" / "notes.md").read_text().splitlines()
    assert fixed[2].startswith(r"\[\boxed{\frac{d}{dz} z^3 = 3z^2 = 3 z^{2}")
    assert "derivcheck corrected: t/1 chain" in fixed[3]
    assert (tmp_path / "notes" / "notes.md").read_text() == NOTES
    # The corrected formula verifies when quoted back into the spec.
    spec = SPEC.replace(r"'\frac{d}{dz} z^3 = 3z^2 = 2z^2'", "'" + fixed[2][len(r"\[\boxed{"):-len(r"}\]")] + "'")
    (tmp_path / "ex" / "t.yaml").write_text(spec)
    assert cli("verify", "ex", "--no-cache", cwd=tmp_path).returncode == 0


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.md").write_text(NOTES)
    (tmp_path / "t.yaml").write_text(SPEC)
    out = cli("fix", "t.yaml", "--notes-dir", "notes", "--dry-run", "--no-cache", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("--- a/notes.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "t.yaml"]


def test_fix_refuses_to_write_into_its_input(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.md").write_text(NOTES)
    (tmp_path / "t.yaml").write_text(SPEC)
    out = cli("fix", "t.yaml", "--notes-dir", "notes", "--out", "notes", cwd=tmp_path)
    assert out.returncode == 2 and (tmp_path / "notes" / "notes.md").read_text() == NOTES

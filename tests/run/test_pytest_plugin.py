"""The pytest plugin: spec claims collected as tests, failures reported with their message, -k selection."""

import subprocess
import sys

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
"""


def setup(tmp_path, line=5):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.md").write_text(NOTES)
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "t.yaml").write_text(SPEC.format(line=line))
    return tmp_path


def test_pytest_plugin_collects_claims_and_reports_failures(tmp_path):
    root = setup(tmp_path)
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "exercises", "-v"],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert "t/1::square PASSED" in out.stdout
    assert "t/1::deriv FAILED" in out.stdout
    assert "off by factor \\frac{3}{2}" in out.stdout and "counterexample" in out.stdout
    assert out.returncode == 1


def test_pytest_plugin_selects_with_k(tmp_path):
    root = setup(tmp_path)
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "exercises", "-k", "square"],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "1 passed, 1 deselected" in out.stdout

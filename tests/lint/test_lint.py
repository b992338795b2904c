"""`derivcheck lint`: planted errors are found at their line and column, right mathematics is left alone,
code is never read as math, and the command behaves like `verify` (formats, exit codes, starter spec)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from verify.lint.core import lint_file, lint_text

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "lint"
NOTES = ROOT.parent / "shared" / "notes"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def column_of(path: Path, line: int, occurrence: int) -> int:
    """1-based column of the n-th relation sign ` = ` on a line of a file (the '=' of the wrong step);
    the fixtures write relation signs with spaces around them and `=` in scripts without."""
    text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    at = -1
    for _ in range(occurrence):
        at = text.index(" = ", at + 1) if " = " in text[at + 1:] else text.index("&=", at + 1)
    return at + 2


def findings(outcome) -> list[tuple[int, int, str]]:
    return [(r.location.line, r.location.column, r.verdict.value) for r in outcome.findings]


# ---------------------------------------------------------------------------- planted errors
PLANTED = [
    # (section, line, which '=' on the line, words the diagnosis must contain)
    ("Wrong step", 7, 2, "differs by b^{2}"),
    ("Missing term", 13, 2, "missing term -2 x_{i} y_{i}"),
    ("Sign", 17, 2, "sign error"),
    ("Factor", 23, 1, "off by factor"),
    ("Wrong derivative of an earlier definition", 30, 1, "3 x^{2} - 2 is not 3 x^{2} - 2 x"),
    ("Arithmetic", 34, 1, "the left side is 22"),
]


@pytest.fixture(scope="module")
def planted():
    return lint_file(FIXTURES / "planted.md")


@pytest.mark.parametrize(("section", "line", "occurrence", "words"), PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_error_is_found_at_its_line_and_column(planted, section, line, occurrence, words):
    path = FIXTURES / "planted.md"
    hits = [r for r in planted.findings if r.exercise == section]
    assert len(hits) == 1, [(r.exercise, r.location.line, r.message) for r in planted.findings]
    r = hits[0]
    assert (r.location.line, r.location.column) == (line, column_of(path, line, occurrence))
    assert r.verdict.value == "wrong"
    assert words in r.message
    assert r.location.file == str(path)


def test_planted_errors_are_the_only_findings(planted):
    assert len(planted.findings) == len(PLANTED)
    assert planted.checked >= len(PLANTED)


def test_a_wrong_identity_carries_a_confirmed_counterexample(planted):
    for r in planted.findings:
        assert r.counterexample is not None
        if r.diagnosis != "arithmetic":
            assert "confirmed to 40 digits" in r.evidence


# ---------------------------------------------------------------------------- right mathematics
def test_tricky_but_right_document_gives_no_finding():
    outcome = lint_file(FIXTURES / "correct.md", explain=True)
    assert outcome.findings == [], [(r.location.line, r.message) for r in outcome.findings]
    text = "\n".join(outcome.explanations)
    assert "holds for positive values" in text                 # ReLU homogeneity: right for alpha > 0
    shift = [line for line in outcome.explanations if ":L13:" in line]
    assert len(shift) == 2 and all(" holds: " in line for line in shift)   # log-sum-exp shift: checked, held
    assert "L19:37 holds" in text and "L19:95 holds" in text    # both entries of the softmax Jacobian
    assert "L25:43 holds: 3 x^{2}" in text                      # the redefinition f = x^3 shadows f = x^2
    assert outcome.skipped["defined-later"] == 2                # `... = 2x cos(u)`, where u = x^2 comes after


@pytest.mark.parametrize("latex", [
    r"$$\text{ReLU}[\alpha z] = \max(0, \alpha z) = \alpha \max(0, z)$$",            # alpha > 0 unstated
    r"$$\log \sum_{j=1}^{n} e^{z_j} = m + \log \sum_{j=1}^{n} e^{z_j - m} = \log \sum_j e^{z_j}$$",
    r"$$\sqrt{x^2} = x = (x^{1/2})^2$$",                                              # true for x >= 0
    r"$$H = -\log(1/8) = 3 \text{ bits}$$",                                          # log base 2
    r"$$1000 \times 512 \times 4 = 2.048$$ MB",                                       # a unit outside
    r"$$\delta = 0.720 - 1 = -0.280 \quad (21.11)$$",                                 # an equation number
    r"$$\frac{1}{2}(a + b) c^2 = 1 \textrm{ or equivalently } c = \sqrt{\frac{2}{a + b}}$$",   # words
    r"$$\frac{df}{dx} = \frac{d}{dx} f = D_x f = f_x$$",                              # notation only
    r"$$z^{0} = (1) + (1) - (0) - 1.5 = 0.5$$",                                       # a layer label
    r"$$x = 3 + 1 = 4, \quad y = x^2 = 16$$",                                         # defined, then used
    r"The total is $1,000 \times 2 = 2,000$ samples.",                                # thousands separators
    r"$$1e-3 = 0.001 = 10^{-3}$$",                                                    # e is not Euler's
    r"$$\|x\|_2 = \sqrt{x_1^2 + x_2^2} = \sqrt{\sum_i x_i^2}$$",                        # range implied
    r"$$\frac{1}{n} \sum_{i=1}^{n} (x_i - \bar{x})^2 = \frac{1}{n}\sum_{i=1}^{n} x_i^2 - \bar{x}^2 = s^2$$",
    r"$$f(x) = x^2, \quad f(x + h) = x^2 + 2xh + h^2 = f(x) + 2xh + h^2$$",
    "Set $x = 1$.\n\n* $D\\ln(x) = 1/x.$",                                           # operator D, example x
])
def test_notation_that_only_looks_wrong_gives_no_finding(latex):
    outcome = lint_text(f"# Notes\n\n{latex}\n")
    assert outcome.findings == [], [(r.location.line, r.message) for r in outcome.findings]


def test_a_letter_before_brackets_is_a_product_only_when_that_can_only_help():
    right = lint_text("$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2} = \\frac{n^2 + n}{2}$$\n")
    assert right.checked == 2 and right.findings == []
    wrong = lint_text("$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2} = \\frac{n^2 - n}{2}$$\n")
    assert wrong.findings == [] and wrong.skipped["call-or-product"] == 1   # n(...) might be a function


def test_an_undefined_function_is_skipped_not_guessed():
    outcome = lint_text("$$g(x + 1) = g(x) + 1 = 2$$\n")
    assert outcome.findings == [] and outcome.checked == 0
    assert outcome.skipped["undefined-function"] >= 1


def test_scope_ends_at_the_next_heading():
    text = "# A\n\nLet $f(x) = x^2$.\n\n# B\n\n$$f'(x) = 3x^2$$\n"
    outcome = lint_text(text)
    assert outcome.findings == []   # f is not defined in section B: no verdict, not a guess


# ---------------------------------------------------------------------------- what is not math
def test_code_fences_and_inline_code_are_never_math():
    outcome = lint_file(FIXTURES / "code.md")
    assert outcome.spans == 1
    assert findings(outcome) == [(12, column_of(FIXTURES / "code.md", 12, 1), "wrong")]


def test_tex_input():
    path = FIXTURES / "planted.tex"
    outcome = lint_file(path)
    assert findings(outcome) == [(6, column_of(path, 6, 2), "wrong")]
    assert outcome.checked == 3   # the two steps of the equation and the inline arithmetic
    assert outcome.report.results[0].exercise == "Expansion"


# ---------------------------------------------------------------------------- the command
def test_exit_codes_formats_and_one_line_errors(tmp_path):
    clean = tmp_path / "clean.md"
    clean.write_text("# Clean\n\n$$(a+b)^2 = a^2 + 2ab + b^2 = b^2 + 2ab + a^2$$\n", encoding="utf-8")
    ok = run("lint", str(clean), "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["summary"]["correct"] == 2

    bad = run("lint", str(FIXTURES / "planted.md"), "--format", "concise")
    assert bad.returncode == 1
    first = bad.stdout.splitlines()[0]
    assert first.startswith(f"{FIXTURES / 'planted.md'}:7:{column_of(FIXTURES / 'planted.md', 7, 2)}: DC001 wrong")

    sarif = run("lint", str(FIXTURES / "planted.tex"), "--format", "sarif")
    assert sarif.returncode == 1 and json.loads(sarif.stdout)["runs"][0]["results"]

    for args, words in [(["lint", str(tmp_path / "missing.md")], "no such file"),
                        (["lint", str(ROOT / "pyproject.toml")], "not a notes file"),
                        (["lint", str(clean), "--format", "yaml"], "unknown format")]:
        proc = run(*args)
        assert proc.returncode == 2
        assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1 and words in proc.stderr
        assert "Traceback" not in proc.stderr


def test_explain_says_what_each_step_was_compared_with():
    path = FIXTURES / "planted.md"
    proc = run("lint", str(path), "--explain", "--format", "concise")
    assert proc.returncode == 1
    first, second = column_of(path, 7, 1), column_of(path, 7, 2)
    assert f"L7:{first} holds: \\left(a + b\\right)^{{2}} vs a^{{2}} + 2 a b + b^{{2}}" in proc.stderr
    assert f"L7:{second} WRONG: a^{{2}} + 2 a b + b^{{2}} vs a^{{2}} + 2 a b + 2 b^{{2}}" in proc.stderr
    assert "checked" in proc.stderr.splitlines()[-1]   # the per-file summary line


def test_suggest_spec_writes_a_spec_that_verify_loads(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "planted.md").write_text((FIXTURES / "planted.md").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "spec.yaml"
    proc = run("lint", str(notes / "planted.md"), "--suggest-spec", str(out), "--format", "concise")
    assert proc.returncode == 1
    spec = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert spec["version"] == 1 and spec["notes"] == "planted.md"
    missing = next(ex for ex in spec["exercises"] if ex["title"] == "Missing term")
    assert "L" in missing["given"] and missing["symbols"] == {"x": {"indexed": "i"}, "y": {"indexed": "i"}}
    verified = run("verify", str(out), "--notes-dir", str(notes), "--format", "json", "--no-cache")
    assert verified.returncode == 1, verified.stderr   # loads (not 2) and finds the planted errors too
    wrong = {r["line"] for r in json.loads(verified.stdout)["results"] if r["verdict"] == "wrong"}
    assert {7, 13, 17, 34} <= wrong


# ---------------------------------------------------------------------------- the real notes
@pytest.mark.skipif(not (NOTES / "udl-solutions.md").exists(), reason="../shared/notes/udl-solutions.md not present")
def test_udl_solutions_2_1_missing_terms_and_2_2_free_index_without_a_spec():
    outcome = lint_file(NOTES / "udl-solutions.md")
    got = {(r.location.line, r.verdict.value, r.exercise) for r in outcome.findings}
    assert (30, "wrong", "Problem 2.1") in got
    assert (38, "ill-posed", "Problem 2.2") in got
    by_line = [r for r in outcome.findings if r.location.line == 30]
    assert len(by_line) == 2 and all("missing term" in r.message for r in by_line)


def test_a_generic_function_after_an_example_definition_gives_no_finding():
    # `For instance, f(x) = x^2/2` and then the mean value theorem for any f, `for some \alpha`; an example
    # value used many formulas later.
    outcome = lint_file(FIXTURES / "generic.md")
    assert outcome.findings == [], [(r.location.line, r.message) for r in outcome.findings]
    assert outcome.skipped["existential"] == 1 and outcome.skipped["distant-definition"] == 1

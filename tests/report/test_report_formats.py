"""Output formats: one snapshot per format of the same fixture report, plus format-specific checks.

Update the snapshots after an intended change with:
    DERIVCHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/report/test_report_formats.py
and review the diff of tests/report/snapshots/.
"""

from __future__ import annotations

import io
import json
import os
import xml.dom.minidom
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.report import FORMATS, finding_location, render
from verify.report import text as text_report
from verify.report.github import escape_data, escape_property
from verify.result import (
    FINDING_CODES,
    ClaimResult,
    Counterexample,
    Location,
    Report,
    StepResult,
    Verdict,
)

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
REPO = Path(__file__).resolve().parents[2]
# the SARIF schema is kept next to the repository, beside the notes
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "github": "txt",
    "sarif": "sarif",
    "junit": "xml",
    "concise": "txt",
}

# Fixed, non-existent paths: rendering must not touch the file system, and snapshots must not
# depend on where the tests run.
ROOT = Path("/repo")
NOTES_DIR = Path("/repo/notes")

TRICKY_MESSAGE = "prior P(A): 50%, not given\nsecond line [b]not markup[/b]"


def fixture_report() -> Report:
    return Report(
        tool_version="0.1.0-test",
        seed=7,
        results=[
            ClaimResult(
                exercise="calculus/derivative-1",
                claim="c1",
                verdict=Verdict.CORRECT,
                location=Location(file="calculus.md", line=3),
                message="matches the derivation",
                claimed_latex="2x",
                expected_latex="2x",
                proven=True,
            ),
            ClaimResult(
                exercise="calculus/derivative-1",
                claim="c2",
                verdict=Verdict.WRONG,
                location=Location(
                    file="calculus.md", line=12, column=5, spec_file="exercises/calculus.yaml", spec_line=9
                ),
                message="claimed derivative differs from the derived one",
                claimed_latex=r"\frac{d}{dx} x^2 \sigma(x) = x \sigma(x)",
                expected_latex=r"2x\sigma(x) + x^2\sigma(x)(1-\sigma(x))",
                evidence="numeric",
                counterexample=Counterexample(point={"x": 1.5}, claimed=1.2, expected=3.1),
                diagnosis="missing factor 2 and the derivative of \\sigma [i.e. the product rule]",
                steps=[
                    StepResult(
                        1, r"\frac{d}{dx} x^2 \sigma(x) = 2x\sigma(x) + x^2\sigma'(x)", Verdict.CORRECT, "ok"
                    ),
                    StepResult(
                        2, r"2x\sigma(x) + x^2\sigma'(x) = x \sigma(x)", Verdict.WRONG, "dropped a term"
                    ),
                ],
                title="Derivative of a gated square",
                corrected_latex=r"2x\sigma(x) + x^2\sigma(x)(1-\sigma(x))",
            ),
            ClaimResult(
                exercise="calculus/chain-rule",
                claim="main",
                verdict=Verdict.UNPARSED,
                location=Location(file="calculus.md", line=20),
                message=r"could not parse '\sigma'(z' near column 9",
                claimed_latex=r"\sigma'(z",
            ),
            ClaimResult(
                exercise="probability/bayes",
                claim="posterior",
                verdict=Verdict.ILL_POSED,
                location=Location(file="prob, stats/bayes:1.md", line=7),
                message=TRICKY_MESSAGE,
                claimed_latex=r"P(A \mid B)",
            ),
            ClaimResult(
                exercise="probability/bayes",
                claim="normaliser",
                verdict=Verdict.UNVERIFIED,
                location=Location(file=None, line=None, spec_file="exercises/probability.yaml", spec_line=14),
                message="could not decide equality within the time limit",
                claimed_latex=r"\sum_{a} P(B \mid a) P(a)",
                expected_latex="P(B)",
            ),
            ClaimResult(
                exercise="linalg/svd",
                claim="rank",
                verdict=Verdict.INCOMPLETE,
                location=Location(file=None, line=None),
                message="the notes state the rank but not the decomposition",
                collection="linear-algebra",
            ),
        ],
    )


def render_to_string(fmt: str, report: Report | None = None) -> str:
    stream = io.StringIO()
    render(report or fixture_report(), fmt, stream=stream, root=ROOT, notes_dir=NOTES_DIR)
    return stream.getvalue()


def assert_snapshot(name: str, actual: str) -> None:
    """Compare with tests/report/snapshots/<name>; rewrite it instead when DERIVCHECK_UPDATE_SNAPSHOTS=1."""
    path = SNAPSHOTS / name
    if os.environ.get("DERIVCHECK_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.exists():
        pytest.fail(f"snapshot {path} is missing; create it with DERIVCHECK_UPDATE_SNAPSHOTS=1")
    # newline="": compare the exact bytes written, not a platform-translated reading.
    with path.open(encoding="utf-8", newline="") as fh:
        expected = fh.read()
    assert actual == expected, f"output differs from snapshot {path}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_snapshot(fmt: str) -> None:
    assert_snapshot(f"report.{fmt}.{EXTENSIONS[fmt]}", render_to_string(fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic(fmt: str) -> None:
    assert render_to_string(fmt) == render_to_string(fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_report_renders(fmt: str) -> None:
    render_to_string(fmt, Report(results=[]))


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(fixture_report(), "html", stream=io.StringIO())


def test_paths_relative_to_root_only_with_notes_dir() -> None:
    wrong = fixture_report().results[1]
    assert finding_location(wrong, root=ROOT, notes_dir=NOTES_DIR) == ("notes/calculus.md", 12)
    assert finding_location(wrong) == ("calculus.md", 12)
    spec_only = fixture_report().results[4]
    assert finding_location(spec_only, root=ROOT, notes_dir=NOTES_DIR) == ("exercises/probability.yaml", 14)
    assert finding_location(fixture_report().results[5]) == (None, None)


# --- text ------------------------------------------------------------------------------------


def test_text_plain_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Environment variables that would otherwise switch rich to colour or another width.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "40")
    out = render_to_string("text")
    assert "\x1b[" not in out
    assert out == render_to_string("text", fixture_report())
    assert max(len(line) for line in out.splitlines()) <= 120
    for verdict in Verdict:
        assert verdict.value in out
    assert "[i.e. the product rule]" in out  # user text is never read as rich markup
    assert (
        "6 claims in 4 exercises: 1 correct, 1 wrong, 1 ill-posed, 1 unparsed, 1 unverified, 1 incomplete"
        in out
    )
    assert "  calculus: 1 correct, 1 wrong, 1 unparsed" in out
    assert "  linear-algebra: 1 incomplete" in out
    details = out.split("WRONG calculus/derivative-1 c2 (notes/calculus.md:12)")[1]
    for expected in ("claimed: ", "derived: 2x", "diagnosis: missing factor 2", "counterexample: at x = 1.5"):
        assert expected in details


class _FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_coloured_on_terminal_still_spells_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    stream = _FakeTty()
    render(fixture_report(), "text", stream=stream, root=ROOT, notes_dir=NOTES_DIR)
    out = stream.getvalue()
    assert "\x1b[" in out
    for verdict in Verdict:
        assert verdict.value in out


# --- json ------------------------------------------------------------------------------------


def test_json_round_trips_through_from_dict() -> None:
    report = fixture_report()
    data = json.loads(render_to_string("json"))
    assert data["tool"] == "derivcheck" and data["version"] == "0.1.0-test" and data["seed"] == 7
    assert data["summary"] == report.summary()
    assert len(data["results"]) == len(report.results)
    for original, item in zip(report.results, data["results"], strict=True):
        restored = ClaimResult.from_dict(item)
        assert restored.to_dict() == original.to_dict()
        assert restored.verdict is original.verdict
        assert restored.steps == original.steps
        assert restored.counterexample == original.counterexample


# --- github ----------------------------------------------------------------------------------


def test_github_escaping_rules() -> None:
    assert escape_data("50%, a: b\r\nc") == "50%25, a: b%0D%0Ac"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    # '%' is escaped first, so an existing escape sequence is not decoded by the runner.
    assert escape_data("%0A") == "%250A"


def test_github_one_command_per_finding() -> None:
    lines = render_to_string("github").splitlines()
    assert len(lines) == 5  # every result except the correct one
    by_title = {line.split("title=")[1].split("::")[0]: line for line in lines}

    wrong = by_title["calculus/derivative-1 c2"]
    assert wrong.startswith("::error file=notes/calculus.md,line=12,title=")
    assert r"Derived: 2x\sigma(x)" in wrong

    tricky = by_title["probability/bayes posterior"]
    assert tricky.startswith("::error file=notes/prob%2C stats/bayes%3A1.md,line=7,")
    message = tricky.split("::", 2)[2]
    assert message == "ill-posed: prior P(A): 50%25, not given%0Asecond line [b]not markup[/b]"

    unparsed = by_title["calculus/chain-rule main"]
    assert unparsed.startswith("::warning file=notes/calculus.md,line=20,")
    assert "Derived" not in unparsed  # no expected_latex

    assert by_title["probability/bayes normaliser"].startswith(
        "::warning file=exercises/probability.yaml,line=14,"
    )
    assert by_title["linalg/svd rank"].startswith("::warning title=")


# --- sarif -----------------------------------------------------------------------------------


def test_sarif_is_schema_valid() -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (../shared is optional)")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(json.loads(render_to_string("sarif"))), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_content() -> None:
    log = json.loads(render_to_string("sarif"))
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "derivcheck" and driver["version"] == "0.1.0-test"
    assert [rule["id"] for rule in driver["rules"]] == list(FINDING_CODES.values())
    assert [rule["name"] for rule in driver["rules"]] == [v.value for v in FINDING_CODES]

    results = log["runs"][0]["results"]
    assert len(results) == 5
    for res in results:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("DC001", "error"),
        ("DC003", "warning"),
        ("DC002", "error"),
        ("DC004", "warning"),
        ("DC005", "warning"),
    ]
    wrong = results[0]
    assert wrong["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "notes/calculus.md"},
        "region": {"startLine": 12},
    }
    (fix,) = wrong["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "notes/calculus.md"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 12},
            "insertedContent": {"text": r"2x\sigma(x) + x^2\sigma(x)(1-\sigma(x))"},
        }
    ]
    assert wrong["properties"]["counterexample"] == {"point": {"x": 1.5}, "claimed": 1.2, "expected": 3.1}
    assert all("fixes" not in r for r in results[1:])
    assert "locations" not in results[4]  # nothing known about where the incomplete claim is


# --- junit -----------------------------------------------------------------------------------


def _text_of(node: xml.dom.minidom.Element) -> str:
    return "".join(child.data for child in node.childNodes if child.nodeType == child.TEXT_NODE)


def test_junit_parses_back_with_counts_and_bodies() -> None:
    # minidom: a reader independent of the ElementTree writer.
    doc = xml.dom.minidom.parseString(render_to_string("junit").encode("utf-8"))
    top = doc.documentElement
    assert top.tagName == "testsuites"
    assert (top.getAttribute("tests"), top.getAttribute("failures"), top.getAttribute("skipped")) == (
        "6",
        "2",
        "3",
    )
    assert top.getAttribute("errors") == "0"

    suites = top.getElementsByTagName("testsuite")
    counts = {
        s.getAttribute("name"): tuple(s.getAttribute(a) for a in ("tests", "failures", "skipped"))
        for s in suites
    }
    assert counts == {
        "calculus": ("3", "1", "1"),
        "probability": ("2", "1", "1"),
        "linear-algebra": ("1", "0", "1"),
    }
    for suite in suites:
        cases = suite.getElementsByTagName("testcase")
        assert len(cases) == int(suite.getAttribute("tests"))
        assert len(suite.getElementsByTagName("failure")) == int(suite.getAttribute("failures"))
        assert len(suite.getElementsByTagName("skipped")) == int(suite.getAttribute("skipped"))

    cases = {
        (c.getAttribute("classname"), c.getAttribute("name")): c for c in doc.getElementsByTagName("testcase")
    }
    assert len(cases) == 6
    ok = cases[("calculus/derivative-1", "c1")]
    assert not ok.getElementsByTagName("failure") and not ok.getElementsByTagName("skipped")

    wrong = cases[("calculus/derivative-1", "c2")]
    assert (wrong.getAttribute("file"), wrong.getAttribute("line")) == ("notes/calculus.md", "12")
    (failure,) = wrong.getElementsByTagName("failure")
    assert failure.getAttribute("message").startswith("DC001 wrong: ")
    body = _text_of(failure)
    assert r"claimed: \frac{d}{dx} x^2 \sigma(x) = x \sigma(x)" in body
    assert r"derived: 2x\sigma(x) + x^2\sigma(x)(1-\sigma(x))" in body
    assert "diagnosis: missing factor 2" in body
    assert "counterexample: at x = 1.5: claimed 1.2, derived 3.1" in body
    assert "step 2 (wrong)" in body and "step 1 " not in body

    tricky = cases[("probability/bayes", "posterior")]
    (failure,) = tricky.getElementsByTagName("failure")
    assert "\n" not in failure.getAttribute("message")
    assert TRICKY_MESSAGE in _text_of(failure)

    (skipped,) = cases[("calculus/chain-rule", "main")].getElementsByTagName("skipped")
    assert "could not parse" in skipped.getAttribute("message")
    assert not cases[("linalg/svd", "rank")].hasAttribute("file")


# --- concise ---------------------------------------------------------------------------------


def test_concise_sorted_with_codes() -> None:
    lines = render_to_string("concise").splitlines()
    assert len(lines) == 5
    heads = [line.split(": ", 1)[0] for line in lines]
    assert heads == [
        "<unknown>:1:1",
        "exercises/probability.yaml:14:1",
        "notes/calculus.md:12:5",
        "notes/calculus.md:20:1",
        "notes/prob, stats/bayes:1.md:7:1",
    ]
    assert lines[2].startswith("notes/calculus.md:12:5: DC001 wrong [calculus/derivative-1 c2] ")
    assert all("\n" not in line for line in lines)
    assert "50%, not given second line" in lines[4]


def _rich_plain(report: Report, width: int) -> list[str]:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, color_system=None, no_color=True, width=width,
                      highlight=False, markup=False, emoji=False)
    console.print(text_report.rich_table(report, width, tty=False))
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


_WORDS = st.text(alphabet="abcXYZ019\\{}_^()=.,:;-+≤∂ü", min_size=1, max_size=45)
_CELL = st.lists(st.tuples(_WORDS, st.sampled_from([" ", "  ", "   "])), min_size=0, max_size=8).map(
    lambda parts: "".join(w + sep for w, sep in parts).strip())


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(_WORDS, _WORDS, st.sampled_from(list(Verdict)), _CELL), min_size=1, max_size=6),
       width=st.integers(min_value=60, max_value=160))
def test_the_direct_plain_table_is_what_rich_draws(rows, width: int) -> None:
    """The plain table is drawn without rich (speed); every cell width, wrap and fold must be rich's."""
    report = Report(results=[ClaimResult(exercise=e, claim=c, verdict=v, message=m, location=Location(file="n.md", line=1)) for e, c, v, m in rows])
    plain = text_report.plain_table(report, width)
    assert plain is not None
    assert plain == _rich_plain(report, width)


def test_wide_characters_are_left_to_rich() -> None:
    report = Report(results=[ClaimResult(exercise="ex/1", claim="c", verdict=Verdict.WRONG, message="値が違う",
                                     location=Location(file="n.md", line=1))])
    assert text_report.plain_table(report, 120) is None
    assert "値が違う" in render_to_string("text", report)

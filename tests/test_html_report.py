"""`derivcheck report --html`: static pages that parse, show MathML, and work in a headless browser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import html5lib
import pytest

from verify.html import write_html_report
from verify.html.mathml import to_mathml
from verify.report_command import register, run
from verify.result import ClaimResult, Counterexample, Location, Report, StepResult, Verdict

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT.parent / "shared" / "notes"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

NOTES_TEXT = """# Toy notes

The square is $f(x) = x^2$ and its slope:

$$\\boxed{f'(x) = x}$$

A sigmoid \\(\\text{sig}[z] = \\frac{1}{1+e^{-z}}\\) and ReLU $a[z] = \\max(0, z)$.

Broken: $\\left[ x$ stays readable.
"""


def _claim(claim: str, verdict: Verdict, line: int, latex: str, **kw) -> ClaimResult:
    return ClaimResult(exercise=f"toy/{claim[0]}", claim=claim, verdict=verdict,
                       location=Location(file="toy.md", line=line, spec_file="toy.yaml", spec_line=3),
                       message=kw.pop("message", verdict.value), claimed_latex=latex,
                       title="Toy exercise", collection="toy", **kw)


def fixture_report() -> Report:
    wrong = _claim("b-slope", Verdict.WRONG, 5, "f'(x) = x", expected_latex="2 x",
                   diagnosis="off by a factor 2", corrected_latex="2 x", message="differs",
                   counterexample=Counterexample(point={"x": 1.5}, claimed=1.5, expected=3.0),
                   steps=[StepResult(1, "x", Verdict.WRONG, "off by a factor 2")])
    return Report(results=[
        _claim("a-square", Verdict.CORRECT, 3, "f(x) = x^2", expected_latex="x^{2}"),
        wrong,
        _claim("c-sig", Verdict.UNVERIFIED, 7, r"\text{sig}[z] = \frac{1}{1+e^{-z}}"),
        _claim("d-relu", Verdict.ILL_POSED, 7, r"a[z] = \max(0, z)"),
        _claim("e-broken", Verdict.UNPARSED, 9, r"\left[ x"),
        ClaimResult(exercise="toy/f", claim="-", verdict=Verdict.INCOMPLETE,
                    location=Location(file=None, line=None, spec_file="toy.yaml", spec_line=40),
                    message="the notes give no answer yet", title="Unanswered", collection="toy"),
    ], tool_version="0.1.0", seed=0)


def _parse_all(folder: Path) -> dict[str, object]:
    docs = {}
    for page in sorted(folder.glob("*.html")):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        docs[page.name] = parser.parse(page.read_bytes())  # strict: raises on any parse error
    return docs


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    register(p.add_subparsers(dest="command"))
    return p.parse_args(["report", *argv])


@pytest.fixture
def toy(tmp_path: Path) -> tuple[Path, Path]:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "toy.md").write_text(NOTES_TEXT, encoding="utf-8")
    out = tmp_path / "html"
    write_html_report(fixture_report(), out, notes_dir=notes)
    return out, notes


def test_fixture_pages_parse_and_show_mathml(toy):
    out, _ = toy
    docs = _parse_all(out)
    assert {"index.html", "notes-toy-md.html", "claims-without-notes.html"} <= set(docs)
    page = (out / "notes-toy-md.html").read_text(encoding="utf-8")
    assert page.count("<math") >= 5
    for claim, verdict in [("a-square", "correct"), ("b-slope", "wrong"), ("c-sig", "unverified"),
                           ("d-relu", "ill-posed")]:
        assert f'class="badge v-{verdict}" href="#c-toy-{claim[0]}-{claim}">{verdict}: {claim}</a>' in page
    assert "<h2>Toy notes</h2>" in page
    # the wrong claim's details: claimed, derived, diagnosis, point with both values, suggestion
    detail = page[page.index('id="c-toy-b-b-slope"'):]
    detail = detail[:detail.index("</details>")]
    for text in ("claimed", "derived", "off by a factor 2", "<th scope=\"row\">x</th><td>1.5</td>", "3.0",
                 "suggested"):
        assert text in detail
    assert (out / "plots" / "c-toy-b-b-slope.svg").read_text().lstrip().startswith("<?xml")
    assert 'src="plots/c-toy-b-b-slope.svg"' in detail
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr data-verdicts=") == 6
    assert 'data-verdicts="wrong"' in index and 'href="notes-toy-md.html#c-toy-b-b-slope"' in index
    assert not list(tmp for tmp in out.parent.iterdir() if tmp.name.startswith(".html."))


def test_unconvertible_latex_falls_back_to_code(toy):
    out, _ = toy
    page = (out / "notes-toy-md.html").read_text(encoding="utf-8")
    assert r'<code class="tex-fallback" title="shown as LaTeX: could not convert to MathML">\left[ x</code>' in page
    assert to_mathml(r"\left[ x").startswith("<code")
    assert to_mathml(r"\unknowncommand{x}").startswith("<code")  # would show a stray `\` in MathML
    assert to_mathml("").startswith("<code")
    for latex in (r"a[z]", r"\text{sig}[z]", r"\boxed{x^2}", r"\mathbb{1}[x > 0]"):
        assert to_mathml(latex).startswith("<math"), latex


def test_without_notes_dir_lists_claims(tmp_path):
    out = tmp_path / "html"
    write_html_report(fixture_report(), out, notes_dir=None)
    _parse_all(out)
    page = (out / "notes-toy-md.html").read_text(encoding="utf-8")
    assert "no --notes-dir" in page and page.count('<details class="claim-detail') == 5
    assert "<math" in page


def test_replaces_own_folder_but_not_foreign_one(tmp_path, capsys):
    out = tmp_path / "html"
    write_html_report(fixture_report(), out, notes_dir=None)
    (out / "stale.html").write_text("old")
    write_html_report(fixture_report(), out, notes_dir=None)
    assert not (out / "stale.html").exists() and (out / "index.html").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    report = tmp_path / "r.json"
    report.write_text(json.dumps(fixture_report().to_dict()))
    assert run(_args("--html", str(foreign), "--from", str(report))) == 2
    assert (foreign / "thesis.tex").read_text() == "precious"
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("content, needle", [
    ('{"tool": "derivcheck", "version": "0.1.0", "results": [{"exerc', "truncated"),
    ("", "truncated"),
    ('{"tool": "coverage", "version": "7.0"}', "not a derivcheck JSON report"),
    ('{"runs": []}', "not a derivcheck JSON report"),
    ('{"tool": "derivcheck", "version": "9.0.0", "results": []}', "9.0.0"),
    ('{"tool": "derivcheck", "version": "0.1.0", "results": [{"claim": "x"}]}', "result 1"),
    ('{"tool": "derivcheck", "version": "0.1.0", "summary": {"claims": 3}, "results": []}', "truncated"),
])
def test_bad_from_input_exits_2_and_writes_nothing(tmp_path, capsys, content, needle):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    out = tmp_path / "html"
    assert run(_args("--html", str(out), "--from", str(bad))) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_from_json_round_trip(tmp_path):
    report = tmp_path / "r.json"
    report.write_text(json.dumps(fixture_report().to_dict()))
    out = tmp_path / "site" / "html"
    assert run(_args("--html", str(out), "--from", str(report))) == 0
    _parse_all(out)


@pytest.fixture(scope="module")
def suite_html(tmp_path_factory, bundled_report_json) -> Path:
    if not (NOTES / "udl-solutions.md").exists() or not (ROOT / "exercises").is_dir():
        pytest.skip("bundled suite or shared notes not present")
    out = tmp_path_factory.mktemp("suite") / "html"
    args = _args("--html", str(out), "--notes-dir", str(NOTES), "--from", str(bundled_report_json),
                  str(ROOT / "exercises"))
    assert run(args) == 0
    return out


def test_bundled_suite(suite_html):
    docs = _parse_all(suite_html)
    assert "notes-udl-solutions-md.html" in docs
    page = (suite_html / "notes-udl-solutions-md.html").read_text(encoding="utf-8")
    assert page.count("<math") > 50 and 'class="mark v-wrong' in page
    assert "not found at their stated line" not in page
    pages = "".join(f.read_text(encoding="utf-8") for f in suite_html.glob("*.html"))
    for svg in (suite_html / "plots").glob("*.svg"):
        assert f'src="plots/{svg.name}"' in pages
    assert "src=\"plots/c-udl-2-1-dl-dphi0.svg\"" in page


def _browser(tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip(f"browser test needs {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser test needs the playwright package")
    return sync_api


def test_in_headless_chromium(suite_html, tmp_path):
    sync_api = _browser(tmp_path)
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1200, "height": 900})
        try:
            page = ctx.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((suite_html / "index.html").as_uri())
            rows = page.locator("#exercises tbody tr")
            total = rows.count()
            page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
            page.select_option("#verdict-filter", "wrong")
            visible = page.locator("#exercises tbody tr:not([hidden])")
            assert 0 < visible.count() < total
            assert all("wrong" in (visible.nth(k).get_attribute("data-verdicts") or "")
                       for k in range(visible.count()))
            assert rows.locator(":scope[hidden]").count() == total - visible.count()
            page.select_option("#verdict-filter", "")
            assert page.locator("#exercises tbody tr:not([hidden])").count() == total
            page.locator("th", has_text="Exercise").click()  # sorting must not lose rows
            assert rows.count() == total

            page.goto((suite_html / "notes-udl-solutions-md.html").as_uri())
            page.evaluate("document.querySelectorAll('details.v-wrong').forEach(d => d.open = true)")
            boxes = page.evaluate(
                "Array.from(document.querySelectorAll('math')).map(m => {"
                " const r = m.getBoundingClientRect(); return [r.width, r.height]; })")
            assert len(boxes) > 50 and all(w > 0 and h > 0 for w, h in boxes)
            page.locator("details.v-wrong").first.scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "udl-solutions.png"))
        finally:
            ctx.close()
    assert errors == []
    assert (tmp_path / "index.png").stat().st_size > 0 and (tmp_path / "udl-solutions.png").stat().st_size > 0


def test_fixture_in_headless_chromium(toy, tmp_path):
    sync_api = _browser(tmp_path)
    out, _ = toy
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = ctx.new_page()
            page.goto((out / "notes-toy-md.html").as_uri())
            assert page.locator("math").count() >= 5
            assert page.locator("code.tex-fallback").first.is_visible()
            page.screenshot(path=str(tmp_path / "toy.png"), full_page=True)
        finally:
            ctx.close()

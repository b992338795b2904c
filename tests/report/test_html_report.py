"""`derivcheck report --html`: static pages that parse, show MathML, and work in a headless browser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import html5lib
import pytest
import sympy as sp

from verify.commands.report import register, run
from verify.compare.curves import collecting_plots, curves_for
from verify.report.html import builder, plots, write_html_report
from verify.report.html.mathml import math_in_prose, to_mathml
from verify.report.html.numeric_table import numeric_table
from verify.result import ClaimResult, Counterexample, Location, PlotData, Report, StepResult, Verdict

ROOT = Path(__file__).resolve().parents[2]
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


def fixture_report(plots: bool = True) -> Report:
    cx = Counterexample(point={"x": 1.5}, claimed=1.5, expected=3.0)
    x = sp.Symbol("x", real=True)
    with collecting_plots(plots):  # the curves, as the checker computes them for a run with plots
        plot = curves_for(x, 2 * x, cx, seed=0)
    wrong = _claim("b-slope", Verdict.WRONG, 5, "f'(x) = x", expected_latex="2 x",
                   diagnosis="off by a factor 2", corrected_latex="2 x", message="differs",
                   counterexample=cx, steps=[StepResult(1, "x", Verdict.WRONG, "off by a factor 2")], plot=plot)
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
    assert (r'<code class="tex-fallback" title="shown as LaTeX: could not convert to MathML">\left[ x</code>'
            in page)
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


def _wrong(latex: str, expected: str, point: dict, claimed: float, derived: float, **kw) -> ClaimResult:
    return ClaimResult(exercise="toy/k", claim="kink", verdict=Verdict.WRONG, location=Location("toy.md", 3),
                       message=kw.pop("message", "differs"), claimed_latex=latex, expected_latex=expected,
                       counterexample=Counterexample(point=point, claimed=claimed, expected=derived), **kw)


def test_numeric_table_marks_the_wrong_cells():
    r = ClaimResult(
        exercise="toy/m", claim="W", verdict=Verdict.WRONG, location=Location("toy.md", 3),
        message="entry (1,2): claimed 0.5, derived 0.25 (|d| = 0.25 > tol 5e-05)",
        claimed_latex=r"W = \begin{bmatrix} 1.0 & 0.5 \\ 0.1 & 0.2 \end{bmatrix}",
        expected_latex=r"\left[\begin{matrix}1.0 & 0.25\\0.1 & 0.2\end{matrix}\right]",
        steps=[StepResult(1, "[1.0, 0.5, 0.1, 0.2]", Verdict.WRONG,
                          "entry (1,2): claimed 0.5, derived 0.25 (|d| = 0.25 > tol 5e-05)")])
    table = numeric_table(r)
    assert table is not None
    assert table.count('class="cell-wrong"') == 1 and table.count('class="cell-ok"') == 3
    wrong = table[table.index('class="cell-wrong"'):]
    assert wrong.index("\u2717 wrong") < wrong.index("claimed 0.5") < wrong.index("derived 0.25") \
        < wrong.index("</td>")
    html5lib.HTMLParser(strict=True).parseFragment(table)
    assert numeric_table(_wrong("x", "2 x", {"x": 1.0}, 1.0, 2.0)) is None  # not a table claim


def test_diagnoses_are_typeset():
    out = math_in_prose("step 3 of 3: missing term -2 y_{i} inside the sum")
    assert out.startswith("step 3 of 3: missing term <math") and out.endswith("</math> inside the sum")
    assert math_in_prose(r"off by factor \frac{1}{2}").count("<mfrac>") == 1
    assert math_in_prose("a <b> & c") == "a &lt;b&gt; &amp; c"


def test_plots_are_cached_between_builds(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    write_html_report(fixture_report(), tmp_path / "a", notes_dir=None, cache_dir=cache)
    assert len(list(cache.glob("*.svg"))) == 1  # the one wrong claim

    def fail(*args, **kwargs):
        raise AssertionError("a cached plot was drawn again")

    monkeypatch.setattr(plots, "render_svg", fail)
    write_html_report(fixture_report(), tmp_path / "b", notes_dir=None, cache_dir=cache)
    assert (tmp_path / "a" / "plots" / "c-toy-b-b-slope.svg").read_bytes() == \
        (tmp_path / "b" / "plots" / "c-toy-b-b-slope.svg").read_bytes()


def test_a_failing_plot_never_costs_the_report(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'plot'")

    monkeypatch.setattr(plots, "render_svg", broken)
    write_html_report(fixture_report(), tmp_path / "html", notes_dir=None)
    page = (tmp_path / "html" / "notes-toy-md.html").read_text(encoding="utf-8")
    assert "No plot: the plot could not be drawn (AttributeError)" in page


def test_the_report_draws_only_what_the_results_carry(tmp_path, monkeypatch):
    """Never re-derived: a report without plot data says so; one with a reason for no plot shows the reason."""
    write_html_report(fixture_report(plots=False), tmp_path / "none", notes_dir=None)
    page = (tmp_path / "none" / "notes-toy-md.html").read_text(encoding="utf-8")
    assert "No plot: this run has no plot data" in page and not (tmp_path / "none" / "plots").exists()
    assert "no plots: this run has no plot data" in (tmp_path / "none" / "index.html").read_text()
    report = fixture_report()
    report.results[1].plot = PlotData("the claim is a number, not a function of a real variable")
    write_html_report(report, tmp_path / "note", notes_dir=None)
    page = (tmp_path / "note" / "notes-toy-md.html").read_text(encoding="utf-8")
    assert "No plot: the claim is a number, not a function of a real variable" in page
    assert "no plot data" not in (tmp_path / "note" / "index.html").read_text()


def test_failed_build_leaves_previous_report_untouched(tmp_path, monkeypatch):
    out = tmp_path / "html"
    write_html_report(fixture_report(), out, notes_dir=None)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    calls = []

    def crash(ctx, pages):  # after the notes pages and plots are already in the temp folder
        calls.append(sorted(p.name for p in ctx.out.iterdir()))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(builder, "_index_page", crash)
    with pytest.raises(OSError):
        write_html_report(fixture_report(), out, notes_dir=None)
    assert "notes-toy-md.html" in calls[0]  # the crash really was half-way
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]  # no temp folder left behind


@pytest.fixture(scope="module")
def suite_html(tmp_path_factory, bundled_report_json) -> Path:
    if not (NOTES / "udl-solutions.md").exists() or not (ROOT / "exercises").is_dir():
        pytest.skip("bundled suite or shared notes not present")
    out = tmp_path_factory.mktemp("suite") / "html"
    args = _args("--html", str(out), "--notes-dir", str(NOTES), "--from", str(bundled_report_json),
                  str(ROOT / "exercises"))
    assert run(args) == 0
    return out


def test_bundled_suite(suite_html, bundled_report):
    docs = _parse_all(suite_html)
    assert "notes-udl-solutions-md.html" in docs
    page = (suite_html / "notes-udl-solutions-md.html").read_text(encoding="utf-8")
    assert page.count("<math") > 50 and 'class="mark v-wrong' in page
    assert "not found at their stated line" not in page
    pages = "".join(f.read_text(encoding="utf-8") for f in suite_html.glob("*.html"))
    for svg in (suite_html / "plots").glob("*.svg"):
        assert f'src="plots/{svg.name}"' in pages
    # 2.1 (wrong) and 2.2 (ill-posed, and wrong even read at i = 1) with their plots on the UDL page
    for anchor in ("c-udl-2-1-dl-dphi0", "c-udl-2-1-dl-dphi1", "c-udl-2-2-phi0-closed-form"):
        assert f'src="plots/{anchor}.svg"' in page, anchor
    # Every wrong claim whose counterexample moves a real variable gets its plot (one variable, or a line).
    missing = [f"{r.exercise} {r.claim}" for r in bundled_report.results
               if r.verdict is Verdict.WRONG and r.counterexample is not None and r.location.file
               and any(isinstance(v, float) for v in r.counterexample.point.values())
               and not any("__" in k for k in r.counterexample.point)  # auxiliary variables: not values
               and f"src=\"plots/c-{builder._slug(r.exercise + '--' + r.claim)}.svg\"" not in pages]
    assert missing == []
    assert 'class="numtable"' in (suite_html / "notes-nn-foundations-md.html").read_text(encoding="utf-8")


def _browser(tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip(f"browser test needs {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser test needs the playwright package")
    return sync_api


def _load_ms(page, url: str) -> float:
    """Navigation start to the end of the load event, as Chromium measured it."""
    page.goto(url)
    return page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")


def test_in_headless_chromium(suite_html, tmp_path):
    sync_api = _browser(tmp_path)
    errors: list[str] = []
    remote: list[str] = []
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1200, "height": 900})
        # Offline: anything but file:// is recorded and refused.
        ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (remote.append(route.request.url), route.abort()))
        try:
            page = ctx.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
            page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
            for html_page in sorted(suite_html.glob("*.html")):  # every page loads without errors
                page.goto(html_page.as_uri())
            load_ms = {name: _load_ms(page, (suite_html / name).as_uri())
                       for name in ("index.html", "notes-udl-solutions-md.html")}
            (tmp_path / "load_ms.json").write_text(json.dumps(load_ms))
            assert all(ms < 1000 for ms in load_ms.values()), load_ms

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
            assert page.locator("#exercises tbody tr[hidden]").first.is_hidden()
            shown = page.locator("[data-count-for=exercises]").inner_text()
            assert shown == f"{visible.count()} of {total} shown"
            page.select_option("#verdict-filter", "")
            assert page.locator("#exercises tbody tr:not([hidden])").count() == total
            names = ("Array.from(document.querySelectorAll('#exercises tbody tr td:nth-child(2)'),"
                     " td => td.textContent)")
            header = page.locator("#exercises th", has_text="Exercise")
            header.click()
            ascending = page.evaluate(names)
            assert len(ascending) == total and ascending == sorted(ascending, key=str.lower)
            header.click()
            assert page.evaluate(names) == ascending[::-1]
            assert header.get_attribute("aria-sort") == "descending"

            page.goto((suite_html / "notes-udl-solutions-md.html").as_uri())
            mark = page.locator("span.mark.v-wrong").first
            assert "wrong" in mark.inner_text()  # the verdict is text too, not colour alone
            detail = page.locator("#c-udl-2-1-dl-dphi0")
            detail.locator("summary").click()  # a wrong claim expands to its evidence
            for label in ("claimed", "derived", "diagnosis", "counterexample", "suggested"):
                assert detail.locator("dt", has_text=label).first.is_visible(), label
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            boxes = page.evaluate(
                "Array.from(document.querySelectorAll('math')).map(m => {"
                " const r = m.getBoundingClientRect(); return [r.width, r.height]; })")
            assert len(boxes) > 50 and all(w > 0 and h > 0 for w, h in boxes)
            for anchor in ("c-udl-2-1-dl-dphi0", "c-udl-2-2-phi0-closed-form"):
                img = page.locator(f"#{anchor} figure.plot img")
                img.scroll_into_view_if_needed()  # plots load lazily, once in view
                page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle(),
                                       timeout=10_000)
                assert img.bounding_box()["height"] > 0
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
            detail.evaluate("d => { d.open = true; d.scrollIntoView(); }")
            page.screenshot(path=str(tmp_path / "udl-solutions.png"))
        finally:
            ctx.close()
    assert errors == [] and remote == []
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

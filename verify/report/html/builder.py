"""Build the static HTML report folder (index, one page per notes file, CSS, JS, plots)."""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from verify.notes.files import NotesPathError, read_notes
from verify.notes.math import MathSpan, find_math
from verify.notes.quotes import NotesText
from verify.report import finding_location, format_value
from verify.report.html.mathml import math_in_prose, to_mathml
from verify.report.html.numeric_table import numeric_table
from verify.report.html.plots import SvgCache, plot_svg
from verify.result import SEVERITY, ClaimResult, Report, Verdict

TEMPLATES = Path(__file__).parent / "templates"
STATIC_FILES = ("style.css", "report.js")
# Present in every folder we write, so an existing folder is only ever replaced if it is ours.
MARKER = ".derivcheck-html"
_VERDICTS = sorted(Verdict, key=lambda v: SEVERITY[v], reverse=True)
_NOTES_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".tex": "tex"}
NO_PLOT_DATA = ("this run has no plot data (checked without plots: `derivcheck verify --plots --format json`, or "
                "`report --html` without `--from`, computes it)")


class HtmlReportError(Exception):
    """A one-line reason why no report folder was written."""


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


def worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=lambda v: SEVERITY[v]) if verdicts else Verdict.CORRECT


def badge(verdict: Verdict, text: str | None = None) -> str:
    return f'<span class="badge v-{verdict.value}">{_esc(text or verdict.value)}</span>'


@dataclass
class _Page:
    file: str | None  # notes file as the spec names it; None for claims without one
    name: str  # page file name in the folder
    results: list[ClaimResult] = field(default_factory=list)


@dataclass
class _Ctx:
    report: Report
    notes_dir: Path | None
    out: Path
    cache: SvgCache = field(default_factory=lambda: SvgCache(None))
    anchors: dict[int, str] = field(default_factory=dict)  # id(result) -> anchor
    pages: dict[int, str] = field(default_factory=dict)  # id(result) -> page name


# --------------------------------------------------------------------------- public entry


def write_html_report(report: Report, out_dir: Path, *, notes_dir: Path | None,
                      cache_dir: Path | None = None) -> None:
    """Write the report folder `out_dir` atomically: complete, or not touched at all.

    Everything shown comes from `report`: plots are drawn from each result's curve data (`ClaimResult.plot`),
    never recomputed. Notes files are read only from inside `notes_dir`. `cache_dir` keeps drawn plots.
    """
    out_dir = Path(os.path.abspath(out_dir))
    if out_dir.exists() and not _replaceable(out_dir):
        raise HtmlReportError(f"{out_dir}: exists and is not a derivcheck HTML report; not replacing it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target so the final rename stays on one file system (atomic).
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        tmp.chmod(0o755)
        _build(_Ctx(report, notes_dir, tmp, SvgCache(cache_dir)))
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _replaceable(path: Path) -> bool:
    return path.is_dir() and ((path / MARKER).exists() or not any(path.iterdir()))


def _swap_in(tmp: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(tmp, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.replace(out_dir, old / "report")
    os.replace(tmp, out_dir)
    shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- pages


def _build(ctx: _Ctx) -> None:
    for name in STATIC_FILES:
        shutil.copyfile(TEMPLATES / name, ctx.out / name)
    (ctx.out / MARKER).write_text("written by derivcheck report --html\n", encoding="utf-8")
    pages = _plan_pages(ctx)
    for page in pages:
        _write(ctx, page.name, _notes_page(ctx, page))
    _write(ctx, "index.html", _index_page(ctx, pages))


def _plan_pages(ctx: _Ctx) -> list[_Page]:
    by_file: dict[str | None, _Page] = {}
    used: set[str] = {"index.html"}
    anchors: set[str] = set()
    for r in ctx.report.results:
        page = by_file.get(r.location.file)
        if page is None:
            base = "claims-without-notes" if r.location.file is None else "notes-" + _slug(r.location.file)
            name, k = f"{base}.html", 2
            while name in used:
                name, k = f"{base}-{k}.html", k + 1
            used.add(name)
            page = by_file[r.location.file] = _Page(r.location.file, name)
        page.results.append(r)
        anchor, k = "c-" + _slug(f"{r.exercise}--{r.claim}"), 2
        while anchor in anchors:
            anchor, k = f"c-{_slug(f'{r.exercise}--{r.claim}')}-{k}", k + 1
        anchors.add(anchor)
        ctx.anchors[id(r)] = anchor
        ctx.pages[id(r)] = page.name
    return list(by_file.values())


def _write(ctx: _Ctx, name: str, text: str) -> None:
    (ctx.out / name).write_text(text, encoding="utf-8")


def _shell(ctx: _Ctx, *, title: str, heading: str, meta: str, body: str, crumb: str = "") -> str:
    return _template("page.html").substitute(
        title=_esc(title), heading=heading, meta=meta, body=body, crumb=crumb,
        version=_esc(ctx.report.tool_version or "?"), seed=_esc(ctx.report.seed))


def _totals(results: list[ClaimResult]) -> str:
    counts = {v: sum(1 for r in results if r.verdict is v) for v in _VERDICTS}
    return " ".join(badge(v, f"{v.value}: {n}") for v, n in counts.items() if n) or "<p>No claims.</p>"


def _index_page(ctx: _Ctx, pages: list[_Page]) -> str:
    groups: dict[str, list[ClaimResult]] = {}
    for r in ctx.report.results:
        groups.setdefault(r.exercise, []).append(r)
    rows = []
    for exercise, results in groups.items():
        first = results[0]
        verdicts = [r.verdict for r in results]
        w = worst(verdicts)
        link = f'{ctx.pages[id(first)]}#{ctx.anchors[id(first)]}'
        cells = [
            f"<td>{_esc(first.collection or exercise.split('/')[0])}</td>",
            f'<td class="nowrap"><a href="{_esc(link)}">{_esc(exercise)}</a></td>',
            f"<td>{_esc(first.title or '')}</td>",
        ]
        for v in _VERDICTS:
            n = verdicts.count(v)
            cells.append(f'<td class="num{" zero" if n == 0 else ""}">{n}</td>')
        cells.append(f'<td data-value="{SEVERITY[w]}">{badge(w)}</td>')
        present = " ".join(sorted({v.value for v in verdicts}))
        rows.append(f'<tr data-verdicts="{present}" data-worst="{w.value}">{"".join(cells)}</tr>')
    files = []
    for page in pages:
        label = page.file or "claims without a notes file"
        files.append(f'<li><a href="{_esc(page.name)}">{_esc(label)}</a> {_totals(page.results)}</li>')
    body = _template("index_body.html").substitute(
        totals=_totals(ctx.report.results),
        filter_options="\n".join(f'<option value="{v.value}">{v.value}</option>' for v in _VERDICTS),
        count_headers="\n".join(f'<th data-sort="num" scope="col">{v.value}</th>' for v in _VERDICTS),
        rows="\n".join(rows),
        files="\n".join(files),
    )
    summary = ctx.report.summary()
    meta = f"{summary['claims']} claims in {summary['exercises']} exercises"
    if summary["wrong"] and all(r.plot is None for r in ctx.report.results):
        meta += f"; no plots: {NO_PLOT_DATA}"
    return _shell(ctx, title="derivcheck report", heading="derivcheck report", meta=_esc(meta), body=body)


def _notes_page(ctx: _Ctx, page: _Page) -> str:
    text, why_missing = _read_notes(ctx, page.file)
    missing = ""
    if text is None:
        content = "\n".join(_claim_detail(ctx, r, list_item=True) for r in page.results)
        missing = f'<p class="missing">{_esc(why_missing)}; the claims are listed instead.</p>'
    else:
        kind = _NOTES_SUFFIXES[Path(page.file or "").suffix.lower()]
        content, unplaced = _render_notes(ctx, text, kind, page.results)
        # Incomplete results (the notes give no answer) have no formula to mark; others should have one.
        no_formula = [r for r in unplaced if r.location.line is None or r.verdict is Verdict.INCOMPLETE]
        for text_, group in (
            ("Results without a formula in the notes:", no_formula),
            ("These claims were not found at their stated line of the notes:",
             [r for r in unplaced if r not in no_formula]),
        ):
            if group:
                missing += (f'<section class="missing"><p>{text_}</p>'
                            + "\n".join(_claim_detail(ctx, r) for r in group) + "</section>")
    body = _template("notes_body.html").substitute(totals=_totals(page.results), missing=missing,
                                                   content=content)
    title = page.file or "claims without a notes file"
    path = _esc(finding_location(page.results[0], notes_dir=ctx.notes_dir)[0] or title)
    return _shell(ctx, title=f"{title} - derivcheck", heading=_esc(title),
                  meta=f"{len(page.results)} claims; source: {path}", body=body,
                  crumb=f" / {_esc(title)}")


def _read_notes(ctx: _Ctx, file: str | None) -> tuple[str | None, str]:
    if file is None:
        return None, "No notes file is named for these claims"
    if ctx.notes_dir is None:
        return None, "The notes were not given (no --notes-dir)"
    if Path(file).suffix.lower() not in _NOTES_SUFFIXES:
        return None, f"{file}: not a Markdown or TeX file"
    try:
        text = read_notes(ctx.notes_dir, file)
    except NotesPathError:
        # A saved report is untrusted: its file names never reach outside the notes folder.
        return None, "The notes file named by these results is outside --notes-dir and was not read"
    except (OSError, UnicodeDecodeError):
        return None, f"The notes file {ctx.notes_dir / file} could not be read"
    return text.replace("\r\n", "\n").replace("\r", "\n"), ""


# --------------------------------------------------------------------------- claim details


def _claim_detail(ctx: _Ctx, r: ClaimResult, *, list_item: bool = False) -> str:
    rows: list[tuple[str, str]] = []
    table = None
    if list_item and r.claimed_latex:
        rows.append(("formula", to_mathml(r.claimed_latex, True)))
    if r.verdict is not Verdict.CORRECT:
        if r.claimed_latex and not list_item:
            rows.append(("claimed", to_mathml(r.claimed_latex, True)))
        if r.expected_latex:
            rows.append(("derived", to_mathml(r.expected_latex, True)))
        if r.diagnosis:
            rows.append(("diagnosis", math_in_prose(r.diagnosis)))
        if r.counterexample is not None:
            rows.append(("counterexample", _counterexample(r)))
        table = numeric_table(r) if r.verdict is Verdict.WRONG else None
        if table:
            rows.append(("entries", table))
        if r.corrected_latex:
            rows.append(("suggested", to_mathml(r.corrected_latex, True)
                         + f' <code class="tex-source">{_esc(r.corrected_latex)}</code>'))
        for st in r.steps:
            if st.verdict is not Verdict.CORRECT:
                rows.append((f"step {st.index}",
                             f"{badge(st.verdict)} {to_mathml(st.latex)} {math_in_prose(st.message)}"))
    elif r.evidence:
        rows.append(("evidence", _esc(r.evidence)))
    where = []
    if r.location.file:
        where.append(f"{r.location.file}:{r.location.line or '?'}")
    if r.location.spec_file:
        where.append(f"spec {r.location.spec_file}:{r.location.spec_line or '?'}")
    if where:
        rows.append(("where", _esc("; ".join(where))))
    plot = _plot(ctx, r, quiet=table is not None)
    return _template("claim.html").substitute(
        verdict=r.verdict.value, verdict_label=r.verdict.value, anchor=ctx.anchors[id(r)],
        exercise=_esc(r.exercise), claim=_esc(r.claim), message=math_in_prose(r.message),
        open=" open" if list_item and r.verdict is Verdict.WRONG else "",
        rows="\n".join(f"<dt>{_esc(k)}</dt><dd>{v}</dd>" for k, v in rows), plot=plot)


def _counterexample(r: ClaimResult) -> str:
    cx = r.counterexample
    assert cx is not None
    point = "".join(f"<tr><th scope=\"row\">{_esc(k)}</th><td>{_esc(format_value(v))}</td></tr>"
                    for k, v in cx.point.items())
    values = (f"<tr><th scope=\"row\">claimed</th><td>{_esc(format_value(cx.claimed))}</td></tr>"
              f"<tr><th scope=\"row\">derived</th><td>{_esc(format_value(cx.expected))}</td></tr>")
    where = f'<table class="point vars"><tbody>{point}</tbody></table>' if point else ""
    return f'{where}<table class="point"><tbody>{values}</tbody></table>'


def _plot(ctx: _Ctx, r: ClaimResult, *, quiet: bool = False) -> str:
    """The plot drawn from the result's curve data; a note when there is none (none when `quiet`: a table of
    entries already shows a numeric claim)."""
    data = r.plot
    if data is None:  # only wrong claims are plotted; the run that made this report computed no curves
        return "" if quiet or r.verdict is not Verdict.WRONG else \
            f'<p class="plot-note">No plot: {_esc(NO_PLOT_DATA)}</p>'
    if not data.drawable:
        return "" if quiet else f'<p class="plot-note">No plot: {_esc(data.note)}</p>'
    try:
        svg = plot_svg(data, ctx.cache)
    except Exception as exc:  # noqa: BLE001 - a plot must never cost the whole report
        return f'<p class="plot-note">No plot: the plot could not be drawn ({_esc(type(exc).__name__)})</p>'
    (ctx.out / "plots").mkdir(exist_ok=True)
    name = f"plots/{ctx.anchors[id(r)]}.svg"
    (ctx.out / name).write_text(svg, encoding="utf-8")
    alt = f"claimed (dashed) and derived (solid) value of {r.exercise} {r.claim} near the counterexample"
    # Lazy: a page with dozens of plots must not wait for them to fire its load event.
    return (f'<figure class="plot"><img src="{_esc(name)}" alt="{_esc(alt)}" width="500" height="300" '
            f'loading="lazy"><figcaption>{_esc(data.note)}</figcaption></figure>')


# --------------------------------------------------------------------------- notes text


_CLOSERS = {"$": "$", "$$": "$$", "\\[": "\\]", "\\(": "\\)"}
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


@dataclass
class _Placed:
    span: MathSpan
    start: int  # offset of the opening delimiter
    end: int  # offset after the closing delimiter
    source: str  # LaTeX to convert (environments keep their \begin/\end)
    claims: list[ClaimResult] = field(default_factory=list)

    @property
    def newlines(self) -> int:
        return self.span.end_line - self.span.line


def _place(text: str, spans: list[MathSpan]) -> list[_Placed]:
    """Offsets of each span with its delimiters; spans whose delimiters cannot be found are left as text."""
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    placed: list[_Placed] = []
    for s in spans:
        content = starts[s.line - 1] + s.column - 1
        if text[content:content + len(s.latex)] != s.latex:
            continue
        after = content + len(s.latex)
        opener = _CLOSERS.get(s.delimiter) and s.delimiter
        if opener:
            start, closer, source = content - len(opener), _CLOSERS[opener], s.latex
        else:
            opener, closer = f"\\begin{{{s.delimiter}}}", f"\\end{{{s.delimiter}}}"
            start, source = content - len(opener), opener + s.latex + closer
        if text[start:content] != opener or not text.startswith(closer, after):
            continue
        if placed and start < placed[-1].end:
            continue
        placed.append(_Placed(s, start, after + len(closer), source))
    return placed


def _attach(notes: NotesText, placed: list[_Placed], results: list[ClaimResult]) -> list[ClaimResult]:
    """Give each claim the formula at its line that holds its quote (the first there when the quote is not
    found as written); return those with no formula at their line."""
    unplaced = []
    for r in results:
        line = r.location.line
        candidates = [p for p in placed if line is not None and p.span.line <= line <= p.span.end_line]
        if not candidates:
            unplaced.append(r)
            continue
        quote = notes.at_line(r.claimed_latex, line)
        best = next((p for p in candidates if quote and p.start <= quote.start < p.end), candidates[0])
        best.claims.append(r)
    return unplaced


def _render_notes(ctx: _Ctx, text: str, kind: str,
                  results: list[ClaimResult]) -> tuple[str, list[ClaimResult]]:
    try:
        spans = find_math(text, kind=kind)
    except Exception:  # noqa: BLE001 - a notes file we cannot scan still shows, without marks
        spans = []
    placed = _place(text, spans)
    unplaced = _attach(NotesText(text), placed, results)
    # Claims that quote prose (no formula at their line) are shown after the paragraph holding it.
    by_line: dict[int, list[ClaimResult]] = {}
    for r in unplaced:
        if r.location.line is not None:
            by_line.setdefault(r.location.line, []).append(r)
    masked, pieces = [], []
    pos = 0
    for k, p in enumerate(placed):
        masked.append(text[pos:p.start])
        masked.append(f"\x00{k}\x00")
        pieces.append(p)
        pos = p.end
    masked.append(text[pos:])
    rendered = _blocks(ctx, "".join(masked), pieces, by_line)
    left = {id(r) for group in by_line.values() for r in group}
    return rendered, [r for r in unplaced if r.location.line is None or id(r) in left]


def _math_html(ctx: _Ctx, p: _Placed) -> str:
    math = to_mathml(p.source, p.span.display)
    if not p.claims:
        return math
    w = worst([r.verdict for r in p.claims])
    labels = " ".join(
        f'<a class="badge v-{r.verdict.value}" href="#{ctx.anchors[id(r)]}">{_esc(r.verdict.value)}: '
        f"{_esc(r.claim)}</a>" for r in p.claims)
    cls = f"mark v-{w.value}" + (" display" if p.span.display else "")
    return f'<span class="{cls}">{math} {labels}</span>'


def _blocks(ctx: _Ctx, masked: str, pieces: list[_Placed], by_line: dict[int, list[ClaimResult]]) -> str:
    """Markdown-ish: blank lines separate paragraphs, `#` lines are headings, ``` fences are code.

    Claims of `by_line` whose line falls in a block are shown after it and removed from `by_line`.
    """
    out: list[str] = []
    para: list[str] = []
    first_line = [0]

    def prose_claims(first: int, last: int) -> None:
        for n in range(first, last + 1):
            out.extend(_claim_detail(ctx, r) for r in by_line.pop(n, []))

    def inline(text: str) -> tuple[str, list[_Placed]]:
        used: list[_Placed] = []

        def sub(m: re.Match[str]) -> str:
            used.append(pieces[int(m.group(1))])
            return _math_html(ctx, used[-1])

        return _PLACEHOLDER.sub(sub, _esc(text)), used

    def flush() -> None:
        if not para:
            return
        body, used = inline("\n".join(para))
        only_display = (len(used) == 1 and used[0].span.display
                        and _PLACEHOLDER.fullmatch("\n".join(para).strip()) is not None)
        out.append(f'<div class="{"display-math" if only_display else "para"}">{body}</div>')
        for p in used:
            out.extend(_claim_detail(ctx, r) for r in p.claims)
        prose_claims(first_line[0], line_no - 1)
        para.clear()

    lines = masked.split("\n")
    i, line_no = 0, 1  # line_no: line of the original text where masked line i starts

    def advance(k: int) -> int:
        # A placeholder stands for a formula that may span several original lines.
        return 1 + sum(pieces[int(m)].newlines for m in _PLACEHOLDER.findall(lines[k]))

    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            flush()
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith("```"):
                j += 1
            code = "\n".join(lines[i + 1:j])
            line_no += sum(advance(k) for k in range(i, min(j + 1, len(lines))))
            source = _PLACEHOLDER.sub(lambda m: _esc(pieces[int(m.group(1))].source), _esc(code))
            out.append(f"<pre><code>{source}</code></pre>")
            i = j + 1
            continue
        heading = re.match(r"(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            flush()
            level = min(len(heading.group(1)) + 1, 6)
            body, used = inline(heading.group(2))
            out.append(f"<h{level}>{body}</h{level}>")
            for p in used:
                out.extend(_claim_detail(ctx, r) for r in p.claims)
            prose_claims(line_no, line_no + advance(i) - 1)
        elif not line.strip():
            flush()
        else:
            if not para:
                first_line[0] = line_no
            para.append(line)
        line_no += advance(i)
        i += 1
    flush()
    return "\n".join(out)

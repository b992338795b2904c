"""Math span extraction from notes: exact positions, code exclusion, TeX scanning."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # runnable without installing the project
    sys.path.insert(0, str(ROOT))

from verify.notes.math import MathSpan, find_math, find_math_in_file  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "notes"
SHARED_NOTES = ROOT.parent / "shared" / "notes"

OPENERS = {"$": "$", "$$": "$$", "\\[": "\\[", "\\(": "\\("}


def _key(s: MathSpan) -> tuple[str, int, int, int, bool, str]:
    return (s.latex, s.line, s.column, s.end_line, s.display, s.delimiter)


def assert_positions_exact(text: str, spans: list[MathSpan]) -> None:
    """Every span's content starts at (line, column), right after its opening delimiter."""
    lines = text.replace("\r\n", "\n").split("\n")
    for s in spans:
        src = lines[s.line - 1]
        opener = OPENERS.get(s.delimiter, "\\begin{" + s.delimiter + "}")
        first = s.latex.split("\n")[0]
        assert src[: s.column - 1].endswith(opener), (s, src)
        assert src[s.column - 1 :].startswith(first), (s, src)
        assert s.end_line >= s.line


# ------------------------------------------------------------------ markdown fixture

SAMPLE_MD_EXPECTED = [
    ("L", 1, 16, 1, False, "$"),
    ("x_i", 3, 9, 3, False, "$"),
    ("y_i", 3, 19, 3, False, "$"),
    ("a +\nb", 4, 30, 5, False, "$"),
    ("c", 5, 27, 5, False, "$"),
    ("\\boxed{a = b}", 7, 3, 7, True, "\\["),
    ("\\boxed{c = d}", 7, 21, 7, True, "\\["),
    ("e = f", 9, 15, 9, True, "\\["),
    ("g", 9, 29, 9, False, "\\("),
    ("w = 1", 11, 3, 11, True, "$$"),
    ("\n\\frac{\\partial L}{\\partial w} = 2w\n", 13, 3, 15, True, "$$"),
    ("p", 17, 14, 17, False, "$"),
    ("q", 18, 27, 18, False, "$"),
    ("r_1", 19, 14, 19, False, "$"),
    ("s", 21, 11, 21, False, "$"),
    ("t = 1", 22, 5, 22, True, "$$"),
    ("u", 24, 8, 24, False, "$"),
    ("v", 24, 21, 24, False, "$"),
    ("\\lvert x \\rvert", 26, 4, 26, False, "$"),
    ("w", 26, 24, 26, False, "$"),
    ("\ny &= m x\n", 34, 14, 36, True, "align"),
    ("\nz &= 1\n", 38, 16, 40, True, "aligned"),
    ("h = 1", 42, 3, 42, True, "$$"),
    ("k = 2", 42, 13, 42, True, "$$"),
    ("\nm = n\n", 44, 3, 46, True, "\\["),
]


def test_markdown_fixture_exact_spans() -> None:
    spans = find_math_in_file(FIXTURES / "sample.md")
    assert [_key(s) for s in spans] == SAMPLE_MD_EXPECTED


def test_markdown_fixture_positions_consistent() -> None:
    path = FIXTURES / "sample.md"
    assert_positions_exact(path.read_text(encoding="utf-8"), find_math_in_file(path))


def test_code_and_comments_are_not_math() -> None:
    latex = [s.latex for s in find_math_in_file(FIXTURES / "sample.md")]
    # `code $z$`, fenced and indented code, an HTML comment and \$ escapes
    for not_math in ("z", "not math", "also not math", "hidden"):
        assert not_math not in latex
    assert not any("100" in x or "5 and" in x for x in latex)


def test_several_brackets_on_one_line() -> None:
    text = "intro\n\n\\[\\boxed{a = b}\\] \\[\\boxed{c = d}\\]  \\[e\\]\n"
    spans = find_math(text)
    assert [(s.latex, s.line, s.column, s.display) for s in spans] == [
        ("\\boxed{a = b}", 3, 3, True),
        ("\\boxed{c = d}", 3, 21, True),
        ("e", 3, 40, True),
    ]


def test_bracket_line_with_trailing_text_falls_back_to_inline() -> None:
    spans = find_math("\\[a\\] \\[b\\] and text\n")
    assert [(s.latex, s.column, s.display) for s in spans] == [("a", 3, True), ("b", 9, True)]


def test_bracket_line_break_inside_display() -> None:
    # \\[2pt] is a line break with spacing, not a new display.
    spans = find_math("\\[ a \\\\[2pt] b \\]\n")
    assert [s.latex for s in spans] == [" a \\\\[2pt] b "]


def test_multiline_paragraph_columns() -> None:
    text = "first line with $a$\nsecond $b$ and\n   third, indented $c$\n"
    spans = find_math(text)
    assert [(s.latex, s.line, s.column) for s in spans] == [("a", 1, 18), ("b", 2, 9), ("c", 3, 21)]
    assert_positions_exact(text, spans)


def test_inline_math_spanning_lines_in_list_item() -> None:
    text = "- item $x +\n  y$ done\n"
    (span,) = find_math(text)
    assert (span.line, span.column, span.end_line, span.latex) == (1, 9, 2, "x +\ny")


def test_table_cells_with_repeated_content_and_escaped_pipe() -> None:
    text = "| $a$ | $a$ |\n|---|---|\n| x \\| $a$ | $a$ |\n"
    spans = find_math(text)
    assert [(s.line, s.column) for s in spans] == [(1, 4), (1, 10), (3, 9), (3, 15)]


def test_dollar_escapes_and_currency() -> None:
    assert find_math("a price of \\$5 and \\$10\n") == []
    assert find_math("costs $5 and $10 today\n") == []  # no space inside $..$ (pandoc rule)
    (span,) = find_math("a \\$x$ and \\\\$y$\n")
    assert (span.latex, span.column) == ("y", 15)


def test_paragraph_ending_with_backslash_keeps_leading_math() -> None:
    (span,) = find_math("$x$ ends with a backslash \\\n")
    assert (span.latex, span.column) == ("x", 2)


def test_crlf_gives_same_positions() -> None:
    text = "p $x$\n\n$$\ny\n$$\n\n\\[a\\] \\[b\\]\n"
    assert find_math(text.replace("\n", "\r\n")) == find_math(text)


def test_blockquote_and_nested_list() -> None:
    text = "> \\[a\\] \\[b\\]\n\n1. one\n\n   $$\n   c\n   $$\n"
    spans = find_math(text)
    assert [(s.latex.strip(), s.line, s.column, s.end_line) for s in spans] == [
        ("a", 1, 5, 1),
        ("b", 1, 11, 1),
        ("c", 5, 6, 7),
    ]


def test_math_in_link_and_image_alt() -> None:
    text = "see ![alt $q$](u.png) and [link $r$](u)\n"
    spans = find_math(text)
    assert [(s.latex, s.column) for s in spans] == [("q", 12), ("r", 34)]


def test_indented_code_block_is_not_math() -> None:
    assert find_math("para\n\n    $x$ code\n    \\[y\\]\n") == []


def test_unknown_kind_and_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        find_math("$x$", kind="rst")
    other = tmp_path / "notes.txt"
    other.write_text("$x$", encoding="utf-8")
    with pytest.raises(ValueError):
        find_math_in_file(other)


def test_suffix_selects_kind(tmp_path: Path) -> None:
    text = "`$a$` % $b$\n"
    md, tex = tmp_path / "n.markdown", tmp_path / "n.tex"
    md.write_text(text, encoding="utf-8")
    tex.write_text(text, encoding="utf-8")
    assert [s.latex for s in find_math_in_file(md)] == ["b"]  # `%` is prose in Markdown
    assert [s.latex for s in find_math_in_file(tex)] == ["a"]  # backticks are text in TeX


# ------------------------------------------------------------------ TeX fixture

SAMPLE_TEX_EXPECTED = [
    ("L", 1, 16, 1, False, "$"),
    ("x_i", 2, 9, 2, False, "$"),
    ("y_i", 2, 20, 2, False, "\\("),
    (" a = b ", 4, 11, 4, True, "\\["),
    (" c = d ", 4, 23, 4, True, "\\["),
    ("\ne = f \n", 5, 3, 7, True, "$$"),
    ("\ng &= h \\\\[2pt]\ni &= j\n", 8, 14, 11, True, "align"),
    ("k", 15, 17, 15, False, "$"),
    ("\n\\begin{aligned} m &= n \\end{aligned}\n", 16, 18, 18, True, "equation*"),
    ("p", 21, 12, 21, False, "$"),
]


def test_tex_fixture_exact_spans() -> None:
    spans = find_math_in_file(FIXTURES / "sample.tex")
    assert [_key(s) for s in spans] == SAMPLE_TEX_EXPECTED


def test_tex_comment_inside_math_is_dropped() -> None:
    (span,) = find_math("$$a % note $b$\n+ c$$\n", kind="tex")
    assert span.latex == "a \n+ c"
    assert (span.line, span.end_line) == (1, 2)


# ------------------------------------------------------------------ real notes (optional)

needs_shared = pytest.mark.skipif(
    not SHARED_NOTES.is_dir(), reason=f"shared notes not present at {SHARED_NOTES}"
)


def _shared(name: str) -> Path:
    path = SHARED_NOTES / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path


@needs_shared
def test_udl_solutions_known_lines() -> None:
    spans = find_math_in_file(_shared("udl-solutions.md"))
    line30 = [s for s in spans if s.line == 30]
    assert len(line30) == 2
    assert all(s.display and s.delimiter == "\\[" for s in line30)
    assert all(s.latex.startswith("\\boxed{\\frac{\\partial L}{\\partial \\phi_") for s in line30)
    assert line30[0].column < line30[1].column
    line22 = [s for s in spans if s.line == 22]
    assert len(line22) == 1 and line22[0].display and line22[0].column == 3


@needs_shared
@pytest.mark.parametrize(
    "name", sorted(p.name for p in SHARED_NOTES.glob("*.md")) if SHARED_NOTES.is_dir() else []
)
def test_shared_notes_positions_exact(name: str) -> None:
    path = _shared(name)
    text = path.read_text(encoding="utf-8")
    spans = find_math_in_file(path)
    assert spans
    assert_positions_exact(text, spans)
    # A display formula never overlaps an inline one and spans are in order.
    assert spans == sorted(spans, key=lambda s: (s.line, s.column))


@needs_shared
def test_shared_display_lines_are_all_found() -> None:
    # Outside code fences, every line opening with `$$` or `\[` lies in a display span.
    for path in sorted(SHARED_NOTES.glob("*.md")):
        display = [s for s in find_math_in_file(path) if s.display]
        in_fence = False
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            elif not in_fence and line.startswith(("$$", "\\[")):
                assert any(s.line <= number <= s.end_line for s in display), f"{path.name}:{number}"

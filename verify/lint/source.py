"""Where things are in a notes file: section headings and the relation signs of a formula."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

# Plain-text section lines many converted notes use instead of Markdown headings.
_PROBLEM_LINE = re.compile(r"^\s*(\*\*)?(Problem|Exercise|Question)\s+\d+(\.\d+)*\*?(\*\*)?\s*[:.]?\s*$", re.I)
_CHAPTER_LINE = re.compile(r"^\s*(\*\*)?Chapter\s+\d+\b.{0,80}$", re.I)
_TEX_SECTION = re.compile(r"\\(chapter|section|subsection|subsubsection)\*?\{([^}]*)\}")


@dataclass(frozen=True)
class Section:
    line: int
    title: str
    chapter: bool  # a level-1 heading or a "Chapter N" line: data-symbol facts reset here


class Sections:
    """Nearest preceding heading of a line."""

    def __init__(self, sections: list[Section]) -> None:
        self.sections = sorted(sections, key=lambda s: s.line)
        self.lines = [s.line for s in self.sections]

    def at(self, line: int) -> Section | None:
        i = bisect.bisect_right(self.lines, line) - 1
        return self.sections[i] if i >= 0 else None

    def chapter_at(self, line: int) -> Section | None:
        i = bisect.bisect_right(self.lines, line) - 1
        while i >= 0 and not self.sections[i].chapter:
            i -= 1
        return self.sections[i] if i >= 0 else None


def find_sections(text: str, kind: str) -> Sections:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[Section] = []
    if kind == "tex":
        for m in _TEX_SECTION.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            out.append(Section(line, m.group(2).strip(), m.group(1) == "chapter"))
        return Sections(out)
    tokens = MarkdownIt("commonmark").parse(text)  # code fences never yield headings
    for i, tok in enumerate(tokens):
        if tok.map is None or i + 1 >= len(tokens):
            continue
        if tok.type == "heading_open":
            title = tokens[i + 1].content.strip()
            out.append(Section(tok.map[0] + 1, title, tok.tag == "h1"))
        elif tok.type == "paragraph_open":
            first = tokens[i + 1].content.split("\n", 1)[0]
            if _PROBLEM_LINE.match(first):
                out.append(Section(tok.map[0] + 1, first.strip(" *:."), False))
            elif _CHAPTER_LINE.match(first) and len(first) < 90:
                out.append(Section(tok.map[0] + 1, first.strip(" *:."), True))
    return Sections(out)


_REL_WORDS = ("leq", "geq", "le", "ge", "neq", "ne", "approx", "sim", "simeq", "equiv", "propto", "to",
              "rightarrow", "Rightarrow", "longrightarrow", "Longrightarrow", "implies", "leftarrow",
              "Leftarrow", "gets", "mapsto", "in", "notin", "subset", "subseteq", "iff", "Leftrightarrow",
              "ll", "gg", "coloneqq", "lesssim", "gtrsim", "therefore", "because", "cong", "asymp")
_TRANSPARENT = ("boxed", "fbox", "begin", "end", "displaystyle", "color")
_CONTROL = re.compile(r"\\([a-zA-Z]+|.)")


def relation_offsets(latex: str) -> list[int]:
    """Offsets of the top-level relation signs of a formula, in reading order.

    Top level: not inside a script, a `\\frac` argument, brackets or `\\text`; `\\boxed{..}` and
    environments are transparent. Used only to place findings; callers fall back to the span's
    start when the count disagrees with the parsed statements.
    """
    out: list[int] = []
    stack: list[bool] = []  # per open brace: transparent?
    depth = 0  # opaque nesting (braces, brackets, parentheses)
    last_cs = ""
    i = 0
    n = len(latex)
    while i < n:
        ch = latex[i]
        if ch == "\\":
            m = _CONTROL.match(latex, i)
            word = m.group(1) if m else ""
            if word in ("left", "bigl", "Bigl", "big", "Big"):
                depth += 1
            elif word in ("right", "bigr", "Bigr"):
                depth = max(0, depth - 1)
            elif depth == 0 and word in _REL_WORDS:
                out.append(i)
            elif word in ("{", "}", "|"):
                pass
            last_cs = word
            i = m.end() if m else i + 1
            if word in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big") and i < n:
                i += 1 + (latex[i] == "\\")  # the delimiter itself (`\left\{` -> skip `\{` too)
            continue
        if ch == "{":
            transparent = last_cs in _TRANSPARENT and depth == 0
            stack.append(transparent)
            if not transparent:
                depth += 1
        elif ch == "}":
            if stack and not stack.pop():
                depth = max(0, depth - 1)
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "=<>":
            if not (ch == "=" and i > 0 and latex[i - 1] == ":"):
                out.append(i)
        elif depth == 0 and ch == ":":
            out.append(i)
        if not ch.isspace() and ch != "{":
            last_cs = "" if ch != "}" else last_cs
        i += 1
    return out


_REL_TOKEN = re.compile(r"\\[a-zA-Z]+|.")
# Where an operand's text ends; the comma of `1,000` is inside a number (as derive/parse/document.lark reads it).
_STOPS = re.compile(r"\\\\|\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|\\quad|\\qquad|(?<![\\{]),(?!\})(?!(?<=\d,)\d{3}(?!\d))|;")


def operand_texts(latex: str, offs: list[int], n: int) -> list[str]:
    """Source text of each operand of a chain (display only; empty when the relations were not located)."""
    if not offs or len(offs) != n - 1:
        return [""] * n
    ends = [o + len(_REL_TOKEN.match(latex, o).group(0)) for o in offs]  # type: ignore[union-attr]
    texts = []
    for j in range(n):
        lo = ends[j - 1] if j > 0 else _stop_before(latex, offs[0])
        hi = offs[j] if j < n - 1 else _stop_after(latex, ends[-1])
        texts.append(_clean(latex[lo:hi]))
    return texts


def statement_text(latex: str, offs: list[int]) -> str:
    """Source text of a whole chain."""
    if not offs:
        return " ".join(latex.split())
    return _clean(latex[_stop_before(latex, offs[0]) : _stop_after(latex, offs[-1] + 1)])


def _stop_before(latex: str, pos: int) -> int:
    last = 0
    for m in _STOPS.finditer(latex, 0, pos):
        last = m.end()
    return last


def _stop_after(latex: str, pos: int) -> int:
    m = _STOPS.search(latex, pos)
    return m.start() if m else len(latex)


# Spacing commands that may stand at either end of an operand's text (display only).
_EDGE_SPACING = ("\\qquad", "\\quad", "\\,", "\\;", "\\:", "\\!", "\\ ")


def _strip_spacing(text: str) -> str:
    """`text` without blanks and spacing commands at either end (`\\quad` only as a whole command; the control
    space `\\ ` needs its blank, and the end of a line break `\\\\ ` is none)."""
    while True:
        before = text
        text = text.lstrip()
        for mark in _EDGE_SPACING:
            rest = text[len(mark):]
            if text.startswith(mark) and not (mark[-1] == "d" and rest[:1] and (rest[0].isalnum() or rest[0] == "_")):
                text = rest
        if text.endswith("\\ ") and not text.endswith("\\\\ "):
            text = text[:-2]
        text = text.rstrip()
        for mark in _EDGE_SPACING[:-1]:
            if text.endswith(mark):
                text = text[: -len(mark)]
        if text == before:
            return text


def _clean(text: str) -> str:
    text = _strip_spacing(text.replace("&", " "))
    if text.startswith("\\boxed{") and text.count("{") > text.count("}"):
        text = text[len("\\boxed{"):].strip()   # `\boxed{A = B}`: the box opens before the first operand
    while text.endswith(("}", ".")) and text.count("{") < text.count("}") + (text.endswith(".")):
        text = text[:-1].rstrip()
    return " ".join(text.split())


def text_after(lines: list[str], span_line: int, span_column: int, end_line: int, latex: str, delimiter: str) -> str | None:
    """The text right after a formula's closing delimiter on its line, or None if it cannot be found."""
    closer = {"$": "$", "$$": "$$", "\\[": "\\]", "\\(": "\\)"}.get(delimiter, f"\\end{{{delimiter}}}")
    if not 1 <= end_line <= len(lines):
        return None
    line = lines[end_line - 1]
    pos = span_column - 1 + len(latex) if span_line == end_line else len(latex.rsplit("\n", 1)[-1])
    at = line.find(closer, max(0, pos - 1))
    if at < 0:
        return None
    return line[at + len(closer):]


_TEXT_CMD = re.compile(r"\\(?:text|textrm|textit|textbf|mbox)\s*\{[^{}]*\}")


def after_prose(text: str) -> str:
    """`1 \\text{ or equivalently } \\sigma` -> `\\sigma` (the operand that starts after the words)."""
    matches = list(_TEXT_CMD.finditer(text))
    return text[matches[-1].end():].strip() if matches else text


def before_prose(text: str) -> str:
    """`4 \\text{ bits}` -> `4` (the operand that ends where the words start)."""
    m = _TEXT_CMD.search(text)
    return text[: m.start()].strip() if m else text

"""Math spans of Markdown notes: markdown-it-py with the dollarmath and amsmath plugins and rules of ours.

Markdown is parsed with markdown-it-py so code fences, indented code and inline code
are never read as math:

* ``$``/``$$``: the mdit-py-plugins ``dollarmath`` rules (``$$`` also inside prose).
* ``\\begin{equation|align|gather|...}`` blocks: the ``amsmath`` plugin, plus a small
  rule of ours for ``aligned``/``gathered``/``alignedat``/``split``, which amsmath
  deliberately leaves out.
* ``\\[..\\]`` and ``\\(..\\)``: rules of ours.  The ``texmath`` plugin was not usable:
  its block rule keeps only the first of several ``\\[..\\]`` on one line, and it has no
  inline ``\\[..\\]`` rule, so a display formula inside a paragraph is lost.

Inline tokens only know their paragraph's lines, so each inline math rule is wrapped
to record its start/end offset inside the paragraph's inline source; that source is
then aligned, line by line, with the original file lines to get exact columns.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar

from verify.notes.spans import LineIndex, MathSpan

# Environments that amsmath_plugin leaves out because they normally sit inside another
# display; notes sometimes use them at top level anyway.
_EXTRA_ENVS = ("aligned", "gathered", "alignedat", "split")
_EXTRA_ENV_OPEN = re.compile(r"\\begin\{(" + "|".join(_EXTRA_ENVS) + r")\}")

# dollarmath options, shared by the plugin call and our wrapped copies of its rules.
_ALLOW_SPACE = False  # pandoc rule: `$ 5 and $` is not math
_ALLOW_DIGITS = True
_DOUBLE_INLINE = True  # `$$..$$` written inside a paragraph is display math too
_ALLOW_BLANK_LINES = False  # LaTeX forbids them; stops a stray `$$` swallowing pages


def _find_closing_bracket(src: str, start: int, limit: int, closer: str) -> int:
    """Index of the backslash of the closing ``\\]``/``\\)`` at or after ``start``, or -1.

    Control sequences are skipped as units, so ``\\\\]`` (line break, then ``]``) does
    not close a ``\\[``.
    """
    i = start
    while i < limit - 1:
        if src[i] == "\\":
            if src[i + 1] == closer:
                return i
            i += 2
        else:
            i += 1
    return -1


def _bracket_inline(state: StateInline, silent: bool) -> bool:
    r"""Inline rule for ``\(..\)`` and ``\[..\]`` inside paragraphs, headings, cells."""
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= state.posMax or src[pos + 1] not in "[(":
        return False
    opener = src[pos : pos + 2]
    closer = "]" if opener == "\\[" else ")"
    end = _find_closing_bracket(src, pos + 2, state.posMax, closer)
    if end < 0 or not src[pos + 2 : end].strip():
        return False
    if not silent:
        token = state.push("math_inline_bracket", "math", 0)
        token.content = src[pos + 2 : end]
        token.markup = opener
    state.pos = end + 2
    return True


def _bracket_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    r"""Block rule for lines made only of ``\[..\]`` spans (one or several per line).

    Anything else after the last ``\]`` on its line makes the rule decline, so the
    text becomes a paragraph and ``_bracket_inline`` finds the spans there.
    """
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code block
    first = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("\\[", first):
        return False

    # Join the block's lines (without container prefixes) into one string, remembering
    # where each piece came from in state.src.
    pieces: list[tuple[int, int]] = []  # (offset in joined text, offset in state.src)
    buf = ""
    spans: list[tuple[int, int]] = []  # content (start, end) in buf
    pos = 0  # buf[:pos] is fully consumed
    for line in range(start_line, end_line):
        if line == start_line:
            begin = first
        elif state.isEmpty(line):
            return False  # blank line: LaTeX would end the display here
        else:
            begin = state.bMarks[line] + min(state.tShift[line], state.blkIndent)
        pieces.append((len(buf), begin))
        buf += state.src[begin : state.eMarks[line]] + "\n"
        while True:  # consume the complete spans now available
            skip = len(buf) - len(buf[pos:].lstrip(" \t"))
            if not buf.startswith("\\[", skip):
                break
            close = _find_closing_bracket(buf, skip + 2, len(buf), "]")
            if close < 0:
                break  # this span continues on the next line
            if not buf[skip + 2 : close].strip():
                return False
            spans.append((skip + 2, close))
            pos = close + 2
        if buf.startswith("\\[", skip):
            continue  # unfinished span: read the next line
        if skip != len(buf) - 1:
            return False  # other text follows a span: leave the line to the paragraph
        if silent:
            return True
        state.line = line + 1
        for c_start, c_end in spans:
            token = state.push("math_block_bracket", "math", 0)
            token.block = True
            token.content = buf[c_start:c_end]
            token.markup = "\\["
            token.map = [start_line, line + 1]
            token.meta = {"src_start": _to_src(pieces, c_start)}
        return True
    return False


def _to_src(pieces: Sequence[tuple[int, int]], offset: int) -> int:
    idx = bisect.bisect_right([p[0] for p in pieces], offset) - 1
    joined_start, src_start = pieces[idx]
    return src_start + offset - joined_start


def _extra_env_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Top-level ``aligned``-like environments (same conventions as amsmath's rule)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    first = state.bMarks[start_line] + state.tShift[start_line]
    match = _EXTRA_ENV_OPEN.match(state.src, first, state.eMarks[start_line])
    if not match:
        return False
    closing = "\\end{" + match.group(1) + "}"
    line = start_line
    while (
        not state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].rstrip().endswith(closing)
    ):
        line += 1
        if line >= end_line:
            return False
    if silent:
        return True
    state.line = line + 1
    token = state.push("math_env", "math", 0)
    token.block = True
    token.content = state.getLines(start_line, line + 1, state.sCount[start_line], False)
    token.meta = {"environment": match.group(1), "numbered": ""}
    token.map = [start_line, line]  # closing line inclusive, like amsmath
    return True


def _guard_same_line_double(rule: Callable[..., bool]) -> Callable[..., bool]:
    """dollarmath reads ``$$a$$ $$b$$`` on one line as a single block ``a$$ $$b``;
    decline such lines so the paragraph's inline rule splits them."""

    def guarded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        text = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]]
        text = text.strip()
        if text.startswith("$$") and text.endswith("$$") and "$$" in text[2:-2]:
            return False
        return rule(state, start_line, end_line, silent)

    return guarded


def _track_position(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """Record where an inline math token starts and ends in its inline source."""

    def tracked(state: StateInline, silent: bool) -> bool:
        start = state.pos
        count = len(state.tokens)
        ok = rule(state, silent)
        if ok and not silent and len(state.tokens) > count:
            token = state.tokens[-1]
            token.meta = {**token.meta, "src_start": start, "src_end": state.pos, "src": state.src}
        return ok

    return tracked


def _no_wraparound(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """dollarmath's escape check reads ``src[-1]`` for a ``$`` at offset 0, so a paragraph
    ending in a backslash loses its leading ``$x$``; pad the source for that one call."""

    def fixed(state: StateInline, silent: bool) -> bool:
        if state.pos != 0 or not state.src.endswith("\\"):
            return rule(state, silent)
        src = state.src
        state.src = src + " "  # offsets before the end are unchanged
        try:
            return rule(state, silent)
        finally:
            state.src = src

    return fixed


def _build_markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    dollarmath_plugin(
        md,
        allow_space=_ALLOW_SPACE,
        allow_digits=_ALLOW_DIGITS,
        double_inline=_DOUBLE_INLINE,
        allow_blank_lines=_ALLOW_BLANK_LINES,
    )
    md.inline.ruler.at(
        "math_inline",
        _track_position(_no_wraparound(math_inline_dollar(_ALLOW_SPACE, _ALLOW_DIGITS, _DOUBLE_INLINE))),
    )
    md.block.ruler.at(
        "math_block",
        _guard_same_line_double(math_block_dollar(True, None, _ALLOW_BLANK_LINES)),
    )
    amsmath_plugin(md)
    interrupts = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    md.block.ruler.before("amsmath", "math_env_extra", _extra_env_block, interrupts)
    md.block.ruler.before("amsmath", "math_block_bracket", _bracket_block, interrupts)
    md.inline.ruler.before("escape", "math_inline_bracket", _track_position(_bracket_inline))
    return md


_MD: MarkdownIt | None = None


def _markdown_parser() -> MarkdownIt:
    global _MD
    if _MD is None:
        _MD = _build_markdown_parser()
    return _MD


def _align(content: str, source: str, k: int) -> list[int] | None:
    r"""Map each index of ``content`` (plus its end) to an index of ``source`` from ``k``.

    Table cells are the only place where markdown-it rewrites text: ``\|`` becomes ``|``.
    """
    out: list[int] = []
    j = k
    for ch in content:
        if j < len(source) and source[j] == ch:
            out.append(j)
            j += 1
        elif ch == "|" and source.startswith("\\|", j):
            out.append(j + 1)
            j += 2
        else:
            return None
    out.append(j)
    return out


class _InlineLocator:
    """Maps offsets in an inline token's content back to file (line, column)."""

    def __init__(self, content: str, lines: Sequence[str], first_line: int, cursor: int | None) -> None:
        self.content_lines = content.split("\n")
        self.line_starts = [0]
        for cl in self.content_lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(cl) + 1)
        self.maps: list[list[int] | None] = []
        self.first_line = first_line
        self.cell_end: int | None = None
        for i, cl in enumerate(self.content_lines):
            src_idx = first_line + i
            source = lines[src_idx] if src_idx < len(lines) else ""
            self.maps.append(self._align_line(cl, source, cursor if i == 0 else None))

    def _align_line(self, cl: str, source: str, cursor: int | None) -> list[int] | None:
        if cursor is not None:
            # Table cell: the cell is somewhere after the previous cell of the row.
            for k in range(cursor, len(source)):
                m = _align(cl, source, k)
                if m is not None:
                    self.cell_end = m[-1]
                    return m
            return None
        # Paragraph line: the content is the source line minus a container prefix
        # (indentation, '>', list marker) and maybe trailing blanks, i.e. a suffix.
        k = len(source.rstrip()) - len(cl.rstrip())
        m = _align(cl, source, k) if k >= 0 else None
        if m is None:
            idx = source.find(cl)
            m = _align(cl, source, idx) if idx >= 0 else None
        return m

    def locate(self, offset: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.line_starts, offset) - 1
        m = self.maps[i]
        if m is None:
            return None
        return self.first_line + i + 1, m[offset - self.line_starts[i]] + 1


def _walk_math(tokens: Sequence[Token]) -> Iterator[Token]:
    for tok in tokens:
        if tok.type.startswith("math") or tok.type == "amsmath":
            yield tok
        if tok.children:
            yield from _walk_math(tok.children)


def find_markdown_math(text: str) -> list[MathSpan]:
    index = LineIndex(text)
    spans: list[MathSpan] = []
    tokens = _markdown_parser().parse(text)
    row_cursor = 0  # where the previous table cell of the current row ended
    for i, tok in enumerate(tokens):
        if tok.type == "tr_open":
            row_cursor = 0
        elif tok.type == "inline" and tok.map is not None:
            in_cell = i > 0 and tokens[i - 1].type in ("th_open", "td_open")
            found, cell_end = _inline_spans(tok, index.lines, row_cursor if in_cell else None)
            spans.extend(found)
            if in_cell and cell_end is not None:
                row_cursor = cell_end
        elif tok.type in ("math_block", "math_block_label", "math_block_bracket", "amsmath", "math_env"):
            spans.append(_block_span(tok, index))
    spans.sort(key=lambda s: (s.line, s.column))
    return spans


def _inline_spans(tok: Token, lines: Sequence[str], cursor: int | None) -> tuple[list[MathSpan], int | None]:
    """Math spans of one inline token, and (for a table cell) where the cell ends."""
    assert tok.map is not None
    math = list(_walk_math(tok.children or []))
    if not math and cursor is None:
        return [], None
    locator = _InlineLocator(tok.content, lines, tok.map[0], cursor)
    out: list[MathSpan] = []
    search_from = 0
    for m in math:
        markup = m.markup
        meta: dict[str, Any] = m.meta or {}
        if meta.get("src") == tok.content:
            start, end = meta["src_start"], meta["src_end"]
        else:
            # Math inside an image's alt text is parsed from a separate string;
            # find it textually in the paragraph instead.
            closing = {"\\[": "\\]", "\\(": "\\)"}.get(markup, markup)
            needle = markup + m.content + closing
            start = tok.content.find(needle, search_from)
            if start < 0:
                continue
            end = start + len(needle)
        search_from = end
        open_pos = locator.locate(start + len(markup))
        close_pos = locator.locate(end - 1)
        # Fallbacks only if the content could not be aligned with the file (tab expansion).
        first_line = tok.map[0] + 1 + tok.content.count("\n", 0, start)
        line, column = open_pos if open_pos else (first_line, 1)
        end_line = close_pos[0] if close_pos else first_line + m.content.count("\n")
        out.append(
            MathSpan(
                latex=m.content,
                line=line,
                column=column,
                end_line=end_line,
                display=markup in ("$$", "\\["),
                delimiter=markup,
            )
        )
    return out, locator.cell_end


def _block_span(tok: Token, index: LineIndex) -> MathSpan:
    assert tok.map is not None
    lines = index.lines
    first, last = tok.map
    if tok.type == "math_block_bracket":
        line, column = index.locate(tok.meta["src_start"])
        return MathSpan(tok.content, line, column, line + tok.content.count("\n"), True, "\\[")
    if tok.type in ("amsmath", "math_env"):
        env = tok.meta["environment"] + tok.meta.get("numbered", "")
        begin, end = "\\begin{" + env + "}", "\\end{" + env + "}"
        body = tok.content
        b = body.find(begin)
        e = body.rfind(end)
        latex = body[b + len(begin) : e] if b >= 0 and e > b else body
        col = lines[first].find(begin)
        column = col + len(begin) + 1 if col >= 0 else 1
        return MathSpan(latex, first + 1, column, last + 1, True, env)
    # dollarmath block: map is [opening line, line after the closing line)
    col = lines[first].find("$$")
    return MathSpan(tok.content, first + 1, col + 3 if col >= 0 else 1, last, True, "$$")

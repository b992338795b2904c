"""Math spans of TeX notes: display and inline environments, \\[..\\], \\(..\\) and dollars, comments and verbatim skipped."""

from __future__ import annotations

import re

from verify.notes.spans import LineIndex, MathSpan

_TEX_DISPLAY_ENVS = frozenset(
    name + star
    for name in (
        "equation",
        "align",
        "aligned",
        "gather",
        "gathered",
        "multline",
        "flalign",
        "alignat",
        "alignedat",
        "eqnarray",
        "displaymath",
        "split",
    )
    for star in ("", "*")
)
_TEX_INLINE_ENVS = frozenset({"math"})
_TEX_VERBATIM_ENVS = frozenset({"verbatim", "verbatim*", "lstlisting", "minted", "comment", "Verbatim"})
_BEGIN = re.compile(r"\\begin\s*\{([A-Za-z*]+)\}")


def _strip_tex_comments(latex: str) -> str:
    """Drop ``%`` comments (not ``\\%``), keeping the line breaks."""
    out: list[str] = []
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            out.append(latex[i : i + 2])
            i += 2
        elif ch == "%":
            nl = latex.find("\n", i)
            i = len(latex) if nl < 0 else nl
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class TexScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = LineIndex(text)
        self.spans: list[MathSpan] = []

    def _skip_comment(self, i: int) -> int:
        nl = self.text.find("\n", i)
        return len(self.text) if nl < 0 else nl

    def _line_is_blank(self, i: int) -> bool:
        end = self.text.find("\n", i)
        return not self.text[i : len(self.text) if end < 0 else end].strip()

    def _find_close(self, i: int, closer: str) -> int:
        """Offset of ``closer`` at or after ``i`` in math mode, skipping escapes and comments."""
        text = self.text
        while i < len(text):
            if text.startswith(closer, i):
                return i
            ch = text[i]
            if ch == "\\":
                i += 2
            elif ch == "%":
                i = self._skip_comment(i)
            elif ch == "\n" and self._line_is_blank(i + 1):
                return -1  # blank line: TeX ends math at a paragraph break
            else:
                i += 1
        return -1

    def _add(self, c_start: int, c_end: int, close_at: int, display: bool, delimiter: str) -> None:
        line, column = self.index.locate(c_start)
        end_line, _ = self.index.locate(close_at)
        latex = _strip_tex_comments(self.text[c_start:c_end])
        self.spans.append(MathSpan(latex, line, column, end_line, display, delimiter))

    def scan(self) -> list[MathSpan]:
        text = self.text
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%":
                i = self._skip_comment(i)
            elif ch == "$":
                i = self._dollar(i)
            elif ch == "\\":
                i = self._backslash(i)
            else:
                i += 1
        return self.spans

    def _dollar(self, i: int) -> int:
        delim = "$$" if self.text.startswith("$$", i) else "$"
        start = i + len(delim)
        close = self._find_close(start, delim)
        if close < 0:
            return start  # unmatched: treat as a literal
        self._add(start, close, close, delim == "$$", delim)
        return close + len(delim)

    def _backslash(self, i: int) -> int:
        text = self.text
        nxt = text[i + 1 : i + 2]
        if nxt in ("[", "("):
            closer = "\\]" if nxt == "[" else "\\)"
            close = self._find_close(i + 2, closer)
            if close < 0:
                return i + 2
            self._add(i + 2, close, close, nxt == "[", "\\" + nxt)
            return close + 2
        if text.startswith("verb", i + 1) and i + 5 < len(text) and not text[i + 5].isalpha():
            # \verb|...| (or \verb*|...|): skip to the matching delimiter.
            j = i + 5 + (1 if text[i + 5] == "*" else 0)
            end = text.find(text[j], j + 1) if j < len(text) else -1
            return len(text) if end < 0 else end + 1
        m = _BEGIN.match(text, i)
        if m:
            env = m.group(1)
            end_tag = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}")
            if env in _TEX_VERBATIM_ENVS:
                e = end_tag.search(text, m.end())
                return len(text) if e is None else e.end()
            if env in _TEX_DISPLAY_ENVS or env in _TEX_INLINE_ENVS:
                e = self._find_env_end(m.end(), end_tag)
                if e is None:
                    return m.end()
                self._add(m.end(), e.start(), e.start(), env in _TEX_DISPLAY_ENVS, env)
                return e.end()
            return m.end()
        return i + 2  # control symbol or first two characters of a control word

    def _find_env_end(self, i: int, end_tag: re.Pattern[str]) -> re.Match[str] | None:
        # Search outside comments only, so a commented-out \end does not count.
        text = self.text
        while i < len(text):
            ch = text[i]
            if ch == "%":
                i = self._skip_comment(i)
                continue
            if ch == "\\":
                m = end_tag.match(text, i)
                if m:
                    return m
                i += 2
                continue
            i += 1
        return None

"""Locate every math span in a notes file (Markdown or TeX) with its exact position.

Positions
---------
* ``line`` / ``end_line`` are 1-based lines of the opening and closing delimiter.
* ``column`` is the 1-based column of the first character of the *content*, i.e. the
  character right after the opening delimiter (``$``, ``$$``, ``\\[``, ``\\(`` or
  ``\\begin{env}``), on ``line``.  Columns count Python ``str`` characters (code points);
  a tab counts as one column.
* Lines are split on ``\\n`` only, after ``\\r\\n`` / ``\\r`` have been normalised to
  ``\\n`` (as markdown-it does), so form feeds or U+2028 inside a line do not shift lines.

Markdown is read by verify/notes/markdown_math.py, TeX by verify/notes/tex_math.py.
"""

from __future__ import annotations

from pathlib import Path

from verify.notes.markdown_math import find_markdown_math
from verify.notes.spans import MathSpan, normalize
from verify.notes.tex_math import TexScanner

__all__ = ["MathSpan", "find_math", "find_math_in_file"]

_MARKDOWN_SUFFIXES = {".md", ".markdown"}
_TEX_SUFFIXES = {".tex"}


def find_math(text: str, *, kind: str = "markdown") -> list[MathSpan]:
    """All math spans of ``text`` in document order. ``kind`` is 'markdown' or 'tex'."""
    text = normalize(text)
    if kind == "markdown":
        return find_markdown_math(text)
    if kind == "tex":
        return TexScanner(text).scan()
    raise ValueError(f"kind must be 'markdown' or 'tex', not {kind!r}")


def find_math_in_file(path: str | Path) -> list[MathSpan]:
    """Read ``path`` (UTF-8) and find its math; the kind comes from the suffix."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in _MARKDOWN_SUFFIXES:
        kind = "markdown"
    elif suffix in _TEX_SUFFIXES:
        kind = "tex"
    else:
        raise ValueError(f"{p}: unknown notes suffix {suffix!r} (expected .md, .markdown or .tex)")
    return find_math(p.read_text(encoding="utf-8"), kind=kind)

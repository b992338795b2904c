"""LaTeX -> MathML for the HTML report, never blank: what cannot be converted stays visible as code."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from latex2mathml.converter import convert

# latex2mathml turns an unknown command into `<mi>\foo</mi>` instead of failing; such output would
# show a stray backslash inside the formula, so it counts as a failed conversion.
_UNKNOWN_COMMAND = re.compile(r"<m[a-z]+[^>]*>\\[A-Za-z]+</m[a-z]+>")

# Spacing and sizing commands latex2mathml does not know and that carry no meaning on a page.
_DROP = re.compile(r"\\(?:displaystyle|textstyle|nonumber|notag|label\{[^{}]*\}|tag\{[^{}]*\})")
_SUBSTITUTE = {
    r"\dfrac": r"\frac",
    r"\tfrac": r"\frac",
    r"\lVert": r"\|",
    r"\rVert": r"\|",
    r"\lvert": r"|",
    r"\rvert": r"|",
    # latex2mathml flattens these into one line with a literal `&`; the equivalents it lays out as tables:
    r"\begin{aligned}": r"\begin{split}",
    r"\end{aligned}": r"\end{split}",
    r"\begin{gathered}": r"\begin{array}{c}",
    r"\end{gathered}": r"\end{array}",
}


def _prepare(latex: str) -> str:
    text = _DROP.sub("", latex)
    for old, new in _SUBSTITUTE.items():
        text = text.replace(old, new)
    # A trailing `\\` (row break before a closing delimiter) makes an empty row; drop it.
    text = re.sub(r"\\\\\s*$", "", text.strip())
    # Rows quoted out of an aligned environment (`\phi_0 &= ...`): lay them out as one again.
    if "\\begin{" not in text and (re.search(r"(?<!\\)&", text) or "\\\\" in text):
        text = f"\\begin{{split}}{text}\\end{{split}}"
    return text


def fallback(latex: str, display: bool) -> str:
    """The LaTeX source as code, marked so that the page (and tests) can tell it apart."""
    cls = "tex-fallback display" if display else "tex-fallback"
    title = "shown as LaTeX: could not convert to MathML"
    return f'<code class="{cls}" title="{title}">{html.escape(latex)}</code>'


@lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool = False) -> str:
    """MathML markup for `latex`, or its escaped source in <code> when conversion fails or is empty."""
    if not latex.strip():
        return fallback(latex, display)
    try:
        out = convert(_prepare(latex), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - latex2mathml raises many exception types; any means "fall back"
        return fallback(latex, display)
    empty = not any(tag in out for tag in ("<mi>", "<mn>", "<mo", "<mtext>"))
    # A literal `&` or a `\\` turned into a line break that browsers ignore: rows would run together.
    flattened = "<mi>&</mi>" in out or 'linebreak="newline"' in out
    if _UNKNOWN_COMMAND.search(out) or "<mrow></mrow></math>" in out or empty or flattened:
        return fallback(latex, display)
    # Keep the source for copy and for readers without MathML support.
    return out.replace("<math ", f'<math alttext="{html.escape(latex, quote=True)}" ', 1)


# The checker's diagnoses embed LaTeX ("missing term -2 y_{i} inside the sum", "off by factor \frac{1}{2}",
# "12 where 24 is derived"); these spans are typeset, the prose around them stays text.
_PROSE_MATH = re.compile(
    r"(?P<kw>missing term|extra term|differs by|off by factor) (?P<m>[^;()]+?)(?= inside the sum|;|$)"
    r"|(?P<a>[^\s;:]+) where (?P<b>[^\s;]+) is derived")


def math_in_prose(text: str) -> str:
    """HTML of a checker message, its LaTeX fragments as inline MathML (or code when they do not convert)."""
    out, pos = [], 0
    for m in _PROSE_MATH.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        if m.group("kw"):
            out.append(f"{html.escape(m.group('kw'))} {to_mathml(m.group('m'))}")
        else:
            out.append(f"{to_mathml(m.group('a'))} where {to_mathml(m.group('b'))} is derived")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)

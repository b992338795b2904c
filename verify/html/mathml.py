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
}


def _prepare(latex: str) -> str:
    text = _DROP.sub("", latex)
    for old, new in _SUBSTITUTE.items():
        text = text.replace(old, new)
    # A trailing `\\` (row break before a closing delimiter) makes an empty row; drop it.
    return re.sub(r"\\\\\s*$", "", text.strip())


def fallback(latex: str, display: bool) -> str:
    """The LaTeX source as code, marked so that the page (and tests) can tell it apart."""
    cls = "tex-fallback display" if display else "tex-fallback"
    return f'<code class="{cls}" title="shown as LaTeX: could not convert to MathML">{html.escape(latex)}</code>'


@lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool = False) -> str:
    """MathML markup for `latex`, or its escaped source in <code> when conversion fails or is empty."""
    if not latex.strip():
        return fallback(latex, display)
    try:
        out = convert(_prepare(latex), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - latex2mathml raises many exception types; any means "fall back"
        return fallback(latex, display)
    if _UNKNOWN_COMMAND.search(out) or "<mrow></mrow></math>" in out or "<mi>" not in out and "<mn>" not in out \
            and "<mo" not in out and "<mtext>" not in out:
        return fallback(latex, display)
    # Keep the source for copy and for readers without MathML support.
    return out.replace("<math ", f'<math alttext="{html.escape(latex, quote=True)}" ', 1)

"""Numeric-table claims (a printed vector or matrix): claimed vs derived entry by entry, wrong cells marked.

Read back from the report: the derived matrix from `expected_latex` (the project's LaTeX writer prints
`\\left[\\begin{matrix}a & b\\\\c & d\\end{matrix}\\right]`), the claimed entries from the wrong step's LaTeX
(`[a, b, c, d]`, row by row) and the wrong entries from the checker's message (`entry (1,2): claimed ...`).
"""

from __future__ import annotations

import html
import re

from verify.result import ClaimResult, Verdict

_MATRIX = re.compile(r"\\begin\{[pb]?matrix\}(.*?)\\end\{[pb]?matrix\}", re.S)
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_ENTRY = re.compile(r"entry (?:\((\d+),(\d+)\)|(\d+)): claimed")


def _numbers(cells: list[str]) -> list[str] | None:
    cells = [c.strip() for c in cells]
    return cells if cells and all(_NUMBER.match(c) for c in cells) else None


def _matrix(latex: str | None) -> list[list[str]] | None:
    """Rows of number strings of the first matrix environment in `latex`."""
    m = _MATRIX.search(latex or "")
    if m is None:
        return None
    rows = [r for r in re.split(r"\\\\", m.group(1)) if r.strip()]
    parsed = [_numbers(r.split("&")) for r in rows]
    if not parsed or any(p is None for p in parsed) or len({len(p) for p in parsed if p}) != 1:
        return None
    return [p for p in parsed if p is not None]


def _flat_claimed(result: ClaimResult) -> list[str] | None:
    for st in result.steps:
        if st.verdict is Verdict.WRONG:
            text = st.latex.strip()
            if text.startswith("[") and text.endswith("]"):
                return _numbers(text[1:-1].split(","))
    rows = _matrix(result.claimed_latex)
    return [c for r in rows for c in r] if rows else None


def _wrong_cells(result: ClaimResult, rows: int, cols: int) -> set[int]:
    text = " ".join([st.message for st in result.steps if st.verdict is Verdict.WRONG] or [result.message])
    cells = set()
    for i, j, k in _ENTRY.findall(text):
        cells.add((int(i) - 1) * cols + int(j) - 1 if i else int(k) - 1)
    return {c for c in cells if 0 <= c < rows * cols}


def _fmt(text: str) -> str:
    try:
        return f"{float(text):.6g}"
    except ValueError:
        return text


def numeric_table(result: ClaimResult) -> str | None:
    """HTML table for a wrong vector/matrix claim of printed numbers, or None when it is not one."""
    derived = _matrix(result.expected_latex)
    if derived is None:
        return None
    rows, cols = len(derived), len(derived[0])
    if rows * cols < 2:
        return None  # one number: the counterexample row already shows both values
    claimed = _flat_claimed(result)
    if claimed is not None and len(claimed) != rows * cols:
        claimed = None
    wrong = _wrong_cells(result, rows, cols)
    if not wrong:
        return None
    head = "".join(f'<th scope="col">column {j + 1}</th>' for j in range(cols))
    body = []
    for i in range(rows):
        cells = []
        for j in range(cols):
            k = i * cols + j
            mine = f'<span class="cell-claimed">claimed {html.escape(claimed[k])}</span>' if claimed else ""
            theirs = f'<span class="cell-derived">derived {html.escape(_fmt(derived[i][j]))}</span>'
            cls, label = ("cell-wrong", "\u2717 wrong") if k in wrong else ("cell-ok", "\u2713 ok")
            cells.append(f'<td class="{cls}"><span class="cell-label">{label}</span>{mine}{theirs}</td>')
        body.append(f'<tr><th scope="row">row {i + 1}</th>{"".join(cells)}</tr>')
    caption = (f"{len(wrong)} of {rows * cols} entries wrong (marked \u2717); each cell shows the claimed "
               "and the derived value")
    return (f'<table class="numtable"><caption>{caption}</caption><thead><tr><td></td>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')

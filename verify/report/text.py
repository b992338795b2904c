"""Human-readable report: a table of claims, a summary, then details of every wrong claim.

On a terminal it is coloured; otherwise (pipes, files, CI logs, snapshots) it is plain ASCII text
of a fixed width, so output does not depend on the environment. The verdict is always spelled
out, never conveyed by colour alone.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path
from typing import TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from verify.report import detail_lines, finding_location, non_correct
from verify.result import ClaimResult, Report, Verdict

PLAIN_WIDTH = 120
REASON_CHARS = 70

VERDICT_STYLE: dict[Verdict, str] = {
    Verdict.CORRECT: "green",
    Verdict.WRONG: "bold red",
    Verdict.ILL_POSED: "red",
    Verdict.UNPARSED: "magenta",
    Verdict.UNVERIFIED: "yellow",
    Verdict.INCOMPLETE: "cyan",
}


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False


def _short_reason(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first if len(first) <= REASON_CHARS else first[: REASON_CHARS - 3].rstrip() + "..."


def _verdict_text(verdict: Verdict) -> Text:
    return Text(verdict.value, style=VERDICT_STYLE[verdict])


_HEADERS = ("Exercise", "Claim", "Verdict", "Reason")
_MIN_WIDTHS = (12, 12, len("ill-posed"), 24)
_SHRINK_ORDER = (3, 1, 0)   # the reason gives up width first, then the claim id, then the exercise id


def column_widths(rows: list[tuple[str, str, str, str]], total: int) -> list[int]:
    """Content widths of the table's four columns on `total` characters: each column as wide as its longest
    cell, narrowed (reason first) until the table fits. Computed here because rich, left to measure every cell of
    a suite's hundreds of rows itself, takes longer than the rest of a warm run."""
    widths = [max([len(h), *(len(r[k]) for r in rows)]) for k, h in enumerate(_HEADERS)]
    excess = sum(widths) + 3 * len(widths) + 1 - total   # "| " + " | " * 3 + " |"
    for floor in (_MIN_WIDTHS, (1, 1, 1, 1)):   # down to a readable width first, then as far as it takes
        for k in _SHRINK_ORDER:
            give = min(max(excess, 0), max(0, widths[k] - floor[k]))
            widths[k] -= give
            excess -= give
    return widths


def rich_table(report: Report, width: int, tty: bool) -> Table:
    rows = [(r.exercise, r.claim, r.verdict.value, _short_reason(r.message)) for r in report.results]
    table = Table(box=box.ROUNDED if tty else box.ASCII, show_lines=False, header_style="bold")
    for header, w, verdict in zip(_HEADERS, column_widths(rows, width), (False, False, True, False), strict=True):
        table.add_column(header, width=w, no_wrap=verdict, overflow="fold")
    for r, (exercise, claim, _, reason) in zip(report.results, rows, strict=True):
        # Text objects (not markup strings) so LaTeX like `[0, 1]` is never read as rich markup.
        table.add_row(Text(exercise), Text(claim), _verdict_text(r.verdict), Text(reason))
    return table


def plain_table(report: Report, width: int) -> list[str] | None:
    """The table as rich draws it with `box.ASCII` on a plain console (cells wrapped at spaces, a word longer
    than its column folded), drawn directly: rich's layout engine spends most of a warm run on a suite's
    hundreds of rows. tests/report/test_report_formats.py holds the two to the same output. None when a cell
    has a character wider or narrower than one column (rich measures those; this does not)."""
    rows = [(r.exercise, r.claim, r.verdict.value, _short_reason(r.message)) for r in report.results]
    widths = column_widths(rows, width)
    if sum(widths) + 13 > width or any(cell_len(c) != len(c) for row in rows for c in row):
        return None
    rule = "+" + "-" * (sum(widths) + 3 * len(widths) - 1) + "+"
    out = [rule, *_plain_row(_HEADERS, widths), "|" + "+".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        out.extend(_plain_row(row, widths))
    out.append(rule)
    return out


def _plain_row(cells: tuple[str, ...], widths: list[int]) -> list[str]:
    wrapped = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max(len(lines) for lines in wrapped)
    return ["| " + " | ".join((lines[k] if k < len(lines) else "").ljust(w)
                              for lines, w in zip(wrapped, widths, strict=True)) + " |"
            for k in range(height)]


_WORD = re.compile(r"\s*\S+\s*")   # a word with the spaces after it (and, first, any before it)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters as rich wraps a cell: a word that does not fit on the current line
    starts the next one, one longer than a whole line is cut into pieces of `width` characters, and the spaces
    between words stay as written."""
    breaks: list[int] = []
    used = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if length <= width - used:
            used += len(word)
        elif length > width:
            pieces = [word[k:k + width] for k in range(0, len(word), width)]
            for piece in pieces:
                if start:
                    breaks.append(start)
                start += len(piece)
            used = len(pieces[-1])
        elif used and start:
            breaks.append(start)
            used = len(word)
    return [text[a:b].rstrip() for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _summary(report: Report) -> list[Text]:
    s = report.summary()
    head = Text(f"{_plural(s['claims'], 'claim')} in {_plural(s['exercises'], 'exercise')}: ")
    parts = []
    for v in Verdict:
        n = s[v.value]
        parts.append(Text(f"{n} {v.value}", style=VERDICT_STYLE[v] if n else ""))
    head.append(Text(", ").join(parts))
    lines = [head]
    for coll, counts in s["by_collection"].items():
        # Per collection only the non-zero counts, to keep the lines short.
        body = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        lines.append(Text(f"  {coll}: {body}"))
    return lines


def _details(result: ClaimResult, root: Path | None, notes_dir: Path | None) -> list[Text]:
    path, line = finding_location(result, root=root, notes_dir=notes_dir)
    where = f"{path}:{line}" if path and line else (path or "location unknown")
    title = Text()
    title.append(result.verdict.value.upper(), style=VERDICT_STYLE[result.verdict])
    title.append(f" {result.exercise} {result.claim} ({where})", style="bold")
    out = [title]
    for chunk in [result.message, *detail_lines(result)]:
        if chunk.strip():
            # Indent continuation lines too, so multi-line diagnoses stay under their heading.
            out.append(Text(textwrap.indent(chunk.rstrip(), "  ")))
    return out


def _print_all(console: Console, report: Report, root: Path | None, notes_dir: Path | None) -> None:
    plain = None if console.is_terminal else plain_table(report, console.width)
    if plain is None:
        console.print(rich_table(report, console.width, console.is_terminal))
    else:
        for line in plain:
            console.out(line, highlight=False)
    for line in _summary(report):
        console.print(line)
    wrong = [r for r in non_correct(report) if r.verdict is Verdict.WRONG]
    for r in wrong:
        console.print()
        for line in _details(r, root, notes_dir):
            # soft_wrap: never break a LaTeX string across lines, so it can be copied as is.
            console.print(line, soft_wrap=True)


def render(
    report: Report, stream: TextIO, *, root: Path | None = None, notes_dir: Path | None = None
) -> None:
    """Write the text report to `stream`."""
    if _is_tty(stream):
        console = Console(file=stream, highlight=False, markup=False, emoji=False)
        _print_all(console, report, root, notes_dir)
        return
    # Not a terminal: every setting fixed explicitly so environment variables (FORCE_COLOR,
    # COLUMNS, NO_COLOR, TTY_COMPATIBLE) cannot change the output.
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=False,
        force_jupyter=False,
        force_interactive=False,
        color_system=None,
        no_color=True,
        width=PLAIN_WIDTH,
        height=25,
        legacy_windows=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
    _print_all(console, report, root, notes_dir)
    # rich pads table rows to the column width; strip it so the output diffs cleanly.
    stream.write("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")

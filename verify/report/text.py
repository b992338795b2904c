"""Human-readable report: a table of claims, a summary, then details of every wrong claim.

On a terminal it is coloured; otherwise (pipes, files, CI logs, snapshots) it is plain ASCII text
of a fixed width, so output does not depend on the environment. The verdict is always spelled
out, never conveyed by colour alone.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import TextIO

from rich import box
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


def _table(report: Report, tty: bool) -> Table:
    table = Table(box=box.ROUNDED if tty else box.ASCII, show_lines=False, header_style="bold")
    table.add_column("Exercise", overflow="fold")
    table.add_column("Claim", overflow="fold")
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Reason", overflow="fold")
    for r in report.results:
        # Text objects (not markup strings) so LaTeX like `[0, 1]` is never read as rich markup.
        table.add_row(
            Text(r.exercise), Text(r.claim), _verdict_text(r.verdict), Text(_short_reason(r.message))
        )
    return table


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
    console.print(_table(report, console.is_terminal))
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

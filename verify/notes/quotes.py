"""Where a claim's quoted LaTeX is in its notes file: the one quote matcher of check-sources, fix and the HTML
report.

A quote matches a piece of the notes that is equal to it up to what specs drop when they quote: whitespace,
`&` alignment marks, `\\boxed{...}` wrappers (the command and its closing brace) and trailing punctuation of
the quote (`.`, `,`, `;`, `:`). An escaped character (`\\{`, `\\&`) is kept as written. The match gives the line
and column where the quote starts and its span in the text, so it can be marked or replaced.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

_BOXED = "\\boxed{"
_TRAILING = ".,;:"


@dataclass(frozen=True)
class QuoteMatch:
    line: int  # 1-based line of the quote's first character
    column: int  # 1-based column of that character
    end_line: int  # line of its last character (a quote may run over several lines)
    start: int  # text[start:end] is the quote as the notes write it
    end: int
    first: int = -1  # index of its first character in the notes' skeleton (-1: an empty quote)

    def covers(self, line: int) -> bool:
        return self.line <= line <= self.end_line


def skeleton(text: str) -> tuple[str, list[int]]:
    """The characters that count for matching, with the offset of each in `text`."""
    chars: list[str] = []
    offsets: list[int] = []
    boxes: list[bool] = []  # open braces: True for the one a \boxed{ opened
    i, n = 0, len(text)
    while i < n:
        if text.startswith(_BOXED, i):
            boxes.append(True)
            i += len(_BOXED)
            continue
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            chars += [ch, text[i + 1]]
            offsets += [i, i + 1]
            i += 2
            continue
        if ch == "{":
            boxes.append(False)
        elif ch == "}" and boxes and boxes.pop():
            i += 1  # the brace closing a \boxed{ is dropped with it
            continue
        if not ch.isspace() and ch != "&":
            chars.append(ch)
            offsets.append(i)
        i += 1
    return "".join(chars), offsets


def normalise(latex: str) -> str:
    """A quote as it is matched (whitespace, `&`, `\\boxed` and trailing punctuation dropped)."""
    return skeleton(latex)[0].rstrip(_TRAILING)


class NotesText:
    """One notes file's text, prepared once for the quotes of all its claims."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._chars, self._offsets = skeleton(text)
        self._line_starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]

    @property
    def line_count(self) -> int:
        return len(self._line_starts) - (1 if self.text.endswith("\n") else 0)

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset)

    def _match(self, first: int, length: int) -> QuoteMatch:
        start, last = self._offsets[first], self._offsets[first + length - 1]
        line = self._line_of(start)
        return QuoteMatch(line, start - self._line_starts[line - 1] + 1, self._line_of(last), start, last + 1, first)

    def occurrences(self, latex: str) -> list[QuoteMatch]:
        """Every place the quote occurs, in reading order (none for a quote with nothing to match)."""
        quote = normalise(latex)
        if not quote:
            return []
        found, k = [], self._chars.find(quote)
        while k >= 0:
            found.append(self._match(k, len(quote)))
            k = self._chars.find(quote, k + 1)
        return found

    def part(self, match: QuoteMatch, latex: str, start: int, end: int) -> tuple[int, int] | None:
        """Where `latex[start:end]`, a piece of the quote found at `match`, is in the text: (start, end) offsets
        from its first to its last matched character; None when the piece has nothing to match."""
        before = len(skeleton(latex[:start])[0])
        upto = len(skeleton(latex[:end])[0])
        if match.first < 0 or upto <= before or match.first + upto > len(self._offsets):
            return None
        return self._offsets[match.first + before], self._offsets[match.first + upto - 1] + 1

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line."""
        return self._line_starts[line - 1]

    def line_of(self, offset: int) -> int:
        """The 1-based line of an offset."""
        return self._line_of(offset)

    def at_line(self, latex: str, line: int | None) -> QuoteMatch | None:
        """The occurrence of the quote at its stated line: one starting there, else one running over it.

        A quote with nothing to match (empty, or only whitespace) is at any line the notes have, as an empty
        span at the line's start."""
        if line is None or not 1 <= line <= self.line_count:
            return None
        if not normalise(latex):
            start = self._line_starts[line - 1]
            return QuoteMatch(line, 1, line, start, start)
        covering = [m for m in self.occurrences(latex) if m.covers(line)]
        return next((m for m in covering if m.line == line), covering[0] if covering else None)


__all__ = ["NotesText", "QuoteMatch", "normalise", "skeleton"]

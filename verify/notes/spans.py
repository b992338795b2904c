"""A math span of a notes file, and offset <-> (line, column) conversion shared by the Markdown and TeX readers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class MathSpan:
    latex: str  # math content without delimiters
    line: int  # 1-based line of the opening delimiter
    column: int  # 1-based column of the first content character (right after the delimiter)
    end_line: int  # 1-based line of the closing delimiter
    display: bool  # True for $$..$$, \[..\], environments; False for $..$, \(..\)
    delimiter: str  # '$$', '$', '\\[', '\\(', or the environment name, e.g. 'align*'


def normalize(text: str) -> str:
    # Same newline handling as markdown-it's normalize rule, so offsets agree with it.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class LineIndex:
    """Offset <-> (line, column) conversion over ``\\n``-separated text."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.starts = [0]
        for ln in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(ln) + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        """0-based offset -> (1-based line, 1-based column)."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

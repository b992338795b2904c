"""A progress line on stderr for long runs: `checked N of M exercises`.

On a terminal the line is redrawn in place and erased at the end. Elsewhere (CI logs, pipes, files) a line is
printed every `every` seconds once the run has lasted that long, so a long run is never silent and a short one
prints nothing. `-q` turns it off (`enabled=False`).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    def __init__(self, what: str = "exercises", *, verb: str = "checked", stream: TextIO | None = None,
                 every: float = 10.0, enabled: bool = True) -> None:
        self.what, self.verb, self.every, self.enabled = what, verb, every, enabled
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self.last = self.start
        self.drawn = False

    def text(self, done: int, total: int) -> str:
        return f"{self.verb} {done} of {total} {self.what} ({time.monotonic() - self.start:.0f} s)"

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        now = time.monotonic()
        if self.tty:
            if now - self.last >= 0.2 or done == total:
                self.stream.write("\r\x1b[K" + self.text(done, total))
                self.stream.flush()
                self.last, self.drawn = now, True
        elif now - self.last >= self.every:
            print(self.text(done, total), file=self.stream, flush=True)
            self.last = now

    def close(self) -> None:
        """Erase the line drawn on a terminal (the report follows on stdout)."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


__all__ = ["ProgressLine"]

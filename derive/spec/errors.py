"""Errors in spec files (a leaf module): str() is `file:line: message`."""

from __future__ import annotations

from pathlib import Path


class SpecError(ValueError):
    """A problem in a spec file; str() is `file:line: message`."""

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.message = message
        super().__init__(f"{self.file}:{line or 1}: {message}")

    def __reduce__(self):  # keep file/line when raised in a worker process
        return (SpecError, (self.file, self.line, self.message))

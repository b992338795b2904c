"""Shared pieces of the readers of structured claim data (code claims' kernels, region claims' networks).

A leaf module: the readers raise :class:`ClaimDataError` with the line it concerns, and the loader
(derive/spec/load.py) turns it into its `file:line: message` SpecError.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


class ClaimDataError(ValueError):
    """Malformed structured data in a claim; `line` is the spec line it concerns (None: the claim's)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def line_of(mapping: Any, key: str | None = None) -> int | None:
    """The line of `key` in a mapping read from YAML (or of the mapping itself); None for plain data."""
    if key is not None and hasattr(mapping, "line_of"):
        return mapping.line_of(key)
    return getattr(mapping, "line", None)


def mapping(value: Any, what: str, line: int | None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ClaimDataError(f"{what} must be a mapping", line)
    return value


def number(value: Any, what: str, line: int | None) -> int | float:
    """A finite number from YAML data (text, booleans and nan/inf refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ClaimDataError(f"{what} must be a number, got {value!r}", line)
    return value


def numbers(value: Any, what: str, line: int | None) -> tuple[int | float, ...]:
    if not isinstance(value, list) or not value:
        raise ClaimDataError(f"{what} must be a non-empty list of numbers", line)
    return tuple(number(v, what, line) for v in value)

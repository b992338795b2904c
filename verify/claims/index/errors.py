"""The one error of the index-notation reader and checker (a leaf module: every index module raises it)."""

from __future__ import annotations


class IndexError_(ValueError):
    """The claim cannot be read or evaluated as written (shape, index or range problem)."""

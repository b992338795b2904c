"""Exit codes of every derivcheck command, and the error that means "bad input": one leaf module.

0: nothing wrong (all correct, equivalent, no lint finding); 1: a finding (a wrong or ill-posed claim, not
equivalent, a lint finding, quotes that drifted); 2: usage or input error, reported as one line.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input or arguments: the CLI prints `derivcheck: <message>` (one line) and exits EXIT_USAGE."""


__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "UsageError"]

"""JSON report: exactly `Report.to_dict()`, the documented machine-readable contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from verify.result import Report


def render(
    report: Report, stream: TextIO, *, root: Path | None = None, notes_dir: Path | None = None
) -> None:
    """Write the report as indented JSON (key order as in `to_dict`, so output is deterministic).

    `root` and `notes_dir` are accepted for a uniform signature but unused: the JSON keeps the
    file names exactly as the spec gives them, so a saved report can be re-rendered later.
    """
    # default=str: counterexample values are typed `Any` (e.g. an mpmath number); a string is
    # better than a crash when the checker hands over a non-JSON type.
    stream.write(json.dumps(report.to_dict(), indent=2, sort_keys=False, default=str) + "\n")

"""Run memo: the whole report of a `verify` run, keyed by the bytes of its spec files, its options and the
checker's code, so that re-running an unchanged suite answers without importing SymPy or loading a spec.

The per-exercise result cache (verify/run/cache.py) already avoids re-checking; what remains of a warm run is
importing the checker (~0.7 s) and reading the specs, which this skips. A run is remembered only when every
exercise's results were cacheable (none stopped by a budget from outside), and never for `--allow-code` or
`--no-cache`. Standard library and verify/result.py only: nothing here may import the checker.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from derive.spec.errors import SpecError
from derive.spec.files import spec_files
from verify.result import ClaimResult, Report, ResultFormatError
from verify.run.fingerprint import code_fingerprint

_PREFIX = "run-"


def run_key(paths: list[Path], *, select: list[str], seed: int, timeout: float, memory_mb: int | None,
            plots: bool, version: str) -> str | None:
    """The memo key of a run over `paths`; None when the spec files cannot be listed or read (the full run then
    reports why)."""
    h = hashlib.blake2b(digest_size=20)
    try:
        files = spec_files(paths)
        for f in files:
            h.update(str(f).encode() + b"\0" + f.read_bytes() + b"\0")
    except (SpecError, OSError):
        return None
    h.update(json.dumps([sorted(select), seed, timeout, memory_mb, plots, version, code_fingerprint()]).encode())
    return h.hexdigest()


def recall(directory: Path, key: str) -> Report | None:
    """The remembered report, or None (absent, unreadable or not a report: then the run is done again)."""
    try:
        data = json.loads((directory / f"{_PREFIX}{key}.json").read_text(encoding="utf-8"))
        return Report(results=[ClaimResult.from_dict(d) for d in data["results"]],
                      tool_version=str(data["version"]), seed=int(data["seed"]))
    except (OSError, ValueError, KeyError, TypeError, ResultFormatError):
        return None


def remember(directory: Path, key: str, report: Report) -> None:
    write_json(directory / f"{_PREFIX}{key}.json", {"version": report.tool_version, "seed": report.seed,
                                                     "results": [r.to_dict() for r in report.results]})


def write_json(path: Path, data: Any) -> None:
    """Write `data` atomically (a reader never sees half a file); a cache that cannot be written only costs
    time, so an OSError is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        pass

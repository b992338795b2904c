"""Result cache: an exercise's results keyed by a content hash of everything they depend on.

The key covers the exercise spec (claims, definitions, recipes), the checker's own source code,
the seed, the time and memory budgets and whether plot data was asked for, so an unchanged suite re-runs without symbolic work and any change
to a spec or to the tool misses the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from derive.spec.model import ExerciseSpec
from verify.result import ClaimResult

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]   # verify/run/cache.py -> the project


def fingerprinted_files() -> list[Path]:
    """The code a cached result depends on: every module and grammar of derive/ and verify/."""
    return [f for pkg in ("derive", "verify") for f in sorted((_PACKAGE_ROOT / pkg).rglob("*"))
            if f.suffix in (".py", ".lark") and f.is_file()]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    h = hashlib.blake2b(digest_size=16)
    for f in fingerprinted_files():
        h.update(f.relative_to(_PACKAGE_ROOT).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def cache_key(ex: ExerciseSpec, *, seed: int, timeout: float, plots: bool = False,
              memory_mb: int | None = None) -> str:
    payload = json.dumps([dataclasses.asdict(ex), seed, timeout, plots, memory_mb, code_fingerprint()],
                         sort_keys=True, default=str)
    return hashlib.blake2b(payload.encode(), digest_size=20).hexdigest()


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, key: str) -> list[ClaimResult] | None:
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            return [ClaimResult.from_dict(d) for d in data]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, results: list[ClaimResult]) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump([r.to_dict() for r in results], fh)
            os.replace(tmp, self.directory / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time

"""Result cache: an exercise's results keyed by a content hash of everything they depend on.

The key covers the exercise spec (claims, definitions, recipes), the checker's own source code,
the seed, the time and memory budgets and whether plot data was asked for, so an unchanged suite re-runs without symbolic work and any change
to a spec or to the tool misses the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from derive.spec.model import ExerciseSpec
from verify.result import ClaimResult
from verify.run.fingerprint import code_fingerprint
from verify.run.memo import write_json


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
        write_json(self.directory / f"{key}.json", [r.to_dict() for r in results])

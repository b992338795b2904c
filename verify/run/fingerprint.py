"""The checker's own code as one hash: any change to a module or grammar of derive/ or verify/ misses every
cached result (verify/run/cache.py, verify/run/memo.py). Standard library only, so that a warm run can ask for
it before importing SymPy."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]   # verify/run/fingerprint.py -> the project


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

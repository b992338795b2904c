"""Which files are specs: a leaf module, so that finding them (and hashing them for the run memo,
verify/run/memo.py) needs neither YAML nor SymPy."""

from __future__ import annotations

from pathlib import Path

from derive.spec.errors import SpecError

SPEC_SUFFIXES = (".yaml", ".yml")


def spec_files(paths: list[Path]) -> list[Path]:
    """The spec files of `paths`: files as given, folders searched recursively (sorted); SpecError for a path
    that does not exist."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in SPEC_SUFFIXES and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise SpecError(p, None, "no such file or directory")
    return files

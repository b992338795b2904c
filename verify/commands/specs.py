"""Loading the specs a subcommand is given: bad input becomes one UsageError line."""

from __future__ import annotations

from pathlib import Path

from derive.spec.errors import SpecError
from derive.spec.model import ExerciseSpec
from verify.claims.registry import load_suite
from verify.exit_codes import UsageError


def load_exercises(paths: list[str], select: list[str] | None = None) -> list[ExerciseSpec]:
    """The exercises of `paths` (files or folders), only those whose id starts with one of `select` if given."""
    try:
        exercises = load_suite([Path(p) for p in paths])
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    if select:
        exercises = [ex for ex in exercises if any(ex.id == s or ex.id.startswith(s) for s in select)]
        if not exercises:
            raise UsageError(f"no exercise matches --select {' '.join(select)}")
    return exercises


def notes_folder(value: str) -> Path:
    """`--notes-dir`, which must be a folder."""
    notes_dir = Path(value)
    if not notes_dir.is_dir():
        raise UsageError(f"--notes-dir {notes_dir}: no such folder")
    return notes_dir

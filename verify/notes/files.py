"""Notes files by the name a spec or a saved report gives them: always inside the notes folder.

A saved report is untrusted input and a spec names files too, so a name is resolved (symbolic links and `..`
followed) and refused when it lands outside the folder: `../../home/user/secret.md` is never read or written.
"""

from __future__ import annotations

from pathlib import Path


class NotesPathError(ValueError):
    """A notes file name that leads outside the notes folder."""


def notes_path(folder: Path, name: str) -> Path:
    """`folder / name`, resolved; NotesPathError when that is not inside `folder`."""
    base = Path(folder).resolve()
    try:
        path = (base / name).resolve()
    except (OSError, ValueError):  # a NUL byte, a symlink loop
        raise NotesPathError(f"{name!r}: not a file name") from None
    if path == base or not path.is_relative_to(base):
        raise NotesPathError(f"{name}: outside the folder {folder}")
    return path


def read_notes(folder: Path, name: str) -> str:
    """The text of a notes file under `folder` (NotesPathError, OSError, UnicodeDecodeError when it cannot be)."""
    return notes_path(folder, name).read_text(encoding="utf-8")


__all__ = ["NotesPathError", "notes_path", "read_notes"]

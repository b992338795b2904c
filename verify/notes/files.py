"""Notes files by the name a spec or a saved report gives them: always inside the notes folder.

A saved report is untrusted input and a spec names files too, so a name is resolved (symbolic links and `..`
followed) and refused when it lands outside the folder: `../../home/user/secret.md` is never read or written.
"""

from __future__ import annotations

from pathlib import Path


class NotesPathError(ValueError):
    """A notes file name that leads outside the notes folder."""


class NotesReadError(ValueError):
    """A notes file that cannot be read as text: str() is one line, `path: why`."""


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


def read_notes_or_explain(folder: Path, name: str) -> str:
    """The text of a notes file under `folder`; NotesReadError (one line naming the file) when it cannot be
    read: outside the folder, missing, or not UTF-8 (the line and column of the first bad byte)."""
    try:
        path = notes_path(folder, name)
        return path.read_text(encoding="utf-8")
    except NotesPathError as exc:
        raise NotesReadError(f"notes file {exc}") from None
    except UnicodeDecodeError as exc:
        data = path.read_bytes()
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise NotesReadError(f"{path}:{line}:{column}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                             "save the notes as UTF-8") from None
    except OSError as exc:
        raise NotesReadError(f"{Path(folder) / name}: {exc.strerror or exc}") from None


__all__ = ["NotesPathError", "NotesReadError", "notes_path", "read_notes", "read_notes_or_explain"]

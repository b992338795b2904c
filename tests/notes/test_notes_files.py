"""Notes file names never reach outside the notes folder (they come from specs and untrusted reports)."""

from __future__ import annotations

import pytest

from verify.notes.files import NotesPathError, notes_path, read_notes


def test_names_inside_the_folder_are_read(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "n.md").write_text("x")
    assert read_notes(tmp_path, "sub/n.md") == "x"
    assert notes_path(tmp_path, "sub/../sub/n.md") == (tmp_path / "sub" / "n.md").resolve()


@pytest.mark.parametrize("name", ["../secret.md", "../../../../home/user/secret.md", "/etc/passwd", ".",
                                  "link/secret.md", "a\x00b.md"])
def test_names_outside_the_folder_are_refused(tmp_path, name):
    notes = tmp_path / "notes"
    notes.mkdir()
    (tmp_path / "secret.md").write_text("secret")
    (notes / "link").symlink_to(tmp_path)  # a symbolic link out of the folder is followed, then refused
    with pytest.raises(NotesPathError):
        read_notes(notes, name)

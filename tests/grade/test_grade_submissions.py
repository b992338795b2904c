"""The three submission forms, read lazily; every malformed entry is one `file:line: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.exit_codes import UsageError
from verify.grade.submissions import Answer, BadLine, read_submissions, submission_form


def _entries(path: Path) -> list[Answer | BadLine]:
    return list(read_submissions(path))


def test_jsonl_answers_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"student": "ada", "exercise": "e/1", "claim": "c", "latex": "x^2"}\n'
                  b"\n"
                  b"not json\n"
                  b'["a list"]\n'
                  b'{"student": "bob", "exercise": "e/1", "claim": "c"}\n'
                  b'{"student": 3, "exercise": "e/1", "claim": "c", "latex": "x"}\n'
                  b'{"student": "cy", "exercise": "e/1", "claim": "c", "latex": "  "}\n'
                  b'{"student": "d\xff", "exercise": "e/1", "claim": "c", "latex": "x"}\n'
                  b'{"student": "eve", "exercise": "e/1", "claim": "c", "latex": "2x", "extra": 1}\n')
    got = _entries(f)
    assert got[0] == Answer("ada", "e/1", "c", "x^2", str(f), 1)
    assert got[-1] == Answer("eve", "e/1", "c", "2x", str(f), 9)
    bad = [e for e in got if isinstance(e, BadLine)]
    assert [b.line for b in bad] == [3, 4, 5, 6, 7, 8]
    assert bad[0].text().startswith(f"{f}:3: not a JSON object")
    assert "missing field 'latex'" in bad[2].message
    assert "'student' must be text" in bad[3].message
    assert "empty" in bad[4].message
    assert "UTF-8" in bad[5].message


def test_csv_any_column_order_quoted_lines_and_bad_rows(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("id,latex,claim,exercise,student\n"
                 '1,"x^2",c,e/1,ada\n'
                 '2,"\\begin{aligned} a &= b\n \\end{aligned}",c,e/1,bob\n'
                 "3,short\n"
                 '4,"2x",c,e/1,cy\n', encoding="utf-8")
    got = _entries(f)
    assert got[0] == Answer("ada", "e/1", "c", "x^2", str(f), 2)
    assert got[1].student == "bob" and got[1].line == 3 and "\n" in got[1].latex
    assert isinstance(got[2], BadLine) and got[2].line == 5 and "2 columns" in got[2].message
    assert got[3] == Answer("cy", "e/1", "c", "2x", str(f), 6)


def test_csv_without_a_needed_column_is_a_usage_error(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("student,exercise,answer\nada,e/1,x\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no column 'claim'"):
        _entries(f)


def test_folder_of_markdown_and_tex_with_markers(tmp_path: Path) -> None:
    (tmp_path / "ada.md").write_text(
        "# My answers\n"
        "<!-- derivcheck: e/1#c -->\n"
        "The derivative is $3x^2$, and not $x$.\n"
        "<!-- derivcheck: e/1#d -->\n"
        "$$\n2x\n$$\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bob.tex").write_text(
        "\\section{One}\n% derivcheck: e/1#c\n\\[ 3x^3 \\]\n% derivcheck: e/2\n$y$\n"
        "% derivcheck: e/1#d\n% derivcheck: e/1#e\n$z$\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    got = _entries(tmp_path)
    answers = [e for e in got if isinstance(e, Answer)]
    assert [(a.student, a.claim, a.latex.strip(), a.line) for a in answers] == [
        ("ada", "c", "3x^2", 3), ("ada", "d", "2x", 5), ("sub/bob", "c", "3x^3", 3), ("sub/bob", "e", "z", 8)]
    bad = [e for e in got if isinstance(e, BadLine)]
    assert [(Path(b.file).name, b.line) for b in bad] == [("bob.tex", 4), ("bob.tex", 6)]
    assert "EXERCISE#CLAIM" in bad[0].message and "no formula" in bad[1].message


def test_folder_file_without_markers_or_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("just $x$\n", encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"\xff\xfe$x$")
    got = _entries(tmp_path)
    assert all(isinstance(e, BadLine) and e.line == 1 for e in got) and len(got) == 2
    assert "no answer marker" in got[0].message and "UTF-8" in got[1].message


def test_reading_is_lazy(tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl"
    f.write_text('{"student": "a", "exercise": "e/1", "claim": "c", "latex": "x"}\n' * 1000 + "{broken\n",
                 encoding="utf-8")
    stream = read_submissions(f)
    assert next(stream).line == 1   # the first answer comes before the rest is read (or the bad last line seen)


def test_unknown_forms_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a submission file"):
        submission_form(tmp_path / "a.txt")
    with pytest.raises(UsageError, match="no such file"):
        submission_form(tmp_path / "missing.jsonl")

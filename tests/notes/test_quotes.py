"""The one quote matcher (verify/notes/quotes.py), used by check-sources, fix and the HTML report."""

from __future__ import annotations

from verify.notes.quotes import NotesText, normalise

NOTES = """# Problem 1

Some prose with $a = b$ inline.

\\[\\boxed{\\frac{d}{dz} z^2 = 2z}\\]
\\begin{aligned}
L &= \\sum_i (y_i - f_i)^2 \\\\
  &= \\sum_i y_i^2
\\end{aligned}
A \\{set\\} and $a = b$ again.
"""


def test_what_specs_drop_when_quoting_is_ignored():
    assert normalise(r"\boxed{x = 1}.") == "x=1"
    assert normalise("L &= 2,") == "L=2"
    assert normalise(r"\{a\} & b") == r"\{a\}b"  # escaped braces and ampersands are text
    assert normalise(r"\frac{1}{2}") == r"\frac{1}{2}"  # ordinary braces count


def test_line_column_and_span_of_a_quote():
    notes = NotesText(NOTES)
    m = notes.at_line(r"\frac{d}{dz} z^2 = 2z", 5)
    assert (m.line, m.column, m.end_line) == (5, 10, 5)
    assert NOTES[m.start:m.end] == r"\frac{d}{dz} z^2 = 2z"  # the box's closing brace stays outside


def test_the_occurrence_at_the_stated_line_is_chosen():
    notes = NotesText(NOTES)
    assert [m.line for m in notes.occurrences("a = b")] == [3, 10]
    assert notes.at_line("a=b", 10).column == 16
    assert notes.at_line("a = b", 4) is None  # drift: not at line 4
    assert notes.at_line("c = d", 3) is None


def test_a_quote_may_run_over_lines_and_alignment_marks():
    notes = NotesText(NOTES)
    quote = r"L = \sum_i (y_i - f_i)^2 \\ = \sum_i y_i^2"
    m = notes.at_line(quote, 8)  # stated at its second row: still found, running over it
    assert m is not None and (m.line, m.end_line) == (7, 8)
    assert NOTES[m.start:m.end].endswith("y_i^2") and NOTES[m.start:m.end].startswith("L &=")


def test_whitespace_and_trailing_punctuation_do_not_matter():
    notes = NotesText("Here $$x^2 + y$$.\n")
    assert notes.at_line("x^2+y.", 1) is not None
    assert notes.at_line("x ^ 2 + y ;", 1) is not None
    assert notes.at_line("x^2+z", 1) is None


def test_an_empty_quote_is_at_any_line_the_notes_have():
    notes = NotesText("one\ntwo\n")
    assert notes.at_line("", 2).start == 4
    assert notes.at_line("", 3) is None and notes.at_line("x", None) is None
    assert notes.occurrences("  ") == []

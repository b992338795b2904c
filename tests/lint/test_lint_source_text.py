"""The source text lint shows for a step (display only): spacing at the edges dropped, a thousands separator
kept inside its number (the grammar's document reading makes `2,500` one number, derive/parse/document.lark)."""

from __future__ import annotations

from verify.lint.source import operand_texts, relation_offsets, statement_text


def test_operand_text_keeps_a_thousands_separator_and_drops_edge_spacing() -> None:
    text = r"\quad a = 2,500 \times 0.7 \, "
    offs = relation_offsets(text)
    assert operand_texts(text, offs, 2) == ["a", r"2,500 \times 0.7"]
    assert statement_text(text, offs) == r"a = 2,500 \times 0.7"


def test_a_list_comma_still_ends_an_operand() -> None:
    text = r"y = 1,2"   # not three digits after the comma: two items
    offs = relation_offsets(text)
    assert operand_texts(text, offs, 2) == ["y", "1"]


def test_spacing_commands_at_the_edges_are_dropped_whole() -> None:
    text = r"x = y \qquad"
    assert operand_texts(text, relation_offsets(text), 2) == ["x", "y"]
    text = r"\, \; x = y \! \: \ "
    assert statement_text(text, relation_offsets(text)) == "x = y"

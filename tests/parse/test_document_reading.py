"""Lint's reading of a document's formulas (`parse_latex(..., document=True)`, derive/parse/document.lark):
equation numbers, `\\quad` between formulas and thousands separators are grammar rules there, never text
rewritten before parsing; claims and `equiv` (the default reading) are not affected."""

from __future__ import annotations

import pytest

from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Node


def _shape(text: str, document: bool) -> list[tuple[list[Node], list[str]]]:
    return [(st.operands, st.relations) for st in parse_latex(text, document).statements]


def _number(value: str) -> Node:
    return Node("number", (value,))


@pytest.mark.parametrize("tag", [r"\quad (21.11)", r"\qquad (3)", r"\quad (4a)", r"\quad ( A2.1 )"])
def test_an_equation_number_at_the_end_of_a_row_is_dropped(tag: str) -> None:
    text = rf"y = -0.280 {tag}"
    assert _shape(text, True) == [([Node("name", ("y",)), Node("neg", (_number("0.280"),))], ["="])]
    assert _shape(text, False) != _shape(text, True)   # the default reading keeps it (a call, as written)
    # before a line break or a closing period too, and each row of an aligned block
    rows = _shape(rf"a = b {tag} \\ c = d {tag}.", True)
    assert [r for _, r in rows] == [["="], ["="]] and all(len(ops) == 2 for ops, _ in rows)


def test_a_parenthesis_inside_a_row_is_no_equation_number() -> None:
    # not at the end of a row: `\quad (3) + x` keeps the parenthesis (the `\quad` separates, as a comma)
    (first, second) = _shape(r"a = b \quad (3) + x", True)
    assert first == ([Node("name", ("a",)), Node("name", ("b",))], ["="])
    assert second[0][0].kind == "add"


def test_quad_outside_braces_separates_formulas() -> None:
    assert [r for _, r in _shape(r"Z = UW + B \quad U = g(Z)", True)] == [["="], ["="]]
    assert [r for _, r in _shape(r"Z = UW + B \quad U = g(Z)", False)] == [["=", "="]]
    # inside braces it is spacing: one statement
    assert [r for _, r in _shape(r"x = \frac{a \quad b}{2} \qquad", True)] == [["="]]


def test_thousands_separators_are_one_number_in_documents_only() -> None:
    assert _shape("a = 1,000 + 2,500,000", True) == [
        ([Node("name", ("a",)), Node("add", (_number("1000"), _number("2500000")))], ["="])]
    assert len(_shape("a = 1,000", False)) == 2   # the default reading: a comma between statements
    # not a thousands separator: a subscript list, groups that are not three digits, a decimal before
    for text in ("x_{1,000} = 2", "f(1,00) = 2", "f(1,0000) = 2", "f(2.5,000) = 2"):
        numbers = [n for n in _walk(parse_latex(text, True).statements[0].operands[0])
                   if isinstance(n, Node) and n.kind == "number"]
        assert not any("," in str(n.args[0]) or len(str(n.args[0]).strip(".")) > 4 for n in numbers), text


def _walk(node: object):
    yield node
    if isinstance(node, Node):
        for a in node.args:
            yield from _walk(a)


def test_document_errors_are_parse_errors() -> None:
    with pytest.raises(LatexParseError):
        parse_latex(r"a = \frac{1,000}{", True)

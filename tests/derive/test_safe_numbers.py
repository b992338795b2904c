"""Numbers written in specs are read as data, never evaluated (derive/safe.py)."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.safe import as_expr, as_rational, number_list


def test_nested_lists_of_numbers_are_read() -> None:
    assert number_list("[[1, 2], [3.5, -4e-2]]") == [[1.0, 2.0], [3.5, -0.04]]
    assert number_list(" .5 ") == 0.5
    assert number_list("[]") == []


@pytest.mark.parametrize("text", ["[1,,2]", "[1 2]", '__import__("os")', "[1]]", "[" * 12 + "1" + "]" * 12,
                                  "(1, 2)", "[1, 2] + [3]", "1e999999999999"])
def test_anything_but_numbers_in_brackets_is_refused(text: str) -> None:
    try:
        value = number_list(text)
    except ValueError:
        return
    # only a huge exponent parses; it is a float (inf), never code
    assert text == "1e999999999999" and value == float("inf")


def test_text_never_reaches_sympify() -> None:
    with pytest.raises(ValueError):
        as_expr("__import__('os').system('true')")
    assert as_rational("0.1") == sp.Rational(1, 10)
    with pytest.raises(ValueError):
        as_rational("1/0 if True else 2")

"""Conversion of already-parsed values to SymPy without ever handing text to `sympify` (which evals)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import sympy as sp


def as_expr(value: Any) -> sp.Basic:
    """A SymPy object for a number or SymPy value; text is refused, never evaluated."""
    if isinstance(value, str):
        raise ValueError(f"expected a number or an expression, got the text {value[:40]!r}")
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, float):
        return sp.Float(value)
    if isinstance(value, (int, Fraction)):
        return sp.Rational(value)
    return sp.sympify(value, strict=True)   # strict: only SymPy objects and Python numbers convert


_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?")


def as_rational(value: Any) -> sp.Rational:
    """An exact rational for a number from data (0.5 -> 1/2, '-1.5' -> -3/2); any other text is refused."""
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if not _NUMBER_TEXT.fullmatch(text):
            raise ValueError(f"expected a number, got the text {value[:40]!r}")
        return sp.Rational(text)
    if isinstance(value, float):
        return sp.Rational(str(value))   # the printed decimal, exactly (Rational parses digits only)
    number = as_expr(value)
    if not number.is_Rational:
        raise ValueError(f"expected a rational number, got {number}")
    return number


_LIST_TOKEN = re.compile(r"\s*(?:(\[)|(\])|(,)|([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))")
MAX_LIST_DEPTH = 8


def number_list(text: str) -> float | list[Any]:
    """A number or nested lists of numbers written as text (`[[1, 2], [3.5, -4e-2]]`), read without eval.

    Only brackets, commas and numbers are accepted, nested at most MAX_LIST_DEPTH deep."""
    stack: list[list[Any]] = [[]]
    pos, expect_item = 0, True
    while pos < len(text.rstrip()):
        m = _LIST_TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"not a list of numbers at {text[pos:pos + 20]!r}")
        pos = m.end()
        opening, closing, comma, number = m.groups()
        if opening:
            if not expect_item or len(stack) > MAX_LIST_DEPTH:
                raise ValueError("misplaced or too deeply nested '['")
            stack.append([])
        elif closing:
            if len(stack) == 1:
                raise ValueError("unbalanced ']'")
            done = stack.pop()
            stack[-1].append(done)
            expect_item = False
        elif comma:
            if expect_item or len(stack) == 1:
                raise ValueError("misplaced ','")
            expect_item = True
        else:
            if not expect_item:
                raise ValueError("a ',' is missing between numbers")
            stack[-1].append(float(number))
            expect_item = False
    if len(stack) != 1 or len(stack[0]) != 1:
        raise ValueError("one number or one list of numbers expected")
    return stack[0][0]

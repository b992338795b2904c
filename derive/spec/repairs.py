"""Readings of a garbled `given:` value: the small space of one-edit repairs a grader would try.

A worked example's data printed wrongly is usually one slip of typesetting: a row break in the wrong place
(an entry moved to the adjacent row), an entry dropped or doubled, a matrix written transposed, two numbers
run together (`0.30.4`). `repairs(value)` lists every one-edit change of the raw YAML value (nested lists of
numbers) that leaves it well-formed — a vector, or a matrix whose rows have equal lengths. It does not decide
which one is meant: verify/claims/garbled.py keeps the repairs under which the notes' own printed values come
out. Pure list surgery: no value is evaluated, and text is only ever split into two decimal literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_REPAIRS = 80   # per given: the search multiplies these across givens, so each list stays short
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")


@dataclass(frozen=True)
class Repair:
    """One reading of a given: its repaired raw value and, in words, the edit that made it."""

    value: Any
    how: str


def is_number(entry: Any) -> bool:
    return isinstance(entry, (int, float)) and not isinstance(entry, bool)


def show(value: Any) -> str:
    """A raw value as the spec writes it: `[[0.7, 0.5, 0.3]]`, `[0.1, 0.0, 0.1]`, `0.05`."""
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


# ------------------------------------------------------------------ numbers run together
def _literal(text: str) -> int | float:
    # Only ever called on a full match of _NUMBER (digits, one point, a sign): a decimal literal, not an expression.
    return float(text) if "." in text else int(text)


def number_splits(text: str) -> list[tuple[int | float, int | float]]:
    """The ways a text that is not one number reads as two decimal literals written without a separator:
    `0.30.4` -> (0.3, 0.4); `0.5-0.2` -> (0.5, -0.2); `0.125.5` -> (0.1, 25.5), (0.12, 5.5), (0.125, 0.5).
    Splits giving the same two values (`0.3|0.4`, `0.30|.4`) count once."""
    text = text.strip()
    if _NUMBER.fullmatch(text):
        return []
    out: list[tuple[int | float, int | float]] = []
    for k in range(1, len(text)):
        left, right = text[:k], text[k:]
        if _NUMBER.fullmatch(left) and _NUMBER.fullmatch(right):
            pair = (_literal(left), _literal(right))
            if pair not in out:
                out.append(pair)
    return out


def run_together(value: Any) -> str | None:
    """The first entry of a given (a number, a vector, a matrix) that is two numbers run together, else None."""
    if isinstance(value, list):
        return next((found for v in value if (found := run_together(v)) is not None), None)
    return value.strip() if isinstance(value, str) and number_splits(value) else None


# ------------------------------------------------------------------ well-formed values
def _is_vector(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(is_number(v) for v in value)


def _is_matrix(value: Any) -> bool:
    return (isinstance(value, list) and bool(value) and all(_is_vector(r) for r in value)
            and len({len(r) for r in value}) == 1)


def well_formed(value: Any) -> bool:
    return is_number(value) or _is_vector(value) or _is_matrix(value)


def _rows(value: Any) -> list[list[Any]] | None:
    """A list of rows (a ragged matrix included), or None for a vector or a number."""
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        return [list(r) for r in value]
    return None


# ------------------------------------------------------------------ the edits
def _pool(value: Any) -> list[Any]:
    """What an inserted entry may be: zero, or a copy of an entry the given already has (a doubled value)."""
    flat = [x for r in value for x in r] if _rows(value) is not None else list(value)
    out: list[Any] = [0]
    for x in flat:
        if is_number(x) and all(x != y for y in out):
            out.append(x)
    return out


def _drop_entries(rows: list[list[Any]]) -> list[Repair]:
    out = []
    for i, row in enumerate(rows):
        for j, x in enumerate(row):
            new = [list(r) for r in rows]
            del new[i][j]
            new = [r for r in new if r]   # the only entry of a row dropped: the row was a stray entry
            out.append(Repair(new, f"dropping {show(x)} from row {i + 1}"))
    return out


def _insert_entries(rows: list[list[Any]], pool: list[Any]) -> list[Repair]:
    out = []
    for i, row in enumerate(rows):
        for j in range(len(row) + 1):
            for x in pool:
                new = [list(r) for r in rows]
                new[i].insert(j, x)
                out.append(Repair(new, f"inserting {show(x)} as entry {j + 1} of row {i + 1}"))
    return out


def _move_entries(rows: list[list[Any]]) -> list[Repair]:
    """One entry taken out of a row and put anywhere in an adjacent row (a row break in the wrong place)."""
    out = []
    pairs = [(i, i + 1) for i in range(len(rows) - 1)] + [(i + 1, i) for i in range(len(rows) - 1)]
    for i, j in pairs:
        for p, x in enumerate(rows[i]):
            for q in range(len(rows[j]) + 1):
                new = [list(r) for r in rows]
                del new[i][p]
                new[j].insert(q, x)
                new = [r for r in new if r]
                out.append(Repair(new, f"moving {show(x)} from row {i + 1} to entry {q + 1} of row {j + 1}"))
    return out


def _vector_edits(vec: list[Any]) -> list[Repair]:
    out = []
    for j, x in enumerate(vec):
        out.append(Repair(vec[:j] + vec[j + 1:], f"dropping {show(x)} (entry {j + 1})"))
    for j in range(len(vec) + 1):
        for x in _pool(vec):
            out.append(Repair(vec[:j] + [x] + vec[j:], f"inserting {show(x)} as entry {j + 1}"))
    return out


def _split_edits(value: Any, text: str) -> list[Repair]:
    """Each way of splitting the run-together entry `text` (the only one allowed in the value) in place."""
    def replaced(v: Any, pair: tuple[Any, Any]) -> Any:
        if isinstance(v, list):
            out: list[Any] = []
            for e in v:
                out.extend(pair if isinstance(e, str) else [replaced(e, pair)])
            return out
        return list(pair) if isinstance(v, str) else v

    if _texts(value) != 1:
        return []   # two garbled entries: more than one edit
    return [Repair(replaced(value, pair), f"reading {text} as the two numbers {show(pair[0])}, {show(pair[1])}")
            for pair in number_splits(text)]


def _texts(value: Any) -> int:
    if isinstance(value, list):
        return sum(_texts(v) for v in value)
    return int(isinstance(value, str))


def repairs(value: Any) -> list[Repair]:
    """Every one-edit reading of a raw given that is well-formed and differs from it, without duplicates,
    at most MAX_REPAIRS. A well-formed matrix is only transposed (any other edit makes it ragged); a vector
    loses or gains one entry; a ragged matrix has one entry dropped, inserted or moved to an adjacent row;
    a value with two numbers run together is split there."""
    text = run_together(value)
    if text is not None:
        found = _split_edits(value, text)
    elif _is_matrix(value):
        found = [Repair([list(c) for c in zip(*value, strict=True)], "transposed")] if len(value[0]) > 1 or len(
            value) > 1 else []
    elif _is_vector(value):
        found = _vector_edits(list(value))
    elif (rows := _rows(value)) is not None and all(all(is_number(x) for x in r) for r in rows):
        found = _move_entries(rows) + _drop_entries(rows) + _insert_entries(rows, _pool(rows))
    else:
        found = []
    out: list[Repair] = []
    for r in found:
        if well_formed(r.value) and r.value != value and all(r.value != o.value for o in out):
            out.append(r)
    return out[:MAX_REPAIRS]

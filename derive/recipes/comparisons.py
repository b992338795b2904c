"""Comparisons and logic of property recipes: `equals`, `less`, `at_most`, `all_of`, `not_`.

Each decides with evidence: exact arithmetic, a 50-digit value for a number (its sign settled there before any
simplification), a point within the names' declared signs where two expressions differ exactly; lists compare as
multisets. The printing and sign helpers are shared with derive/recipes/properties.py.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from derive.recipes.errors import RecipeError
from derive.recipes.verdicts import Property

SAMPLES = 48   # random rational points tried when looking for a witness


def show(expr: Any) -> str:
    return sp.latex(expr)


def exact_sign(value: sp.Expr) -> int | None:
    """-1, 0, 1 for a value that evaluates exactly or to 50 digits; None otherwise."""
    if value.is_Rational:
        return int(sp.sign(value))
    approx = sp.N(value, 50)
    if not approx.is_real or not approx.is_number:
        return None
    if approx == 0:
        return 0 if sp.simplify(value) == 0 else None
    return 1 if approx > 0 else -1


def point_text(point: dict[sp.Symbol, Any]) -> str:
    return ", ".join(f"{k} = {show(v)}" for k, v in point.items())


def equals(a: Any, b: Any) -> Property:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return _same_multiset(list(a), list(b))
    statement = f"{show(a)} = {show(b)}"
    raw = sp.Matrix(a) - sp.Matrix(b) if isinstance(a, sp.MatrixBase) else a - b
    # A difference of numbers is settled by its value first: simplify of a nested tanh's derivative at a point
    # takes seconds, its 50-digit value milliseconds.
    for where, entry in _cells(raw):
        if isinstance(entry, sp.Expr) and entry.is_number and exact_sign(entry) not in (0, None):
            by = f"{show(entry)} (exact)" if entry.is_Rational else f"{show(sp.N(entry, 8))} (50-digit value)"
            return Property(statement, False, f"{where}they differ by {by}")
    diff = sp.simplify(raw)
    if diff == 0 or (isinstance(diff, sp.MatrixBase) and diff.is_zero_matrix):
        return Property(statement, True, "equal (exact)")
    cells = _cells(diff)
    for where, entry in cells:
        if entry.is_number and exact_sign(entry) not in (0, None):
            return Property(statement, False, f"{where}they differ by {show(entry)} (exact)")
    for where, entry in cells:   # an identity in free names is refuted by one value of them
        point = _differing_point(entry)
        if point is not None:
            text = point_text(point)
            return Property(statement, False, f"{where}they differ at {text} (exact)", {"point": text})
    return Property(statement, None, "the difference could not be shown to vanish or not")


def _cells(diff: Any) -> list[tuple[str, Any]]:
    """(where, entry) of a difference: each entry of a matrix, named; a scalar unnamed."""
    if isinstance(diff, sp.MatrixBase):
        return [(f"entry ({i + 1}, {j + 1}): ", diff[i, j]) for i in range(diff.rows) for j in range(diff.cols)]
    return [("", diff)]


def _same_multiset(a: list, b: list) -> Property:
    """Two lists as multisets (eigenvalues come in no particular order): each value matched with an equal one."""
    statement = f"[{', '.join(show(v) for v in a)}] = [{', '.join(show(v) for v in b)}] (in any order)"
    rest = list(b)
    for v in a:
        match = next((k for k, w in enumerate(rest) if sp.simplify(sp.sympify(v) - sp.sympify(w)) == 0), None)
        if match is None:
            return Property(statement, False, f"{show(v)} is not among [{', '.join(show(w) for w in rest)}] (exact)")
        rest.pop(match)
    if rest:
        return Property(statement, False, f"[{', '.join(show(w) for w in rest)}] left over (exact)")
    return Property(statement, True, "the same values (exact)")


def _differing_point(diff: sp.Expr) -> dict[sp.Symbol, Any] | None:
    """Values within the names' declared signs and integrality where diff is exactly nonzero, or None."""
    rng = random.Random(0)
    for _ in range(SAMPLES if diff.free_symbols else 0):
        point = {}
        for v in sorted(diff.free_symbols, key=str):
            q = sp.Integer(rng.randint(1, 9)) if v.is_integer else sp.Rational(rng.randint(1, 400), rng.randint(1, 40))
            sign = 1 if v.is_positive or v.is_nonnegative else -1 if v.is_negative or v.is_nonpositive else \
                rng.choice((1, -1))
            point[v] = sign * q
        if exact_sign(diff.xreplace(point)) not in (0, None):
            return point
    return None


def ordered(a: Any, b: Any, *, strict: bool) -> Property:
    relation = "<" if strict else "\\le"
    statement = f"{show(a)} {relation} {show(b)}"
    gap = sp.sympify(b - a) if isinstance(a, sp.Basic) else None
    sign = exact_sign(gap) if gap is not None and gap.is_number else None
    if sign is None:
        return Property(statement, None, "not comparable exactly (free names or no value)")
    holds = sign > 0 if strict else sign >= 0
    # the value, not a simplified form: simplify of a kernel's step through a network took seconds per message
    shown = f"{show(gap)} (exact)" if gap.is_Rational else f"{show(sp.N(gap, 8))} (sign from its 50-digit value)"
    return Property(statement, holds, f"the difference is {shown}")


def all_of(*props: Property) -> Property:
    if not props or not all(isinstance(p, Property) for p in props):
        raise RecipeError("all_of takes properties")
    failed = [p for p in props if p.holds is False]
    if failed:
        first = failed[0]
        return Property(" and ".join(map(str, props)), False, f"fails: {first.statement}: {first.evidence}",
                        first.witness)
    unknown = [p for p in props if p.holds is None]
    if unknown:
        return Property(" and ".join(map(str, props)), None, f"undecided: {unknown[0].statement}: "
                        f"{unknown[0].evidence}")
    return Property(" and ".join(map(str, props)), True, "; ".join(f"{p.statement}: {p.evidence}" for p in props))


def negation(p: Property) -> Property:
    if not isinstance(p, Property):
        raise RecipeError("not_ takes a property")
    holds = None if p.holds is None else not p.holds
    return Property(f"not ({p.statement})", holds, p.evidence, p.witness)


__all__ = ["SAMPLES", "all_of", "equals", "exact_sign", "negation", "ordered", "point_text", "show"]

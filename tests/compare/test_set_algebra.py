"""`equiv` on set algebra (`\\cup`, `\\cap`, `\\setminus`, `\\emptyset`, `\\mathbb{R}`), `\\notin` and `\\neg`.

Each pair in set_algebra_pairs.jsonl lists, per side, its membership written as plain relations in x (one of the
listed conditions holds; commas join relations that all hold). Those are evaluated here with SymPy's relationals,
independently of the readings under test: a counterexample must be a point where exactly one side holds, and an
equivalent pair must agree on a grid of rationals.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp

from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations
from verify.commands.equiv import check_pair

PAIRS = [json.loads(line) for line in Path(__file__).with_name("set_algebra_pairs.jsonl").read_text().splitlines()
         if line.strip()]
_REL = {"=": sp.Eq, "!=": sp.Ne, "<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge}
GRID = [sp.Rational(n, 4) for n in range(-12, 17)]


def _holds(conditions: list[str], x: sp.Expr) -> bool:
    """Whether one of `conditions` (each: relations joined by commas, all holding) holds at x."""
    decls = Declarations()
    low = Lowerer(decls)
    at = {decls.symbol("x"): x}
    for text in conditions:
        truth = True
        for statement in parse_latex(text).statements:
            sides = [low.expr(o).subs(at) for o in statement.operands]
            for left, rel, right in zip(sides, statement.relations, sides[1:], strict=False):
                truth = truth and bool(_REL[rel](left, right))
        if truth:
            return True
    return False


def _coordinate(value: object) -> sp.Expr:
    return sp.Rational(str(value))


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_set_algebra_pairs(pair: dict) -> None:
    result = check_pair(pair["a"], pair["b"], None, seed=3, timeout=10)
    assert result["equivalent"] is pair["equivalent"], result
    if pair["equivalent"]:
        assert "proven" in result["evidence"], result
        for x in GRID:   # the membership lists agree where the verdict says the sides do
            assert _holds(pair["a_members"], x) == _holds(pair["b_members"], x), x
        return
    cx = result["counterexample"]
    (value,) = cx["point"].values()
    x = _coordinate(value)
    in_a, in_b = _holds(pair["a_members"], x), _holds(pair["b_members"], x)
    assert in_a != in_b, (x, result)
    shown = {True: ("contains it", "holds"), False: ("does not contain it", "does not hold")}
    assert cx["claimed"] in shown[in_a] and cx["expected"] in shown[in_b]


def test_pairs_cover_each_construct_both_ways() -> None:
    for mark in ("\\cup", "\\cap", "\\setminus", "\\emptyset", "\\varnothing", "\\mathbb{R}", "\\notin", "\\neg",
                 "\\lnot", "\\vee", "\\wedge", "\\lor", "\\land"):
        verdicts = {p["equivalent"] for p in PAIRS if mark in p["a"] or mark in p["b"]}
        assert verdicts == {True, False} or mark in ("\\emptyset", "\\varnothing", "\\lor", "\\wedge", "\\land"), mark
    assert {p["kind"] for p in PAIRS} == {"set", "condition"}


@pytest.mark.parametrize(("a", "b", "message"), [
    (r"\neg x > 1", r"x \le 1", "not"),                     # \neg denies a parenthesised relation only
    (r"\neg (x + 1)", r"x \le 1", "denies a relation"),
    (r"x \cup [0, 1]", "[0, 1]", "joins sets"),
    (r"[0, 1] \cup [2, 3]", "x + 1", "not comparable"),
    (r"x > 0 \wedge", "x > 0", "both sides"),
    (r"x > 0 \vee x < 1 \\ y = 1", "x > 0", "within one row"),
])
def test_misuse_is_a_bad_input(a: str, b: str, message: str) -> None:
    result = check_pair(a, b, None, seed=0)
    assert result["equivalent"] is None and result.get("unparsable"), result
    assert message in result["error"]


def test_set_operation_over_a_builder_is_shown_as_written() -> None:
    result = check_pair(r"\{x \mid x^2 < 1\} \cup [1, 2]", "(-1, 2]", None, seed=0)
    assert result["a_latex"] == r"\left(\left\{x \mid x^{2} - 1 < 0\right\}\right) \cup \left(\left[1, 2\right]\right)"


def test_negation_in_a_case_condition() -> None:
    # the lowering of conditions (cases, indicators) reads \neg as SymPy's Not
    decls = Declarations()
    low = Lowerer(decls)
    (statement,) = parse_latex(r"\neg (x > 1)").statements
    x = decls.symbol("x")
    assert low.condition(statement.operands) == sp.Le(x, 1)
    assert low.condition(parse_latex(r"\lnot (x = 0)").statements[0].operands) == sp.Ne(x, 0)

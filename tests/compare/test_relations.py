"""`equiv` on equations, inequalities, chains, systems, sets and intervals: the same solution set (or elements).

Every "not equivalent" is re-checked here independently of verify/compare/points.py: the sides are lowered
again, their relations built as SymPy relationals, and evaluated at the counterexample's point; exactly one
side must hold there.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations, declare_symbols
from verify.commands.equiv import check_pair
from verify.compare.conditions import compare_conditions
from verify.compare.readings import read_side

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [json.loads(line) for line in Path(__file__).with_name("relation_pairs.jsonl").read_text().splitlines()
         if line.strip()]
_REL = {"=": sp.Eq, "!=": sp.Ne, "<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge}


def _value(text: str) -> sp.Expr:
    """A coordinate as the counterexample shows it: an int, a float, 'p/q', or an exact value in LaTeX."""
    if isinstance(text, (int, float)):
        return sp.Rational(str(text))
    (statement,) = parse_latex(text).statements
    return Lowerer(Declarations()).expr(statement.operands[0])


def _truth(text: str, point: dict, decls: Declarations) -> bool:
    """Whether every relation of `text` holds at `point` (SymPy's relationals, not the code under test)."""
    low = Lowerer(decls)
    values = {decls.symbol(k): _value(v) for k, v in point.items()}
    truth = True
    for statement in parse_latex(text).statements:
        sides = [low.expr(o) for o in statement.operands]
        for left, rel, right in zip(sides, statement.relations, sides[1:], strict=False):
            lv, rv = left.xreplace(values), right.xreplace(values)
            if lv.has(sp.zoo, sp.nan) or rv.has(sp.zoo, sp.nan):
                truth = False   # no value there as written: the relation does not hold
                continue
            truth = truth and bool(_REL[rel](lv, rv))
    return truth


def _set_contains(text: str, element: sp.Expr) -> bool:
    reading = read_side(parse_latex(text), Lowerer(Declarations()))
    assert reading.kind == "set", text
    return reading.value.contains(element) is sp.true


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_relation_pairs(pair: dict) -> None:
    result = check_pair(pair["a"], pair["b"], pair.get("symbols"), seed=3, timeout=10)
    assert result["equivalent"] is pair["equivalent"], result
    if pair["equivalent"] is True:
        evidence = result["evidence"]
        assert "proven" in evidence or "exact at" in evidence or "entries agree" in evidence, result
    if pair["equivalent"] is False:
        cx = result["counterexample"]
        assert cx is not None and cx["claimed"] != cx["expected"]
        decls = Declarations()
        declare_symbols(decls, pair.get("symbols") or {})
        if pair.get("kind") == "set":
            element = _value(cx["point"]["element"])
            assert _set_contains(pair["a"], element) != _set_contains(pair["b"], element)
        elif pair.get("kind") == "builder":   # {x | condition} against a set: the element is a value of x
            element = cx["point"]["element"]
            assert _truth(pair["a_condition"], {"x": element}, decls) != _set_contains(pair["b"], _value(element))
        elif pair.get("kind") == "mixed":   # a condition in x against a set: x's value is the element
            (name, value), = cx["point"].items()
            truths = [_set_contains(t, _value(value)) if t.lstrip().startswith(("(", "[", "\\{")) else
                      _truth(t, cx["point"], decls) for t in (pair["a"], pair["b"])]
            assert truths[0] != truths[1]
        elif pair.get("kind") == "matrix":   # values of an entry, as for expressions (the engine's counterexample)
            assert cx["claimed"] != cx["expected"] and "entry" in result["diagnosis"]
        else:
            # a side written with and / or: one of its alternatives (listed in the file) holds
            alternatives = pair.get("a_alternatives", [pair["a"]])
            truth_a = any(_truth(alt, cx["point"], decls) for alt in alternatives)
            assert truth_a != _truth(pair["b"], cx["point"], decls)
            assert truth_a is (cx["claimed"] == "holds")


def test_pairs_cover_every_kind_both_ways() -> None:
    kinds = {(p.get("kind"), p["equivalent"]) for p in PAIRS}
    for kind in ("equation", "inequality", "chain", "system", "set", "matrix", "mixed", "boolean", "builder"):
        assert (kind, True) in kinds and (kind, False) in kinds, kind


def test_a_point_outside_a_sides_domain_is_a_counterexample_that_says_so() -> None:
    # (x^2 - 1)/(x - 1) = 2 has no solution (x = 1 is outside its domain), x + 1 = 2 has x = 1
    result = check_pair(r"\frac{x^2-1}{x-1} = 2", "x + 1 = 2", None, seed=0)
    assert result["equivalent"] is False
    assert result["counterexample"] == {"point": {"x": 1}, "claimed": "is undefined there", "expected": "holds"}
    assert "a is undefined at this point" in result["diagnosis"]
    # where neither side has a value, or both lack one at the same points, there is nothing to report
    assert check_pair(r"\frac{1}{x} \ne 0", r"x \ne 0", None, seed=0)["equivalent"] is not False


def test_integer_unknown_gets_no_fractional_counterexample() -> None:
    # over the integers, n^2 < 2 and -1 <= n <= 1 are the same; over the reals they are not
    result = check_pair("n^2 < 2", r"-1 \le n \le 1", {"n": "integer"}, seed=0)
    assert result["equivalent"] is not False


def test_scaled_inequality_by_a_negative_constant_flips() -> None:
    decls = Declarations()
    low = Lowerer(decls)
    a = read_side(parse_latex("x + y < 1"), low)
    b = read_side(parse_latex("-2x - 2y < -2"), low)
    c = read_side(parse_latex("-2x - 2y > -2"), low)
    assert compare_conditions(a.value, c.value, seed=0).equal is True
    assert compare_conditions(a.value, b.value, seed=0).equal is False


def test_different_kinds_are_not_comparable() -> None:
    result = check_pair("x = 1", "x + 1", None)
    assert result.get("unparsable") and "not comparable" in result["error"]
    assert check_pair(r"\{1, 2\}", "x + 1", None).get("unparsable")


def test_json_answer_has_the_expression_fields() -> None:
    result = check_pair("x^2 = 1", "x = 1", None, seed=0)
    assert set(result) >= {"equivalent", "evidence", "counterexample", "error", "a_latex", "b_latex"}
    assert result["counterexample"] == {"point": {"x": -1}, "claimed": "holds", "expected": "does not hold"}
    assert result["a_latex"] == "x^{2} - 1 = 0"   # each side as read: differences of relations
    builder = check_pair(r"\{x \mid x^2 < 1\}", "(-1, 1)", None, seed=0)
    assert builder["a_latex"] == r"\left\{x \mid x^{2} - 1 < 0\right\}"
    assert builder["b_latex"] == r"\left(-1, 1\right)"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "equiv", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(("a", "b", "code", "shown"), [
    ("a^2+b^2=c^2", "c^2=a^2+b^2", 0, "equivalent (proven"),
    ("x^2 > 1", "x > 1", 1, "counterexample: at x = -2: a holds, b does not hold"),
    (r"[0, 1)", "[0,1]", 1, "counterexample: at element = 1: a does not contain it, b contains it"),
    (r"x + y = 1 \\ x - y = 2", "x = 1, y = 0", 1, "NOT equivalent: different solution sets"),
    (r"\sin x = 0", r"x = 0 \\ y = 0", 1, "NOT equivalent"),
    ("x y = 1", "y = 1/x", 3, "undecided: no point separates them"),
    (r"\frac{x^2-1}{x-1} = 2", "x + 1 = 2", 1, "at x = 1: a is undefined there, b holds"),
    ("x = 1", "x + 1", 2, ""),
])
def test_cli_exit_codes(a: str, b: str, code: int, shown: str) -> None:
    out = _cli(a, b)
    assert out.returncode == code, (out.stdout, out.stderr)
    assert shown in out.stdout
    if code == 2:
        assert out.stderr.count("\n") == 1 and "not comparable" in out.stderr


def test_cli_batch_and_json(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(json.dumps(p) for p in [
        {"id": "eq", "a": "2x + 2y = 2", "b": "x + y = 1"},
        {"id": "set", "a": r"\{1, 2\}", "b": r"\{1, 3\}"},
        {"id": "kinds", "a": "x < 1", "b": "x"},
    ]) + "\n")
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "equiv", "--batch", str(pairs), "-q"],
                         capture_output=True, text=True, timeout=120)
    got = [json.loads(line) for line in out.stdout.splitlines()]
    assert [g["equivalent"] for g in got] == [True, False, None]
    assert got[1]["counterexample"]["point"] == {"element": 2} and "not comparable" in got[2]["error"]
    one = json.loads(_cli(r"0 < x \le 1", r"(0, 1]", "--format", "json").stdout)
    assert one["equivalent"] is True and "solution set" in one["evidence"]


_OPS = ["=", "<", r"\le", ">", r"\ge"]
_FLIP = {"=": "=", "<": ">", r"\le": r"\ge", ">": "<", r"\ge": r"\le"}
_coefficients = st.sampled_from([-2, -1, 1, 2, 3])


@st.composite
def _relation_pairs(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """A relation in x (and y) with a denominator at times, and another: scaled, flipped, or unrelated."""
    names = draw(st.sampled_from([["x"], ["x", "y"]]))

    def poly() -> str:
        terms = [f"{draw(_coefficients)}{v}^{{{draw(st.sampled_from([1, 2]))}}}" for v in names]
        return " + ".join(terms) + f" + {draw(st.integers(-3, 3))}"

    p, op, c = poly(), draw(st.sampled_from(_OPS)), draw(st.integers(-2, 2))
    if draw(st.booleans()):
        p = rf"\frac{{{p}}}{{{poly()}}}"
    a = f"{p} {op} {c}"
    k = draw(st.sampled_from([2, 3]))
    b = draw(st.sampled_from([f"{k}({p}) {op} {k * c}", f"{c} {_FLIP[op]} {p}", f"-{k}({p}) {_FLIP[op]} {-k * c}",
                              f"{poly()} {draw(st.sampled_from(_OPS))} {c}"]))
    return a, b, names


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_relation_pairs())
def test_relation_verdicts_are_sound(pair: tuple[str, str, list[str]]) -> None:
    """A "not equivalent" point separates the sides (checked here with SymPy's relationals); an "equivalent"
    pair agrees at every point of a grid of rationals."""
    a, b, names = pair
    result = check_pair(a, b, None, seed=1, timeout=5)
    decls = Declarations()
    if result["equivalent"] is False:
        point = result["counterexample"]["point"]
        assert _truth(a, point, decls) != _truth(b, point, decls), result
    if result["equivalent"] is True:
        grid = [str(sp.Rational(n, 4)) for n in range(-10, 11)]
        for values in list(itertools.product(grid, repeat=len(names)))[::5]:
            point = dict(zip(names, values, strict=True))
            assert _truth(a, point, decls) == _truth(b, point, decls), (point, result["evidence"])

"""Soundness of "equivalent": a regression file of tricky pairs, and properties over generated expressions.

`correct`/`equivalent` needs a proof or exact / 50-digit agreement; every "not equivalent" a confirmed point.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations, declare_symbols
from verify.compare.budget import time_limit
from verify.compare.equal import compare

PAIRS = [json.loads(line) for line in Path(__file__).with_name("tricky_pairs.jsonl").read_text().splitlines()
         if line.strip()]


def _lower(text: str, decls: Declarations) -> sp.Basic:
    (st_,) = parse_latex(text).statements
    (operand,) = st_.operands
    return Lowerer(decls).expr(operand)


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_tricky_pairs(pair: dict) -> None:
    decls = Declarations()
    declare_symbols(decls, pair.get("symbols", {}))
    comp = compare(_lower(pair["a"], decls), _lower(pair["b"], decls), seed=7, proof_seconds=2.0)
    assert comp.equal is pair["equivalent"], (comp.evidence, comp.reason, comp.diagnosis)
    if comp.equal is False:
        # a confirmed point, or shapes that cannot agree; never a bare "differs"
        assert comp.counterexample is not None or comp.diagnosis
    if comp.equal is True:
        assert comp.proven or "exact at" in comp.evidence or "50-digit agreement" in comp.evidence \
            or "digits of its floating-point data" in comp.evidence


x, y = sp.symbols("x y", real=True)
_leaves = st.sampled_from([x, y, sp.Integer(1), sp.Integer(2), sp.Integer(3), sp.Rational(1, 2)])


def _expressions() -> st.SearchStrategy[sp.Expr]:
    def extend(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
        return st.one_of(
            st.tuples(children, children).map(lambda t: t[0] + t[1]),
            st.tuples(children, children).map(lambda t: t[0] * t[1]),
            st.tuples(children, st.integers(2, 3)).map(lambda t: t[0] ** t[1]),
            children.map(sp.sin), children.map(sp.exp), children.map(sp.tanh),
        )
    return st.recursive(_leaves, extend, max_leaves=6)


# Derandomized: the same examples on every run (CI never meets a new one by chance); each example runs under a
# CPU budget so that a comparison that would hang fails with the example instead of stalling the suite.
FAST = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
BUDGET = 30.0


@FAST
@given(_expressions())
def test_an_expression_equals_itself_and_its_expansion(e: sp.Expr) -> None:
    with time_limit(BUDGET):
        assert compare(e, e, seed=1, proof_seconds=0.5).equal is True
        assert compare(sp.expand(e), e, seed=2, proof_seconds=0.5).equal is True


@FAST
@given(_expressions(), st.sampled_from([sp.Integer(1), sp.Rational(-3, 7), sp.Rational(1, 10**20),
                                         sp.Rational(-1, 10**25), sp.Integer(10) ** 30]))
def test_adding_a_nonzero_constant_is_never_equal(e: sp.Expr, r: sp.Rational) -> None:
    with time_limit(BUDGET):
        comp = compare(e + r, e, seed=3, proof_seconds=0.5)
    assert comp.equal is not True
    if comp.equal is False:
        assert comp.counterexample is not None


@FAST
@given(st.sampled_from([sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(3, 2)]), st.integers(2, 4))
def test_power_of_a_power_is_flagged_at_a_negative_base(c: sp.Rational, b: int) -> None:
    # (a^b)^c = a^(bc) for a > 0 only: at a negative base the principal values differ (for a^3 under a cube
    # root too: the principal cube root of a negative number is not real)
    a = sp.Symbol("a", real=True)
    comp = compare((a ** b) ** c, a ** (b * c), seed=4, proof_seconds=0.5)
    # the truth, from principal values at two negative bases (Python's complex power)
    differ = any(abs(complex(v ** b) ** float(c) - complex(v) ** float(b * c)) > 1e-9 for v in (-1.5, -0.7))
    if differ:
        assert comp.equal is False and comp.counterexample is not None
        assert comp.counterexample.point["a"] < 0
    else:
        assert comp.equal is True   # (a^4)^(1/2) = a^2 for every real a
    positive = sp.Symbol("a", positive=True)
    assert compare((positive ** b) ** c, positive ** (b * c), seed=4, proof_seconds=0.5).equal is True


@pytest.mark.parametrize(("a", "b", "seed"), [
    (r"\log(ab)", r"\log a + \log b", 677899),
    (r"\sqrt{\frac{k}{m}}", r"\frac{\sqrt{k}}{\sqrt{m}}", 951116),
    (r"(xy)^a", r"x^a y^a", 971843),
])
def test_a_branch_cut_difference_is_found_on_seeds_that_once_missed_it(a: str, b: str, seed: int) -> None:
    """These differ only where both factors are negative: a third of the points where a side is not real.
    With 2 such points compared per trial, about 1 seed in 40 saw none of them (these seeds among them)."""
    decls = Declarations()
    assert compare(_lower(a, decls), _lower(b, decls), seed=seed, proof_seconds=0.5).equal is False

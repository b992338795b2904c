"""`kind: property`: a sentence asserting a property is decided from the definitions, with a witness when false."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from derive.recipes.floats import format_limits
from derive.recipes.properties import RECIPE_OPS
from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

# Sentences in the style of an optimisation course (written for this test, not quoted from any notes).
SPEC = r"""
notes: course.md
exercises:
  - id: t/properties
    symbols: {c: positive}
    given:
      R: '(w_1 + w_2 u - v)^2'
      Q: 'a^2 + 3 a b + b^2'
      g: '\tanh(t)'
      h: 't e^{-t}'
      k: '\cosh(t) + c t^2'
    claims:
      - id: ridge-convex-not-strict
        kind: property
        latex: 'the one-sample loss is convex in (w_1, w_2), but not strictly'
        expect: 'all_of(convex(R, [w_1, w_2]), not_(strictly_convex(R, [w_1, w_2])))'
      - id: ridge-strict
        kind: property
        latex: 'the one-sample loss is strictly convex'
        expect: 'strictly_convex(R, [w_1, w_2])'
      - id: q-convex
        kind: property
        latex: 'Q is convex'
        expect: 'convex(Q, [a, b])'
      - id: cosh-convex
        kind: property
        latex: 'cosh is convex'
        expect: 'convex(k, [t])'
      - id: h-max
        kind: property
        latex: 'h peaks at t = 1 with value 1/e'
        expect: 'all_of(equals(maximum(h, t, [0, oo]).at, 1), equals(maximum(h, t, [0, oo]).value, exp(-1)))'
      - id: h-max-wrong-place
        kind: property
        latex: 'h peaks at t = 2'
        expect: 'equals(maximum(h, t, [0, oo]).at, 2)'
      - id: tanh-increasing
        kind: property
        latex: 'tanh is increasing'
        expect: 'increasing(g, t)'
      - id: tanh-decreasing
        kind: property
        latex: 'tanh is decreasing on [0, 1]'
        expect: 'decreasing(g, t, [0, 1])'
      - id: geometric
        kind: property
        latex: 'for |q| < 1 the powers q^n vanish'
        expect: 'tends_to(q^n, n, 0, where=[q, 0, 1])'
      - id: geometric-wrong
        kind: property
        latex: 'for 0 < q < 3 the powers q^n vanish'
        expect: 'tends_to(q^n, n, 0, where=[q, 0, 3])'
      - id: bf16-overflow
        kind: property
        latex: 'e^{100} overflows bfloat16'
        expect: 'overflows(exp(100), bfloat16)'
      - id: fp32-overflow
        kind: property
        latex: 'e^{100} overflows float32'
        expect: 'overflows(exp(100), float32)'
      - id: fp32-underflow
        kind: property
        latex: 'e^{-120} underflows to zero in float32'
        expect: 'underflows(exp(-120), float32)'
      - id: gram-psd
        kind: property
        latex: 'the Gram matrix is PSD'
        expect: 'psd(matrix([[1, 2], [2, 4]]))'
      - id: gram-pd
        kind: property
        latex: 'the Gram matrix is positive definite'
        expect: 'pd(matrix([[1, 2], [2, 4]]))'
      - id: not-a-property
        kind: property
        latex: 'the loss is small'
        expect: 'R'
      - id: fp32-no-overflow
        kind: property
        latex: 'e^{80} overflows float32'
        expect: 'overflows(exp(80), float32)'
      - id: fp32-no-underflow
        kind: property
        latex: 'e^{-80} underflows to zero in float32'
        expect: 'underflows(exp(-80), float32)'
      - id: log-concave
        kind: property
        latex: 'minus the square is concave'
        expect: 'concave(-t^2 - c, [t])'
      - id: cosh-concave
        kind: property
        latex: 'cosh is concave'
        expect: 'concave(k, [t])'
      - id: tanh-strictly-concave
        kind: property
        latex: 'tanh is strictly concave on the whole line'
        expect: 'strictly_concave(g, [t])'
      - id: singular-det-rank
        kind: property
        latex: 'the determinant is zero, so one eigenvalue is zero and the rank is 1'
        expect: 'all_of(equals(det(matrix([[1, 2], [2, 4]])), 0), equals(rank(matrix([[1, 2], [2, 4]])), 1), equals(eigenvals(matrix([[1, 2], [2, 4]])), [0, 5]))'
      - id: rank-two
        kind: property
        latex: 'the matrix has full rank'
        expect: 'equals(rank(matrix([[1, 2], [2, 4]])), 2)'
      - id: h-min-right-end
        kind: property
        latex: 'on [0, 3] h is smallest at t = 0'
        expect: 'equals(minimum(h, t, [0, 3]).at, 0)'
      - id: h-min-wrong
        kind: property
        latex: 'on [0, 3] h is smallest at t = 3'
        expect: 'equals(minimum(h, t, [0, 3]).at, 3)'
      - id: eps-below
        kind: property
        latex: 'a relative step of 1e-8 is below float32 precision but above float64 precision'
        expect: 'all_of(less(10^(-8), float_eps(float32)), less(float_eps(float64), 10^(-8)))'
      - id: eps-wrong
        kind: property
        latex: 'float16 resolves relative steps of 1e-4'
        expect: 'at_most(float_eps(float16), 10^(-4))'
      - id: max-and-tiny
        kind: property
        latex: 'float16 holds 60000 but not 70000, and 1e-4 is above its smallest normal number (1e-5 is not)'
        expect: 'all_of(at_most(60000, float_max(float16)), less(float_max(float16), 70000), less(float_tiny(float16), 10^(-4)), not_(less(float_tiny(float16), 10^(-5))))'
  - id: t/data
    symbols:
      t: {indexed: n}
      s: {indexed: n}
      N: {integer: true, positive: true}
    given:
      E: '\sum_{n=1}^{N} (a t_n + b - s_n)^2'
      F: '\sum_{n=1}^{N} (a - s_n)^2 + 3 b'
    claims:
      - {id: data-convex, kind: property, latex: 'E is convex', expect: 'convex(E, [a, b])'}
      - {id: data-strict, kind: property, latex: 'E is strictly convex', expect: 'strictly_convex(E, [a, b])'}
      - {id: flat-strict, kind: property, latex: 'F is strictly convex', expect: 'strictly_convex(F, [a, b])'}
"""

EXPECTED = {
    "ridge-convex-not-strict": Verdict.CORRECT, "ridge-strict": Verdict.WRONG, "q-convex": Verdict.WRONG,
    "cosh-convex": Verdict.CORRECT, "h-max": Verdict.CORRECT, "h-max-wrong-place": Verdict.WRONG,
    "tanh-increasing": Verdict.CORRECT, "tanh-decreasing": Verdict.WRONG, "geometric": Verdict.CORRECT,
    "geometric-wrong": Verdict.WRONG, "bf16-overflow": Verdict.CORRECT, "fp32-overflow": Verdict.CORRECT,
    "fp32-underflow": Verdict.CORRECT, "gram-psd": Verdict.CORRECT, "gram-pd": Verdict.WRONG,
    "not-a-property": Verdict.UNVERIFIED,
    "data-convex": Verdict.CORRECT, "data-strict": Verdict.CORRECT, "flat-strict": Verdict.WRONG,
    "log-concave": Verdict.CORRECT, "cosh-concave": Verdict.WRONG, "tanh-strictly-concave": Verdict.WRONG,
    "singular-det-rank": Verdict.CORRECT, "rank-two": Verdict.WRONG, "h-min-right-end": Verdict.CORRECT,
    "h-min-wrong": Verdict.WRONG, "eps-below": Verdict.CORRECT, "eps-wrong": Verdict.WRONG,
    "max-and-tiny": Verdict.CORRECT, "fp32-no-overflow": Verdict.WRONG, "fp32-no-underflow": Verdict.WRONG,
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("property") / "spec.yaml"
    path.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    return {r.claim: r for ex in load_file(path) for r in check_exercise(ex)}


def test_each_property_gets_its_verdict(results: dict) -> None:
    assert {c: r.verdict for c, r in results.items()} == EXPECTED


def test_a_false_property_names_its_witness(results: dict) -> None:
    assert "direction" in results["q-convex"].counterexample.point
    assert "singular for every value" in results["ridge-strict"].message
    assert "t = " in results["tanh-decreasing"].counterexample.point["point"]
    assert "q = " in results["geometric-wrong"].counterexample.point["point"]
    assert "\\infty" in results["geometric-wrong"].message
    assert "differ by" in results["h-max-wrong-place"].message
    assert results["cosh-concave"].counterexample is not None
    assert "t = " in str(results["tanh-strictly-concave"].counterexample.point)   # tanh is convex for t < 0
    assert "differ by -1" in results["rank-two"].message
    assert "differ by -3" in results["h-min-wrong"].message
    assert "the difference is" in results["eps-wrong"].message


def test_a_loss_over_data_is_judged_for_every_data_set_or_on_random_ones(results: dict) -> None:
    assert "proven by structure" in results["data-convex"].message
    assert "random data sets" in results["data-strict"].message
    assert "data" in results["flat-strict"].counterexample.point or "singular" in results["flat-strict"].message


def test_prose_is_never_parsed_as_a_formula(results: dict) -> None:
    assert results["tanh-increasing"].claimed_latex == "tanh is increasing"
    assert "states a property" in results["not-a-property"].message


def test_a_negative_direction_is_checked_exactly() -> None:
    a, b = sp.symbols("a b", real=True)
    prop = RECIPE_OPS["convex"](a ** 2 + 3 * a * b + b ** 2, [a, b])
    assert prop.holds is False
    assert "= -2 < 0" in prop.evidence   # v = (1, -1): 2 - 6 + 2, in exact arithmetic
    assert RECIPE_OPS["psd"](sp.Matrix([[2, -1], [-1, 2]])).holds is True
    assert RECIPE_OPS["pd"](sp.Matrix([[2, 0], [0, 0]])).holds is False


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_float_limits_agree_with_numpy(dtype: str) -> None:
    limits = format_limits(dtype)
    info = np.finfo(getattr(np, dtype))
    assert float(limits["max"]) == float(info.max)
    assert float(limits["eps"]) == float(info.eps)
    assert float(limits["tiny"]) == float(info.smallest_normal)
    assert float(limits["subnormal"]) == float(info.smallest_subnormal)


def test_bfloat16_has_float32_range_and_a_short_mantissa() -> None:
    limits = format_limits("bfloat16")
    assert float(limits["eps"]) == 2.0 ** -7
    assert float(limits["max"]) == pytest.approx(3.3895313892515355e38)
    assert float(limits["tiny"]) == float(np.finfo(np.float32).smallest_normal)


def test_property_claims_are_registered_and_validated(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(textwrap.dedent("""
        notes: n.md
        exercises:
          - id: t/x
            claims:
              - {id: a, kind: proprety, latex: 'x is convex', expect: 'convex(x^2, [x])'}
        """), encoding="utf-8")
    with pytest.raises(Exception, match="did you mean 'property'"):
        load_file(spec)


def test_an_infinite_limit_agrees_only_with_the_same_infinity() -> None:
    # oo - oo is nan for SymPy: "tends to infinity" must be compared as the same infinity, not by a difference
    q, n = sp.symbols("q n", positive=True)
    tends_to = RECIPE_OPS["tends_to"]
    assert tends_to(q ** n, n, sp.oo, where=[q, sp.Integer(1), sp.Integer(3)]).holds is True
    refuted = tends_to(q ** n, n, sp.oo, where=[q, sp.Integer(0), sp.Integer(2)])
    assert refuted.holds is False and "q = " in refuted.witness["point"]
    assert tends_to(-(q ** n), n, sp.oo, where=[q, sp.Integer(1), sp.Integer(3)]).holds is False
    assert tends_to(sp.exp(n), n, sp.oo).holds is True
    assert tends_to(-sp.exp(n), n, sp.oo).holds is False


def test_equals_refutes_a_false_identity_at_a_point_within_the_declared_signs() -> None:
    equals = RECIPE_OPS["equals"]
    x, y = sp.symbols("x y", real=True)
    p = sp.Symbol("p", positive=True)
    assert equals((x + y) ** 2, x ** 2 + 2 * x * y + y ** 2).holds is True
    wrong = equals((x + y) ** 2, x ** 2 + y ** 2)   # differs wherever x y != 0: a point names it
    assert wrong.holds is False and "x = " in wrong.witness["point"] and "y = " in wrong.witness["point"]
    assert equals(sp.sqrt(p ** 2), p).holds is True              # p > 0: no negative value is tried
    refuted = equals(sp.sqrt(x ** 2), x)                         # x real: |x| != x for x < 0
    assert refuted.holds is False and "x = -" in refuted.witness["point"]
    n = sp.Symbol("n", integer=True, positive=True)
    assert equals(sp.cos(sp.pi * n) ** 2, 1).holds is not False  # only integers are tried for n


def test_equals_of_matrices_names_the_entry_that_differs() -> None:
    a, b = sp.symbols("a b", real=True)
    equals = RECIPE_OPS["equals"]
    numeric = equals(sp.Matrix([[1, 2], [3, 4]]), sp.Matrix([[1, 2], [3, 5]]))
    assert numeric.holds is False and "entry (2, 2)" in numeric.evidence and "-1" in numeric.evidence
    symbolic = equals(sp.Matrix([a * b, a + b]), sp.Matrix([b * a, b - a]))
    assert symbolic.holds is False and "entry (2, 1)" in symbolic.evidence and "a = " in symbolic.witness["point"]

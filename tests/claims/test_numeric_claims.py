"""Numeric claims: printed-precision tolerance, elementwise messages, propagation, ill-posed data, kernels."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sympy as sp

from derive.lower.definitions import build_declarations
from derive.recipes.errors import RecipeError
from derive.recipes.interpreter import RecipeInterpreter
from verify.claims.numeric import compare_numeric, printed_sides
from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

NET = """
      W1: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
      b1: [0.01, 0.02, 0.03]
      W2: [[0.7, 0.8, 0.9]]
      b2: 0.1
      X1: [[0.5, 0.2]]
"""


def run(tmp_path: Path, body: str) -> dict[str, object]:
    path = tmp_path / "spec.yaml"
    path.write_text("notes: n.md\nexercises:\n" + textwrap.dedent(body), encoding="utf-8")
    results = {}
    for ex in load_file(path):
        for r in check_exercise(ex):
            results[r.claim] = r
    return results


def sides(latex: str):
    from derive.spec.declarations import Declarations

    return printed_sides(latex, Declarations())


def test_tolerance_from_printed_decimals():
    (s,) = sides("0.6748")
    assert s.tol == [pytest.approx(0.5e-4)]
    (s,) = sides("0.10")
    assert s.tol == [pytest.approx(0.005)]
    (s,) = sides(r"\frac{1}{1.4819}")
    assert s.tol[0] == pytest.approx(0.5e-4 / 1.4819**2)
    (s,) = sides("140")
    assert s.tol == [0.0]


def test_compare_names_wrong_entries():
    claimed = sp.ImmutableMatrix([[sp.Rational(6919, 10000), sp.Rational(789, 1000), sp.Rational(8758, 10000)]])
    expected = sp.ImmutableMatrix([0.69236, 0.78875, 0.88496])   # column: orientation does not matter
    comp = compare_numeric(claimed, [0.5e-4, 0.5e-3, 0.5e-4], expected)
    assert not comp.ok
    assert "entry 1" in comp.message and "entry 3" in comp.message and "entry 2" not in comp.message
    assert "derived 0.69236" in comp.message


def test_numeric_claim_verdicts(tmp_path):
    res = run(tmp_path, f"""
  - id: t/1
    given:{NET}
    claims:
      - id: right
        latex: '\\hat{{y}} \\approx \\frac{{1}}{{1 + 0.4819}} \\approx 0.6748'
        expect: 'mlp(W1, b1, W2, b2, X1, act=relu, out=sigmoid).yhat'
      - id: wrong
        latex: '\\mathcal{{L}} \\approx 1.1223'
        expect: 'mlp(W1, b1, W2, b2, X1, loss=bce, y=0).loss'
      - id: wrong-entry
        latex: '\\mathbf{{z}} = \\begin{{bmatrix}} 0.10 \\\\ 0.26 \\\\ 0.40 \\end{{bmatrix}}'
        expect: 'mlp(W1, b1, W2, b2, X1).z1'
      - id: loose
        latex: '\\mathcal{{L}} \\approx 1.1223'
        expect: 'mlp(W1, b1, W2, b2, X1, loss=bce, y=0).loss'
        tol: 0.01
""")
    assert res["right"].verdict is Verdict.CORRECT
    wrong = res["wrong"]
    assert wrong.verdict is Verdict.WRONG
    assert "derived 1.12333" in wrong.message and wrong.counterexample is not None
    assert res["wrong-entry"].verdict is Verdict.WRONG
    assert "entry 2" in res["wrong-entry"].message and "entry 1" not in res["wrong-entry"].message
    assert res["loose"].verdict is Verdict.CORRECT


def test_propagated_error(tmp_path):
    res = run(tmp_path, """
  - id: t/2
    given:
      W: [[0.7, 0.8]]
      X: [[1, 2]]
    claims:
      - id: g
        latex: 'g \\approx [0.0300, 0.0400]'
        expect: 'W'
      - id: step
        latex: 'W_{new} = [0.6970, 0.7960]'
        expect: 'sgd(W, G, 0.1)'
        from_claim: {G: g}
""")
    assert res["g"].verdict is Verdict.WRONG
    step = res["step"]
    assert step.verdict is Verdict.WRONG
    assert step.diagnosis == "propagated from g" and step.message.startswith("propagated from g")


def test_ill_posed_shapes(tmp_path):
    res = run(tmp_path, """
  - id: t/3
    given:
      W1: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
      b1: [0.01, 0.02]
      R: [[0.1], [0.7, 0.5, 0.3]]
      X1: [[0.5, 0.2]]
    claims:
      - id: short-bias
        latex: 'z = 0.10'
        expect: 'mlp(W1, b1, X1).z1[0]'
      - id: ragged
        latex: 'z = 0.10'
        expect: 'mlp(R, b1, X1).z1[0]'
""")
    assert res["short-bias"].verdict is Verdict.ILL_POSED
    assert "b1 has 2 entries" in res["short-bias"].message and "3×2" in res["short-bias"].message
    assert res["ragged"].verdict is Verdict.ILL_POSED
    assert "rows with 1, 3 entries" in res["ragged"].message


def test_kernel_recipe_end_to_end(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("notes: n.md\nexercises:\n  - id: t/4\n    given:" + NET + "      X: [[0.5, 0.2], [0.9, 0.8]]\n"
                    "      Y: [0, 1]\n    claims:\n      - id: c\n        latex: 'x = 0.10'\n"
                    "        expect: 'mlp(W1, b1, W2, b2, X1).z1[0]'\n", encoding="utf-8")
    (ex,) = load_file(path)
    interp = RecipeInterpreter(build_declarations(ex))
    z1 = interp.run("mlp(W1, b1, W2, b2, X1, act=relu, out=sigmoid).z1")
    assert [float(v) for v in z1] == pytest.approx([0.10, 0.25, 0.40])
    assert float(interp.run("mlp(W1, b1, W2, b2, X1, loss=bce, y=0).delta2")) == pytest.approx(0.6748052725823)
    dW2 = interp.run("mlp(W1, b1, W2, b2, X, loss=bce, y=Y).dW2")
    assert dW2.shape == (1, 3)
    w = interp.run("momentum(W2, dW2_fake, lr=0.1, beta=0.9).w".replace("dW2_fake", "W2"))
    assert [float(v) for v in w] == pytest.approx([0.63, 0.72, 0.81])
    bn = interp.run("batchnorm([0.10, 0.26, 0.08, 0.22]).var")
    assert float(bn) == pytest.approx(0.005875)


def test_accumulating_adjoint_reads_the_contribution(tmp_path):
    r = run(tmp_path, """
  - id: t/9
    given: {x1: 2, x2: 3}
    claims:
      - id: partial
        latex: '\\bar{v}_1 += \\bar{v}_4 \\cdot 5 = 100'
        expect: 'subs(diff((v_3 * v_1)^2, v_1), v_3=x1 + x2, v_1=x1)'
        tol: 0
      - id: partial-wrong
        latex: '\\bar{v}_1 += \\bar{v}_4 \\cdot 5 = 90'
        expect: 'subs(diff((v_3 * v_1)^2, v_1), v_3=x1 + x2, v_1=x1)'
        tol: 0
""")
    assert r["partial"].verdict == Verdict.CORRECT, r["partial"].message
    assert r["partial-wrong"].verdict == Verdict.WRONG


def test_given_inputs_quoted_in_a_computation_are_exact(tmp_path):
    # The notes substitute a wrong gradient into an SGD step: the weights and the step size are given data and
    # carry no rounding, so only the printed gradient's rounding (0.1 * 0.5e-4) is allowed.
    results = run(tmp_path, """
    - id: t/sgd
      given: {W: [[0.7, 0.8]], G: [[0.0312, 0.0425]]}
      claims:
        - {id: substituted, latex: '= [0.7, 0.8] - 0.1[0.0289, 0.0425]', expect: 'sgd(W, G, 0.1)'}
        - {id: right-expr, latex: '= [0.7, 0.8] - 0.1[0.0312, 0.0425]', expect: 'sgd(W, G, 0.1)'}
        - {id: rounded-gradient, latex: '= [0.7, 0.8] - 0.1[0.03118, 0.0425]', expect: 'sgd(W, G, 0.1)'}
        - {id: result, latex: '= [0.69688, 0.79575]', expect: 'sgd(W, G, 0.1)'}
    """)
    wrong = results["substituted"]
    assert wrong.verdict == Verdict.WRONG
    assert "printed intermediate values 0.0289 are not" in wrong.message   # 0.0425 is G's own entry
    assert results["right-expr"].verdict == Verdict.CORRECT
    assert results["rounded-gradient"].verdict == Verdict.WRONG   # 0.1 * 2e-5 off, beyond 0.1 * 0.5e-5
    assert results["result"].verdict == Verdict.CORRECT


def test_adam_recipe_takes_a_step_from_given_moments(tmp_path):
    # First step from zero moments: the bias corrections give m_hat = g and v_hat = g^2, so each weight moves by
    # lr * g / (|g| + eps); from other moments the new moments are the two moving averages.
    path = tmp_path / "spec.yaml"
    path.write_text("notes: n.md\nexercises:\n  - id: t/adam\n    given: {w: [[0.5, -1]], g: [[2, -0.5]], "
                    "m: [[0.1, 0.2]], v: [[0.04, 0.01]]}\n    claims:\n      - id: c\n        latex: 'x = 0.1'\n"
                    "        expect: 'adam(w, g).m'\n", encoding="utf-8")
    (ex,) = load_file(path)
    interp = RecipeInterpreter(build_declarations(ex))
    w1 = interp.run("adam(w, g, lr=0.1).w")
    assert [float(x) for x in w1] == pytest.approx([0.5 - 0.1 * 2 / (2 + 1e-8), -1 + 0.1 * 0.5 / (0.5 + 1e-8)])
    step = interp.run("adam(w, g, m, v, t=3, beta1=0.8, beta2=0.9)")
    assert [float(x) for x in step.component("m")] == pytest.approx([0.8 * 0.1 + 0.2 * 2, 0.8 * 0.2 - 0.2 * 0.5])
    assert [float(x) for x in step.component("v")] == pytest.approx([0.9 * 0.04 + 0.1 * 4, 0.9 * 0.01 + 0.1 * 0.25])
    scalar = interp.run("adam(0.5, 2, lr=0.1).w - 0.5")   # a number stays a number
    assert float(scalar) == pytest.approx(-0.1 * 2 / (2 + 1e-8))
    with pytest.raises(RecipeError, match="counts from 1"):
        interp.run("adam(w, g, t=0)")


def test_a_bracket_of_numbers_set_apart_by_spacing_is_a_row_vector(tmp_path):
    results = run(tmp_path, r"""
        - id: t/rows
          given:
            a: [[0.1], [0.2], [0.3]]
            r: [[0.5, 0.2]]
          claims:
            - {id: outer, latex: '\begin{bmatrix} 0.1 \\ 0.2 \\ 0.3 \end{bmatrix} [0.5 \quad 0.2] = \begin{bmatrix} 0.05 & 0.02 \\ 0.10 & 0.04 \\ 0.15 & 0.06 \end{bmatrix}', expect: 'a * r'}
            - {id: outer-wrong, latex: '\begin{bmatrix} 0.1 \\ 0.2 \\ 0.3 \end{bmatrix} [0.5 \ 0.2] = \begin{bmatrix} 0.05 & 0.02 \\ 0.10 & 0.04 \\ 0.15 & 0.07 \end{bmatrix}', expect: 'a * r'}
        """)
    assert results["outer"].verdict is Verdict.CORRECT, results["outer"].message
    assert results["outer-wrong"].verdict is Verdict.WRONG and "entry (3,2)" in results["outer-wrong"].message

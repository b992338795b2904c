"""Derivatives of named functions and of givens: f'(z), powers of functions, nabla, piecewise (cases)
derivatives, parametrised givens (`\\ell_1[u]`), the sign subgradient."""

from __future__ import annotations

import textwrap
from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise


def run(tmp_path: Path, body: str) -> dict[str, object]:
    path = tmp_path / "spec.yaml"
    path.write_text("notes: n.md\nexercises:\n" + textwrap.dedent(body), encoding="utf-8")
    return {r.claim: r for ex in load_file(path) for r in check_exercise(ex)}


def claims(*items: str) -> str:
    return "".join(textwrap.indent(textwrap.dedent(c).strip("\n") + "\n", "      ") for c in items)


def test_derivative_of_a_named_function_and_powers_of_functions(tmp_path):
    body = """
  - id: t/3
    functions: {sigma: sigmoid}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: sigmoid
          latex: '\\sigma''(z) = \\sigma(z)(1 - \\sigma(z))'
          expect: 'diff("\\sigma(z)", z)'
        """,
        """
        - id: labelled-prime
          latex: '\\sigma^{(L)\\prime}(z)'
          expect: 'diff("\\sigma(z)", z)'
        """,
        """
        - id: tanh
          latex: '1 - \\tanh^2(z)'
          expect: 'diff("\\tanh(z)", z)'
        """,
        """
        - id: tanh-wrong
          latex: '1 - \\tanh(z)'
          expect: 'diff("\\tanh(z)", z)'
        """))
    for cid in ("sigmoid", "labelled-prime", "tanh"):
        assert r[cid].verdict == Verdict.CORRECT, (cid, r[cid].message)
    assert r["tanh-wrong"].verdict == Verdict.WRONG


def test_nabla_and_a_quantity_written_with_its_arguments(tmp_path):
    body = """
  - id: t/4
    layout: denominator
    symbols: {hat_y: {shape: [3]}, y: {shape: [3]}}
    given: {ell_MSE: '\\|\\hat{\\mathbf{y}} - \\mathbf{y}\\|_2^2'}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: grad
          latex: '\\nabla_{\\hat{\\mathbf{y}}} \\ell_{\\text{MSE}}(\\hat{\\mathbf{y}}, \\mathbf{y}) = 2(\\hat{\\mathbf{y}} - \\mathbf{y})'
          expect: 'grad(ell_MSE, hat_y)'
        """,
        """
        - id: grad-missing-2
          latex: '\\hat{\\mathbf{y}} - \\mathbf{y}'
          expect: 'grad(ell_MSE, hat_y)'
        """))
    assert r["grad"].verdict == Verdict.CORRECT, r["grad"].message
    assert r["grad-missing-2"].verdict == Verdict.WRONG


def test_huber_derivative_cases(tmp_path):
    body = """
  - id: t/6
    symbols: {delta: positive}
    given:
      ell: '\\begin{cases} \\frac{1}{2}(y - \\hat{y})^2 & \\text{if } |y - \\hat{y}| \\leq \\delta, \\\\ \\delta(|y - \\hat{y}| - \\frac{\\delta}{2}) & \\text{if } |y - \\hat{y}| > \\delta. \\end{cases}'
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: right
          latex: '\\begin{cases} \\hat{y} - y & \\text{if } |y - \\hat{y}| \\leq \\delta, \\\\ \\delta \\text{sign}(\\hat{y} - y) & \\text{if } |y - \\hat{y}| > \\delta. \\end{cases}'
          expect: 'diff(ell, hat_y)'
        """,
        """
        - id: wrong-sign
          latex: '\\begin{cases} \\hat{y} - y & \\text{if } |y - \\hat{y}| \\leq \\delta, \\\\ \\delta \\text{sign}(y - \\hat{y}) & \\text{if } |y - \\hat{y}| > \\delta. \\end{cases}'
          expect: 'diff(ell, hat_y)'
        """))
    assert r["right"].verdict == Verdict.CORRECT, r["right"].message
    assert r["wrong-sign"].verdict == Verdict.WRONG


def test_enumerated_minibatch_expectation_sign_subgradient_and_permutation(tmp_path):
    r = run(tmp_path, """
  - id: t/10
    given:
      '\\ell_1[u]': '(u - 1)^2'
      '\\ell_2[u]': '\\log(1 + e^{2u})'
      '\\ell_3[u]': '\\sin(u) + u^3'
      '\\mathcal{L}[u]': '\\frac{1}{3}(\\ell_1[u] + \\ell_2[u] + \\ell_3[u])'
    claims:
      - id: unbiased
        latex: '= \\nabla \\mathcal{L}(\\theta_t)'
        expect: &e '(1/3) * (diff("\\frac{1}{2}(\\ell_1[\\theta_t] + \\ell_2[\\theta_t])", theta_t) + diff("\\frac{1}{2}(\\ell_1[\\theta_t] + \\ell_3[\\theta_t])", theta_t) + diff("\\frac{1}{2}(\\ell_2[\\theta_t] + \\ell_3[\\theta_t])", theta_t))'
      - id: one-example
        latex: '= \\nabla \\ell_1(\\theta_t)'
        expect: *e
      - id: sign
        latex: '\\text{sign}(W_{ij}^{(\\ell)})'
        symbols: {w: nonzero}
        given: {W_ij^ell: 'w'}
        expect: 'diff("|w|", w)'
      - id: minus-sign
        latex: '-\\text{sign}(W_{ij}^{(\\ell)})'
        symbols: {w: nonzero}
        given: {W_ij^ell: 'w'}
        expect: 'diff("|w|", w)'
      - id: permute
        kind: index
        latex: 'Y_{ijkl} = X_{kilj}'
        expect: &p ['shape X = (2, 3, 4, 5)', 'shape Y = (3, 5, 2, 4)', 'Y_{i,j,k,l} = X_{k,i,l,j}']
      - id: torch-permute
        kind: index
        latex: 'Y_{ijkl} = X_{jlik}'
        expect: *p
      - id: einstein
        latex: 'C_{ij} = A_{ik} B_{kj}'
        reason: 'no reader for the summation convention'
""")
    for ok in ("unbiased", "sign", "permute"):
        assert r[ok].verdict == Verdict.CORRECT, (ok, r[ok].message)
    assert r["one-example"].verdict == Verdict.WRONG
    assert r["minus-sign"].verdict == Verdict.WRONG
    assert r["torch-permute"].verdict in (Verdict.WRONG, Verdict.ILL_POSED)
    assert r["einstein"].verdict == Verdict.UNVERIFIED and "summation convention" in r["einstein"].message


def test_nabla_without_a_variable_is_the_gradient_by_the_one_vector_the_quantity_depends_on(tmp_path):
    body = """
  - id: t/11
    layout: denominator
    symbols: {x: {shape: [3]}, d: {shape: [3]}}
    given:
      f: 'x_1^2 x_2 + \\sin(x_3) x_1'
      g: 'x_1 d_2'
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: components
          latex: '\\nabla f = \\begin{bmatrix} 2 x_1 x_2 + \\sin(x_3) \\\\ x_1^2 \\\\ x_1 \\cos(x_3) \\end{bmatrix}'
          expect: 'grad(f, x)'
        """,
        """
        - id: directional
          latex: '\\mathbf{d}^T \\nabla f = \\nabla f \\cdot \\mathbf{d}'
          expect: 'dot(d, grad(f, x))'
        """,
        """
        - id: swapped
          latex: '\\nabla f = \\begin{bmatrix} x_1^2 \\\\ 2 x_1 x_2 + \\sin(x_3) \\\\ x_1 \\cos(x_3) \\end{bmatrix}'
          expect: 'grad(f, x)'
        """,
        """
        - id: two-vectors
          latex: '\\nabla g'
          expect: 'grad(g, x)'
        """))
    assert r["components"].verdict == Verdict.CORRECT, r["components"].message
    assert r["directional"].verdict == Verdict.CORRECT, r["directional"].message
    assert r["swapped"].verdict == Verdict.WRONG
    # g depends on x and on d: which gradient is meant must be written (\nabla_{x} g)
    assert r["two-vectors"].verdict == Verdict.UNPARSED
    assert "2 declared vectors" in r["two-vectors"].message


def test_nabla_by_a_variable_of_a_function_applied_at_another_point_is_the_gradient_there(tmp_path):
    # \nabla_{\theta} L(\theta_t) is the gradient of L taken at theta_t (read literally, by theta, it would be 0)
    r = run(tmp_path, """
  - id: t/at
    given: {'\\mathcal{L}[u]': 'u^3 + \\log(1 + e^{u})'}
    claims:
      - id: at-theta-t
        latex: '\\nabla_{\\theta} \\mathcal{L}(\\theta_t)'
        expect: 'subs(diff("\\mathcal{L}[u]", u), u=theta_t)'
      - id: zero-is-not-it
        latex: '0'
        expect: '"\\nabla_{\\theta} \\mathcal{L}(\\theta_t)"'
      - id: at-theta
        latex: '\\nabla_{\\theta} \\mathcal{L}(\\theta)'
        expect: 'subs(diff("\\mathcal{L}[u]", u), u=theta)'
      - id: step
        latex: '\\beta v_t + \\nabla_{\\theta} \\mathcal{L}(\\theta_t - \\eta \\beta v_t)'
        expect: 'beta * v_t + subs(diff("\\mathcal{L}[u]", u), u=theta_t - eta * beta * v_t)'
""")
    for cid in ("at-theta-t", "at-theta", "step"):
        assert r[cid].verdict == Verdict.CORRECT, (cid, r[cid].message)
    assert r["zero-is-not-it"].verdict == Verdict.WRONG

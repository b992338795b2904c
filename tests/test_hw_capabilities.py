"""Capabilities added for the handwritten chapter-7 answers (udl-hw) and exercise sheet 3, each with an inline spec."""

from __future__ import annotations

from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

LAYER = r"""
exercises:
  - id: t/layer
    layout: denominator
    symbols:
      h: {shape: [4]}
      beta: {shape: [5]}
      w: {shape: [5, 4]}
      j: {range: [1, D_0]}
      i: {range: [1, D_i]}
    given:
      D_i: 4
      D_0: 5
      z: '\underline{\beta} + \underline{w} \underline{h}'
    claims:
"""


def _results(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r for r in check_exercise(ex)}


def test_elided_matrices_check_their_written_cells(tmp_path: Path) -> None:
    right = (r"\begin{pmatrix} w_{11} & w_{21} & \dots & w_{D_0 1} \\ w_{12} & \dots & w_{j2} & \dots \\ "
             r"\vdots & \dots & w_{ji} & \dots \\ w_{1 D_i} & \dots & \dots & w_{D_0 D_i} \end{pmatrix}")
    transposed = (r"\begin{pmatrix} w_{11} & w_{12} & \dots & w_{1 D_i} \\ \vdots & \dots & w_{ij} & \dots \\ "
                  r"w_{D_0 1} & \dots & \dots & w_{D_0 D_i} \end{pmatrix}")
    spec = LAYER + f"""      - id: right
        latex: '\\frac{{\\partial \\underline{{z}}}}{{\\partial \\underline{{h}}}} = {right}'
        expect: '\\frac{{\\partial \\underline{{z}}}}{{\\partial \\underline{{h}}}}'
      - id: transposed
        latex: '{transposed}'
        expect: '\\frac{{\\partial \\underline{{z}}}}{{\\partial \\underline{{h}}}}'
"""
    r = _results(tmp_path, spec)
    assert r["right"].verdict == Verdict.CORRECT, r["right"].message
    assert r["transposed"].verdict == Verdict.WRONG and r["transposed"].counterexample is not None


def test_components_with_index_letters_on_concrete_sizes(tmp_path: Path) -> None:
    spec = LAYER + r"""      - id: component
        latex: 'z_j = \beta_j + \sum_i w_{ji} h_i'
      - id: derivative
        latex: '\frac{\partial z_j}{\partial h_i} = w_{ji}'
      - id: derivative-swapped
        latex: '\frac{\partial z_j}{\partial h_i} = w_{ij}'
      - id: sizes
        kind: shape
        latex: '\underline{w} \rightarrow (D_0 \times D_i)'
"""
    v = {k: r.verdict for k, r in _results(tmp_path, spec).items()}
    assert v["component"] == Verdict.CORRECT and v["derivative"] == Verdict.CORRECT
    assert v["derivative-swapped"] != Verdict.CORRECT   # w_{ij} runs outside the 5 x 4 matrix
    assert v["sizes"] == Verdict.CORRECT


def test_vector_by_matrix_derivative_and_misfit_products_are_ill_posed(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/tensor
    layout: denominator
    functions: {eta: relu}
    symbols:
      h: {shape: [3]}
      beta: {shape: [2]}
      Omega: {shape: [2, 3]}
    given:
      f: '\underline{\beta} + \underline{\Omega} \underline{h}'
    claims:
      - id: tensor
        latex: '\frac{\partial \underline{f}}{\partial \underline{\Omega}} = \underline{h}^T'
      - id: misfit
        latex: '\mathbb{1}[\underline{f} > 0] \underline{\Omega}^T'
        expect: '\underline{\Omega}^T'
"""
    r = _results(tmp_path, spec)
    assert r["tensor"].verdict == Verdict.ILL_POSED and "third-order tensor" in r["tensor"].message
    assert r["misfit"].verdict == Verdict.ILL_POSED


def test_indicator_without_condition_is_ill_posed_with_a_hint(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/indicator
    functions: {a: relu}
    given:
      y: '\phi_1 a[\theta_0 + \theta_1 x]'
    claims:
      - id: bare
        latex: '\frac{\partial y}{\partial \theta_0} = \phi_1 \mathbb{1}[\theta_0 + \theta_1 x]'
        expect: 'diff(y, theta_0)'
"""
    r = _results(tmp_path, spec)["bare"]
    assert r.verdict == Verdict.ILL_POSED and "read as 1[... > 0] it equals the derived value" in r.message


def test_backprop_chain_with_an_unspecified_loss_is_decided_quickly(tmp_path: Path) -> None:
    import time

    spec = r"""
exercises:
  - id: t/chain
    layout: denominator
    functions: {a: relu, L: opaque}
    symbols:
      x: {shape: [D_i]}
      beta_0: {shape: [D_1]}
      Omega_0: {shape: [D_1, D_i]}
      beta_1: {shape: [D_f]}
      Omega_1: {shape: [D_f, D_1]}
    given:
      f_0: '\beta_0 + \Omega_0 x'
      h_1: 'a[f_0]'
      f_1: '\beta_1 + \Omega_1 h_1'
      l: 'L[f_1]'
    claims:
      - id: right
        latex: '\frac{\partial l}{\partial f_0} = \frac{\partial h_1}{\partial f_0} \frac{\partial f_1}{\partial h_1} \frac{\partial l}{\partial f_1}'
      - id: wrong-order
        latex: '\frac{\partial l}{\partial f_0} = \frac{\partial f_1}{\partial h_1} \frac{\partial h_1}{\partial f_0} \frac{\partial l}{\partial f_1}'
"""
    start = time.perf_counter()
    v = {k: r.verdict for k, r in _results(tmp_path, spec).items()}
    assert v["right"] == Verdict.CORRECT
    assert v["wrong-order"] in (Verdict.WRONG, Verdict.ILL_POSED)
    assert time.perf_counter() - start < 20

"""Derivatives through a computation graph of givens: local and chained derivatives, an unspecified loss,
a vector-by-matrix derivative, an indicator without its condition."""

from __future__ import annotations

import time
from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise


def _results(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r for r in check_exercise(ex)}


def test_derivative_through_a_computation_graph(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/graph
    given:
      f_0: '\beta_0 + \omega_0 x'
      h_1: '\sin[f_0]'
      f_1: '\beta_1 + \omega_1 h_1'
      h_2: '\exp[f_1]'
    claims:
      - id: local
        latex: '\frac{\partial h_2}{\partial f_1} = \exp[f_1]'
        expect: '\frac{\partial h_2}{\partial f_1}'
      - id: through
        latex: '\frac{\partial h_2}{\partial h_1} = \omega_1 \exp[f_1]'
        expect: '\frac{\partial h_2}{\partial h_1}'
      - id: typo
        latex: '\frac{\partial h_2}{\partial h_1} = \omega_1'
        expect: '\frac{\partial h_2}{\partial h_1}'
      - id: undefined
        latex: '\frac{\partial f_5}{\partial h_1} = \omega_1'
"""
    v = {k: r.verdict for k, r in _results(tmp_path, spec).items()}
    assert v == {"local": Verdict.CORRECT, "through": Verdict.CORRECT, "typo": Verdict.WRONG,
                 "undefined": Verdict.ILL_POSED}


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

"""Shape claims: table cells of sizes and membership in R^n."""

from __future__ import annotations

from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise


def _results(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r for r in check_exercise(ex)}


def test_table_cells_of_sizes_and_membership_in_r_n(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/sizes
    layout: denominator
    symbols:
      x: {shape: [D_i]}
      beta_0: {shape: [D_1]}
      Omega_0: {shape: [D_1, D_i]}
    given: {D_i: 5, D_1: 20, f_0: '\beta_0 + \Omega_0 x'}
    claims:
      - {id: omega, kind: shape, latex: '20 \times 5', expect: '\boldsymbol{\Omega}_0'}
      - {id: omega-t, kind: shape, latex: '5 \times 20', expect: '\boldsymbol{\Omega}_0'}
      - {id: beta, kind: shape, latex: '\in \mathbb{R}^{20}', expect: '\boldsymbol{\beta}_0'}
      - {id: jac, kind: shape, latex: 'D_i \times D_1', expect: '\frac{\partial f_0}{\partial x}'}
"""
    v = {k: r.verdict for k, r in _results(tmp_path, spec).items()}
    assert v == {"omega": Verdict.CORRECT, "omega-t": Verdict.WRONG, "beta": Verdict.CORRECT, "jac": Verdict.CORRECT}


def test_layer_labels_the_all_ones_vector_and_a_transposed_group(tmp_path: Path) -> None:
    # A^{(\ell-1)} is declared A^ellm1 (as the lowerer reads it), \mathbf{1} is the given `ones`, and
    # \Delta (A)^\top is \Delta times (A)^\top, as in a formula
    spec = r"""
exercises:
  - id: t/batch-sizes
    layout: denominator
    symbols:
      W^ell: {shape: [4, 3]}
      W^ellp1: {shape: [2, 4]}
      b^ell: {shape: [4]}
      A^ellm1: {shape: [3, 5]}
      cal_L_batch: {shape: []}
    given:
      n_ellm1: 3
      n_ell: 4
      n_ellp1: 2
      m: 5
      ones: [1, 1, 1, 1, 1]
      Z^ell: '\mathbf{W}^{(\ell)} \mathbf{A}^{(\ell-1)} + \mathbf{b}^{(\ell)} \mathbf{1}^\top'
      Delta^ell: '\frac{\partial \mathcal{L}_{\text{batch}}}{\partial Z^{(\ell)}}'
    claims:
      - {id: z, kind: shape, latex: 'Z^{(\ell)} = W^{(\ell)} A^{(\ell-1)} + \mathbf{b}^{(\ell)} \mathbf{1}^\top \in \mathbb{R}^{n_\ell \times m}'}
      - {id: delta, kind: shape, latex: '\Delta^{(\ell)} \in \mathbb{R}^{n_\ell \times m}'}
      - {id: grad, kind: shape, latex: '\Delta^{(\ell)} (A^{(\ell-1)})^\top \in \mathbb{R}^{n_\ell \times n_{\ell-1}}'}
      - {id: grad-t, kind: shape, latex: '\Delta^{(\ell)} (A^{(\ell-1)})^\top \in \mathbb{R}^{n_{\ell-1} \times n_\ell}'}
      - {id: ones, kind: shape, latex: '\mathbf{1} \in \mathbb{R}^{m}'}
      - {id: back, kind: shape, latex: '(W^{(\ell+1)})^\top \Delta^{(\ell)} \in \mathbb{R}^{n_\ell \times m}'}
"""
    v = {k: r.verdict for k, r in _results(tmp_path, spec).items()}
    assert v == {"z": Verdict.CORRECT, "delta": Verdict.CORRECT, "grad": Verdict.CORRECT, "grad-t": Verdict.WRONG,
                 "ones": Verdict.CORRECT, "back": Verdict.ILL_POSED}


def test_signatures_of_maps_are_read_off_their_use(tmp_path: Path) -> None:
    # f: R^N -> R^M applied to x; g scalar, applied to two M-vectors; h = g(f(x), f(x)) a map of x
    spec = r"""
exercises:
  - id: t/maps
    functions: {f: opaque, g: opaque, k: opaque}
    symbols:
      x: {shape: [N]}
      f: {shape: [M]}
      u: {shape: []}
    given:
      h: 'g[f[x], f[x]]'
      'q[u]': '2 u + 1'
    claims:
      - {id: f, kind: shape, latex: 'f : \mathbb{R}^N \rightarrow \mathbb{R}^M'}
      - {id: f-codomain, kind: shape, latex: 'f : \mathbb{R}^N \rightarrow \mathbb{R}^N'}
      - {id: g-pair, kind: shape, latex: 'g : \mathbb{R}^M \times \mathbb{R}^M \rightarrow \mathbb{R}'}
      - {id: g-matrix, kind: shape, latex: 'g : \mathbb{R}^{M \times M} \rightarrow \mathbb{R}'}
      - {id: h, kind: shape, latex: 'h : \mathbb{R}^N \rightarrow \mathbb{R}'}
      - {id: h-vector, kind: shape, latex: 'h : \mathbb{R}^N \rightarrow \mathbb{R}^M'}
      - {id: q, kind: shape, latex: 'q : \mathbb{R} \rightarrow \mathbb{R}'}
      - {id: k-unused, kind: shape, latex: 'k : \mathbb{R} \rightarrow \mathbb{R}'}
"""
    results = _results(tmp_path, spec)
    v = {k: r.verdict for k, r in results.items()}
    assert v == {"f": Verdict.CORRECT, "f-codomain": Verdict.WRONG, "g-pair": Verdict.CORRECT,
                 "g-matrix": Verdict.WRONG, "h": Verdict.CORRECT, "h-vector": Verdict.WRONG,
                 "q": Verdict.CORRECT, "k-unused": Verdict.UNVERIFIED}
    assert "domain: g takes R^M x R^M" in results["g-matrix"].message
    assert "not R^(M x M)" in results["g-matrix"].message
    assert "codomain: f gives R^M, not R^N" in results["f-codomain"].message
    assert "not applied in any definition" in results["k-unused"].message

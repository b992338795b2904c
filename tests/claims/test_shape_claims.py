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

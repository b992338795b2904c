"""A layer z = beta + w h on concrete sizes: its Jacobian written as an elided matrix (the written cells are
checked), its components with index letters."""

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

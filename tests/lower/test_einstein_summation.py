"""Einstein summation on request (`summation: einstein`): repeated indices contracted, sums of letters as
component indices."""

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


def test_einstein_summation_contracts_repeated_indices_on_request(tmp_path):
    body = """
  - id: t/einstein
    symbols: {A: {shape: [2, 3]}, B: {shape: [3, 2]}, i: {range: [1, 2]}, j: {range: [1, 2]}, k: {range: [1, 3]}}
    given: {C: '\\mathbf{A}\\mathbf{B}'}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: right
          latex: 'C_{ij} = A_{ik} B_{kj}'
          summation: einstein
          expect: 'A * B'
        """,
        """
        - id: wrong-letter
          latex: 'C_{ij} = A_{ik} B_{ki}'
          summation: einstein
          expect: 'A * B'
        """,
        """
        - id: transposed
          latex: 'C_{ij} = A_{jk} B_{ki}'
          summation: einstein
          expect: 'A * B'
        """,
        """
        - id: without-opt-in
          latex: 'C_{ij} = A_{ik} B_{kj}'
          expect: 'A * B'
        """))
    assert r["right"].verdict == Verdict.CORRECT, r["right"].message
    # i is on the left: only k is summed, and the entry no longer depends on j
    assert r["wrong-letter"].verdict == Verdict.WRONG, r["wrong-letter"].message
    assert r["transposed"].verdict == Verdict.WRONG, r["transposed"].message
    assert r["without-opt-in"].verdict != Verdict.CORRECT


def test_einstein_convolution_reads_sums_of_letters_as_component_indices(tmp_path):
    body = """
  - id: t/conv
    symbols: {x: {shape: [3]}, t: {range: [1, 2]}, s: {range: [0, 1]}}
    given: {y: '\\begin{bmatrix} x_1 & x_2 \\\\ x_2 & x_3 \\end{bmatrix} \\begin{bmatrix} w_0 \\\\ w_1 \\end{bmatrix}'}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: right
          latex: 'y_t = w_s x_{t+s}'
          summation: einstein
          expect: 'y'
        """,
        """
        - id: flipped
          latex: 'y_t = w_s x_{t+1-s}'
          summation: einstein
          expect: 'y'
        """))
    assert r["right"].verdict == Verdict.CORRECT, r["right"].message
    assert r["flipped"].verdict == Verdict.WRONG, r["flipped"].message

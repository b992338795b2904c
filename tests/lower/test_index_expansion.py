"""Index notation on concrete sizes: Kronecker deltas checked entry by entry, free indices making a matrix,
sums over concrete ranges unrolled, letters without a range, layer labels, time labels in unrolled sums."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations
from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

SOFTMAX = """
  - id: t/1
    layout: numerator
    symbols: {z: {shape: [3]}, i: {range: [1, 3]}, j: {range: [1, 3]}}
    given: {p: '\\text{softmax}(\\mathbf{z})'}
    claims:
"""


def run(tmp_path: Path, body: str) -> dict[str, object]:
    path = tmp_path / "spec.yaml"
    path.write_text("notes: n.md\nexercises:\n" + textwrap.dedent(body), encoding="utf-8")
    return {r.claim: r for ex in load_file(path) for r in check_exercise(ex)}


def claims(*items: str) -> str:
    return "".join(textwrap.indent(textwrap.dedent(c).strip("\n") + "\n", "      ") for c in items)


def lower(latex: str, decls: Declarations | None = None) -> sp.Basic:
    return Lowerer(decls or Declarations()).expr(parse_latex(latex).statements[0].operands[0])


def test_softmax_jacobian_with_kronecker_delta_is_checked_entry_by_entry(tmp_path):
    r = run(tmp_path, SOFTMAX + claims(
        """
        - id: right
          latex: '\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)'
          expect: 'jacobian(p, z)'
        """,
        """
        - id: plus-sign
          latex: 'p_i(\\delta_{ij} + p_j)'
          expect: 'jacobian(p, z)'
        """,
        """
        - id: matrix-form
          latex: '\\frac{\\partial \\mathbf{p}}{\\partial \\mathbf{z}} = \\text{diag}(\\mathbf{p}) - \\mathbf{p}\\mathbf{p}^\\top'
          expect: 'jacobian(p, z)'
        """,
        """
        - id: missing-diag
          latex: '- \\mathbf{p}\\mathbf{p}^\\top'
          expect: 'jacobian(p, z)'
        """))
    assert r["right"].verdict == Verdict.CORRECT, r["right"].message
    assert r["matrix-form"].verdict == Verdict.CORRECT, r["matrix-form"].message
    assert r["plus-sign"].verdict == Verdict.WRONG and "entry (1,1)" in r["plus-sign"].message
    assert r["missing-diag"].verdict == Verdict.WRONG


def test_free_indices_make_a_matrix_rows_follow_the_first_declared_letter(tmp_path):
    spec = SOFTMAX.replace("z: {shape: [3]}", "z: {shape: [3]}, W: {shape: [3, 3]}")
    r = run(tmp_path, spec + claims(
        """
        - id: entries
          latex: 'W_{ij}'
          expect: 'W'
        """,
        """
        - id: transposed
          latex: 'W_{ji}'
          expect: 'W'
        """,
        """
        - id: constant-side
          latex: '\\frac{\\partial z_i}{\\partial z_i} = 1'
          expect: '"\\frac{\\partial z_i}{\\partial z_i}"'
        """))
    assert r["entries"].verdict == Verdict.CORRECT
    assert r["transposed"].verdict == Verdict.WRONG
    assert r["constant-side"].verdict == Verdict.CORRECT, r["constant-side"].message


def test_sums_over_concrete_ranges_unroll_and_kronecker_sums_collapse(tmp_path):
    body = """
  - id: t/2
    symbols: {z: {shape: [3]}, y: {shape: [3]}, i: {range: [1, 3]}, j: {range: [1, 3]}}
    given: {K: 3}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: kronecker
          latex: '\\sum_{i=1}^K y_i\\delta_{ij} = y_j'
          expect: 'y'
        """,
        """
        - id: wrong-index
          latex: '\\sum_{i=1}^K y_i\\delta_{ij} = y_i'
          expect: 'y'
        """,
        """
        - id: lse
          latex: '\\log \\sum_{j=1}^K e^{z_j}'
          expect: 'logsumexp(z)'
        """))
    assert r["kronecker"].verdict == Verdict.CORRECT, r["kronecker"].message
    # y_i next to a sum over i: read over i and j it is a matrix, not the derived vector
    assert r["wrong-index"].verdict in (Verdict.WRONG, Verdict.ILL_POSED)
    assert r["lse"].verdict == Verdict.CORRECT


def test_letters_without_an_integer_range_keep_the_old_error():
    decls = Declarations()
    decls.shapes["z"] = (sp.Integer(3), sp.Integer(1))
    decls.constants["z"] = sp.ImmutableMatrix([sp.Symbol("z1"), sp.Symbol("z2"), sp.Symbol("z3")])
    with pytest.raises(LoweringError, match="symbolic index"):
        lower("z_j", decls)
    assert lower("z_2", decls) == sp.Symbol("z2")


def test_layer_labels_name_components_and_minus_plus_star_aliases(tmp_path):
    body = """
  - id: t/5
    symbols:
      W^ell: {shape: [2, 3]}
      a^ellm1: {shape: [3]}
      w_star: {shape: [3]}
      j: {range: [1, 2]}
      k: {range: [1, 3]}
    given:
      z^ell: '\\mathbf{W}^{(\\ell)} \\mathbf{a}^{(\\ell-1)}'
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: components
          latex: 'z_j^{(\\ell)} = \\sum_{k=1}^{3} W_{jk}^{(\\ell)} a_k^{(\\ell-1)}'
          expect: '"\\mathbf{W}^{(\\ell)} \\mathbf{a}^{(\\ell-1)}"'
        """,
        """
        - id: star
          latex: '\\mathbf{w}_*^\\top \\mathbf{w}_\\star'
          expect: 'dot(w_star, w_star)'
        """))
    assert r["components"].verdict == Verdict.CORRECT, r["components"].message
    assert r["star"].verdict == Verdict.CORRECT, r["star"].message


BPTT = """
  - id: t/bptt
    layout: denominator
    symbols:
      t: {range: [1, 2]}
      h^0: {shape: [2]}
      W: {shape: [2, 2]}
      x^1: {shape: [1]}
      x^2: {shape: [1]}
      U: {shape: [2, 1]}
      a^1: {shape: [2]}
      a^2: {shape: [2]}
    given:
      T: 2
      z^1: '\\mathbf{W}\\mathbf{h}^{(0)} + \\mathbf{U}\\mathbf{x}^{(1)} + \\mathbf{a}^{(1)}'
      h^1: '\\tanh(\\mathbf{z}^{(1)})'
      z^2: '\\mathbf{W}\\mathbf{h}^{(1)} + \\mathbf{U}\\mathbf{x}^{(2)} + \\mathbf{a}^{(2)}'
      h^2: '\\tanh(\\mathbf{z}^{(2)})'
      L: '\\sin((\\mathbf{h}^{(1)})_1) + (\\mathbf{h}^{(2)})_1 (\\mathbf{h}^{(2)})_2'
      delta^1: '\\frac{\\partial L}{\\partial \\mathbf{a}^{(1)}}'
      delta^2: '\\frac{\\partial L}{\\partial \\mathbf{a}^{(2)}}'
    claims:
"""


def test_unrolled_sums_substitute_the_letter_in_time_labels(tmp_path):
    # \sum_{t=1}^T over a time label: h^{(t-1)} at t = 2 is the same quantity as h^{(1)}
    decls = Declarations()
    low = Lowerer(decls)
    low.index_values["t"] = 2
    node = parse_latex("\\mathbf{h}^{(t-1)}").statements[0].operands[0]
    assert low.name_of(node) == "h^1"
    low.index_values["t"] = 3
    assert low.name_of(parse_latex("h^{(t+1)}").statements[0].operands[0]) == "h^4"
    assert low.name_of(parse_latex("h^{(2t)}").statements[0].operands[0]) == "h^2t"   # not a sum: kept
    r = run(tmp_path, BPTT + claims(
        """
        - id: right
          latex: '\\frac{\\partial L}{\\partial \\mathbf{W}} = \\sum_{t=1}^T \\delta^{(t)} (\\mathbf{h}^{(t-1)})^\\top'
          expect: '"\\frac{\\partial L}{\\partial \\mathbf{W}}"'
        """,
        """
        - id: same-step
          latex: '\\frac{\\partial L}{\\partial \\mathbf{W}} = \\sum_{t=1}^T \\delta^{(t)} (\\mathbf{h}^{(t)})^\\top'
          expect: '"\\frac{\\partial L}{\\partial \\mathbf{W}}"'
        """,
        """
        - id: inputs
          latex: '\\frac{\\partial L}{\\partial \\mathbf{U}} = \\sum_{t=1}^T \\delta^{(t)} (\\mathbf{x}^{(t)})^\\top'
          expect: '"\\frac{\\partial L}{\\partial \\mathbf{U}}"'
        """))
    assert r["right"].verdict == Verdict.CORRECT, r["right"].message
    assert r["same-step"].verdict == Verdict.WRONG, r["same-step"].message
    assert r["inputs"].verdict == Verdict.CORRECT, r["inputs"].message


def test_a_layer_label_and_an_example_label_name_one_quantity_read_in_an_unrolled_sum(tmp_path):
    # \delta^{(\ell),(i)} at i = 2 is delta^ell,2 (declared so), the average gradient of a mini-batch of two
    body = r"""
  - id: t/labels
    layout: denominator
    symbols:
      W^ell: {shape: [2, 3]}
      b^ell: {shape: [2]}
      a^ellm1,1: {shape: [3]}
      a^ellm1,2: {shape: [3]}
      i: {range: [1, 2]}
    given:
      m: 2
      'f[u, v]': '\log(1 + e^{u}) + u v^2'
      z^ell,1: '\mathbf{W}^{(\ell)} \mathbf{a}^{(\ell-1),(1)} + \mathbf{b}^{(\ell)}'
      z^ell,2: '\mathbf{W}^{(\ell)} \mathbf{a}^{(\ell-1),(2)} + \mathbf{b}^{(\ell)}'
      L^1: 'f[(\mathbf{z}^{(\ell),(1)})_1, (\mathbf{z}^{(\ell),(1)})_2]'
      L^2: 'f[(\mathbf{z}^{(\ell),(2)})_2, (\mathbf{z}^{(\ell),(2)})_1]'
      cal_L: '\frac{1}{2} (L^{(1)} + L^{(2)})'
      delta^ell,1: '\frac{\partial L^{(1)}}{\partial \mathbf{z}^{(\ell),(1)}}'
      delta^ell,2: '\frac{\partial L^{(2)}}{\partial \mathbf{z}^{(\ell),(2)}}'
    claims:
      - id: average
        latex: '\frac{1}{m} \sum_{i=1}^m \boldsymbol{\delta}^{(\ell),(i)} (\mathbf{a}^{(\ell-1),(i)})^\top'
        expect: '"\frac{\partial \mathcal{L}}{\partial \mathbf{W}^{(\ell)}}"'
      - id: first-example-twice
        latex: '\frac{1}{m} \sum_{i=1}^m \boldsymbol{\delta}^{(\ell),(1)} (\mathbf{a}^{(\ell-1),(1)})^\top'
        expect: '"\frac{\partial \mathcal{L}}{\partial \mathbf{W}^{(\ell)}}"'
"""
    r = run(tmp_path, body)
    assert r["average"].verdict == Verdict.CORRECT, r["average"].message
    assert r["first-example-twice"].verdict == Verdict.WRONG


def test_a_given_size_read_as_a_sum_bound_keeps_its_value_in_later_formulas(tmp_path):
    # A definition that sums up to a given size (`m: 4`) must not turn the size into an unknown count for the
    # formulas read after it: the claim's own 1/m is 1/4, so the right mean is correct and 1/(m-1) is wrong.
    r = run(tmp_path, """
      - id: t/size
        symbols: {i: {range: [1, 4]}}
        given: {m: 4, u_1: 1, u_2: 2, u_3: 4, u_4: 9, mu: '\\frac{1}{m} \\sum_{i=1}^{m} u_i'}
        claims:
          - id: variance
            latex: '\\frac{1}{m} \\sum_{i=1}^{m} (u_i - \\mu)^2'
            expect: '(9 + 4 + 0 + 25) / 4'
          - id: sample-variance-is-not-it
            latex: '\\frac{1}{m-1} \\sum_{i=1}^{m} (u_i - \\mu)^2'
            expect: '(9 + 4 + 0 + 25) / 4'
    """)
    assert r["variance"].verdict == Verdict.CORRECT, r["variance"].message
    assert r["sample-variance-is-not-it"].verdict == Verdict.WRONG


def test_a_layer_and_an_example_label_together_name_one_quantity(tmp_path):
    # z_j^{(\ell), (i)}: unit j of layer ell for example i; the example label takes its value in an unrolled sum,
    # and a spec key may be written the same way
    low = Lowerer(Declarations())
    assert low.name_of(parse_latex("z_j^{(\\ell), (i)}").statements[0].operands[0]) == "z_j^ell,i"
    low.index_values["i"] = 3
    assert low.name_of(parse_latex("z_j^{(\\ell),(i)}").statements[0].operands[0]) == "z_j^ell,3"
    assert low.name_of(parse_latex("z^{(\\ell), 2}").statements[0].operands[0]) is None   # a power, not labels
    r = run(tmp_path, """
      - id: t/labels
        symbols: {i: {range: [1, 3]}}
        given: {'z^{(\\ell), (1)}': 1, 'z^{(\\ell), (2)}': 5, 'z^{(\\ell), (3)}': 9}
        claims:
          - id: mean
            latex: '\\frac{1}{3} \\sum_{i=1}^{3} z^{(\\ell), (i)}'
            expect: '5'
          - id: first-twice
            latex: '\\frac{1}{3} (z^{(\\ell), (1)} + z^{(\\ell),(1)} + z^{(\\ell), (3)})'
            expect: '5'
    """)
    assert r["mean"].verdict == Verdict.CORRECT, r["mean"].message
    assert r["first-twice"].verdict == Verdict.WRONG


def test_a_sum_over_two_letters_is_the_double_sum_over_their_ranges(tmp_path):
    # `\sum_{i,j} |W_{ij}|` (the entrywise 1-norm of a matrix, as L1 penalties write it)
    r = run(tmp_path, """
      - id: t/pairs
        symbols: {W: {shape: [2, 3]}, i: {range: [1, 2]}, j: {range: [1, 3]}}
        claims:
          - id: entrywise
            latex: '\\sum_{i,j} |W_{ij}|'
            expect: 'sum_entries(abs(W))'
          - id: no-bars
            latex: '\\sum_{i, j} W_{ij}'
            expect: 'sum_entries(abs(W))'
          - id: diagonal-only
            latex: '\\sum_{i} |W_{ii}|'
            expect: 'sum_entries(abs(W))'
    """)
    assert r["entrywise"].verdict == Verdict.CORRECT, r["entrywise"].message
    assert r["no-bars"].verdict == Verdict.WRONG
    assert r["diagonal-only"].verdict == Verdict.WRONG

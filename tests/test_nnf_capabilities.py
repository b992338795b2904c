"""Capabilities behind the nn-foundations specs: index notation on concrete sizes (Kronecker delta,
free indices, unrolled sums, max over an index), vector functions and norms, f'(z), gradients,
bound and order claims, `+=` accumulation, and the kernels' finite-difference witnesses."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.recipes.interpreter import RecipeInterpreter
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


# ------------------------------------------------------------------ index notation on concrete sizes
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


def test_max_over_an_index_norms_and_dot_products():
    d = Declarations()
    d.index_ranges["k"] = (sp.Integer(1), sp.Integer(3))
    v = sp.ImmutableMatrix(sp.symbols("v1 v2 v3", real=True))
    d.constants["v"] = v
    d.constants["w"] = sp.ImmutableMatrix(sp.symbols("w1 w2 w3", real=True))
    assert lower("\\max_k v_k", d) == sp.Max(*v)
    assert lower("\\|\\mathbf{v}\\|_1", d) == sum(sp.Abs(x) for x in v)
    assert lower("\\|\\mathbf{v}\\|_\\infty", d) == sp.Max(*[sp.Abs(x) for x in v])
    assert sp.simplify(lower("\\|\\mathbf{v}\\|_2^2", d) - sum(x ** 2 for x in v)) == 0
    assert sp.expand(lower("\\mathbf{v} \\cdot \\mathbf{w}", d) - lower("\\mathbf{v}^T \\mathbf{w}", d)) == 0



def test_plain_bars_pair_into_absolute_values_and_lone_bars_stay_separators():
    assert lower("|a - b|") == sp.Abs(sp.Symbol("a", real=True) - sp.Symbol("b", real=True))
    assert parse_latex("\\sum_{i} |v_i|").statements
    assert parse_latex("|y - \\hat{y}| \\leq \\delta").statements[0].relations == ["<="]
    # conditional probability keeps its single bar
    assert len(parse_latex("P(y | x)").statements) >= 1


# ------------------------------------------------------------------ functions, derivatives, gradients
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


# ------------------------------------------------------------------ bounds, implications, orders
def test_bounds_hold_or_fail_with_a_confirmed_point(tmp_path):
    body = """
  - id: t/7
    functions: {sigma: sigmoid}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: quarter
          kind: bound
          latex: '\\sigma''(z) \\leq 1/4'
        """,
        """
        - id: fifth
          kind: bound
          latex: '\\sigma''(z) \\leq 1/5'
        """,
        """
        - id: tanh-strict
          kind: bound
          latex: '1 - \\tanh^2(z) < 1'
        """,
        """
        - id: implication
          kind: bound
          symbols: {M: positive, R: positive, gamma: positive}
          latex: 'M\\gamma \\leq R\\sqrt{M} \\Rightarrow M \\leq \\left(\\frac{R}{\\gamma}\\right)^2'
        """))
    assert r["quarter"].verdict == Verdict.CORRECT, r["quarter"].message
    assert r["fifth"].verdict == Verdict.WRONG and r["fifth"].counterexample is not None
    # attained only at z = 0: the grid probes it
    assert r["tanh-strict"].verdict == Verdict.WRONG, r["tanh-strict"].message
    assert r["implication"].verdict == Verdict.CORRECT, r["implication"].message


def test_order_claims_compare_growth_with_a_derived_count(tmp_path):
    body = """
  - id: t/8
    symbols: {T: positive, d: positive, L: positive, n: positive}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: same
          kind: order
          latex: 'O(T^2 \\cdot d + T \\cdot d^2)'
          expect: '2 * T^2 * d + 12 * T * d^2'
        """,
        """
        - id: too-small
          kind: order
          latex: 'O(L \\cdot n)'
          expect: 'L * n + (L - 1) * n^2'
        """,
        """
        - id: loose
          kind: order
          latex: 'O(T^3)'
          expect: 'T^2'
        """))
    assert r["same"].verdict == Verdict.CORRECT
    assert r["too-small"].verdict == Verdict.WRONG and "as n grows" in r["too-small"].message
    assert r["loose"].verdict == Verdict.CORRECT and "not tight" in r["loose"].message


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


# ------------------------------------------------------------------ recipes and kernel witnesses
def test_tensor_recipes_follow_their_definitions():
    d = Declarations()
    d.given["v"] = sp.ImmutableMatrix([3, -4, 1])
    d.given["z"] = sp.ImmutableMatrix([0, sp.log(2), sp.log(3)])
    ri = RecipeInterpreter(d)
    assert ri.run("norm(v)") == sp.sqrt(26)
    assert ri.run("norm(v, 1)") == 8
    assert ri.run("norm(v, oo)") == 4
    assert ri.run("dot(v, v)") == 26
    assert ri.run("outer(v, v)").shape == (3, 3)
    assert list(ri.run("softmax(z)")) == [sp.Rational(1, 6), sp.Rational(1, 3), sp.Rational(1, 2)]
    assert sp.simplify(ri.run("logsumexp(z)") - sp.log(6)) == 0
    assert ri.run("avg(v)") == 0 and ri.run("variance(v)") == sp.Rational(26, 3)
    assert sp.expand(ri.run('recurrence("2 * s + 1", s, 0, k, 0, 3)')) == 7


def test_finite_difference_witnesses_agree_with_the_symbolic_gradients():
    d = Declarations()
    z = [0.3, -1.2, 0.8]
    d.given["z"] = sp.ImmutableMatrix([sp.Rational(str(x)) for x in z])
    d.given["y"] = sp.ImmutableMatrix([0, 1, 0])
    ri = RecipeInterpreter(d)
    p = np.exp(z) / np.exp(z).sum()
    fd = np.array([float(x) for x in ri.run("fd_grad(cce_logits, z, y=y)")])
    assert np.allclose(fd, p - np.array([0, 1, 0]), atol=1e-8)
    J = np.array(ri.run("fd_jacobian(softmax, z)").tolist(), dtype=float)
    assert np.allclose(J, np.diag(p) - np.outer(p, p), atol=1e-8)
    d.given["t"] = sp.ImmutableMatrix([sp.Rational(3, 2), sp.Rational(-1, 10)])
    d.given["u"] = sp.ImmutableMatrix([0, 0])
    huber = [float(x) for x in ri.run("fd_grad(huber, t, y=u, delta=1)")]
    assert np.allclose(huber, [1.0, -0.1], atol=1e-8)


def test_lstm_cell_and_attention_recipes_match_the_textbook_equations():
    rng = np.random.default_rng(1)
    d = Declarations()
    names = {"x": (2,), "h": (2,), "c": (2,)}
    for g in "ifoc":
        names |= {f"Wx{g}": (2, 2), f"Wh{g}": (2, 2), f"b{g}": (2,)}
    vals = {k: rng.normal(size=s) for k, s in names.items()}
    for k, v in vals.items():
        d.given[k] = sp.ImmutableMatrix(v.reshape(v.shape[0], -1).tolist())
    rec = RecipeInterpreter(d).run("lstm_cell(x, h, c, Wxi, Whi, bi, Wxf, Whf, bf, Wxo, Who, bo, Wxc, Whc, bc)")

    def sig(a):
        return 1 / (1 + np.exp(-a))

    gate = {g: vals[f"Wx{g}"] @ vals["x"] + vals[f"Wh{g}"] @ vals["h"] + vals[f"b{g}"] for g in "ifoc"}
    c_new = sig(gate["f"]) * vals["c"] + sig(gate["i"]) * np.tanh(gate["c"])
    h_new = sig(gate["o"]) * np.tanh(c_new)
    assert np.allclose([float(v) for v in rec.component("c")], c_new)
    assert np.allclose([float(v) for v in rec.component("h")], h_new)
    Q, Km, V = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 4))
    for k, v in {"Q": Q, "K": Km, "V": V}.items():
        d.given[k] = sp.ImmutableMatrix(v.tolist())
    att = RecipeInterpreter(d).run("attention(Q, K, V)")
    S = Q @ Km.T / np.sqrt(2)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    assert np.allclose(np.array(att.component("out").tolist(), dtype=float), P @ V)


# ------------------------------------------------------------------ claims added for ch. 8, 12, 15, 21
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

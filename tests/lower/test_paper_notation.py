"""The notation of papers and textbooks: each spelling read as its author means it, a right claim correct and
a wrong one wrong (never a symbol named `star` raised to a power, never an operator read as a product)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations, declare_symbols
from verify.claims.registry import load_file
from verify.compare.equal import compare
from verify.result import Verdict
from verify.run.check import check_exercise

# Written for these tests in the style of optimisation and statistics papers (not taken from any notes).
SPEC = r"""
notes: paper.md
exercises:
  - id: t/ridge
    symbols: {lambda: positive, x: real, y: real, w: real}
    given:
      'w^\star': '\frac{x y}{x^2 + \lambda}'
      '\hat{y}': 'w x'
      L: '(w x - y)^2'
    claims:
      - id: star-right
        latex: 'w^* = \frac{x y}{x^2 + \lambda}'
        expect: 'w^*'
      - id: star-wrong
        latex: 'w^* = \frac{x y}{x^2}'
        expect: 'w^*'
      - id: operator-derivative-right
        latex: '\frac{\partial}{\partial w}(w x - y)^2 = 2(wx - y) x'
        expect: 'diff(L, w)'
      - id: operator-derivative-wrong
        latex: '\frac{\partial}{\partial w}(w x - y)^2 = 2(wx - y)'
        expect: 'diff(L, w)'
      - id: nabla-right
        latex: '\nabla_{w} \left(w x - y\right)^2 = 2 x (\hat{y} - y)'
        expect: 'diff(L, w)'
      - id: nabla-wrong
        latex: '\nabla_{w} \left(w x - y\right)^2 = 2 x (y - \hat{y})'
        expect: 'diff(L, w)'
      - id: bracket-derivative-right
        latex: '\frac{d}{dw}\left[w^3 x\right] = 3 w^2 x'
        expect: 'diff(w**3*x, w)'
      - id: bracket-derivative-wrong
        latex: '\frac{d}{dw}\left[w^3 x\right] = 3 w x'
        expect: 'diff(w**3*x, w)'
  - id: t/logit
    functions: {sigma: sigmoid}
    given:
      L: '-\log \sigma(z)'
    claims:
      - {id: log-sigma-right, latex: '\frac{d}{dz}\left[-\log\sigma(z)\right] = \sigma(z) - 1', expect: 'diff(L, z)'}
      - {id: log-sigma-wrong, latex: '\frac{d}{dz}\left[-\log\sigma(z)\right] = 1 - \sigma(z)', expect: 'diff(L, z)'}
  - id: t/iterates
    symbols: {eta: positive}
    given:
      '\theta^{(t)}': '3'
    claims:
      - id: label-right
        latex: '\theta^{(t+1)} = \theta^{(t)} - \eta \cdot 2\theta^{(t)}'
        expect: '(1 - 2 \eta) \theta^{(t)}'
      - id: label-wrong
        latex: '\theta^{(t+1)} = \theta^{(t)} + \eta \cdot 2\theta^{(t)}'
        expect: '(1 - 2 \eta) \theta^{(t)}'
"""


def _results(tmp_path: Path) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    return {r.claim: r for ex in load_file(path) for r in check_exercise(ex)}


def test_claims_in_paper_notation_get_the_right_verdicts(tmp_path: Path) -> None:
    results = _results(tmp_path)
    for claim, result in results.items():
        expected = Verdict.CORRECT if claim.endswith("-right") else Verdict.WRONG
        assert result.verdict == expected, (claim, result.verdict, result.message)
        if expected == Verdict.WRONG:
            assert result.counterexample is not None or result.message, claim


def _value(latex: str):
    (statement,) = parse_latex(latex).statements
    (operand,) = statement.operands
    return Lowerer(Declarations()).expr(operand)


def _equal(a: str, b: str) -> bool | None:
    return compare(_value(a), _value(b), seed=0).equal


@pytest.mark.parametrize(("a", "b", "equal"), [
    # starred, hatted, tilded, primed names: names, never powers or products
    (r"w^\star + 1", r"1 + w^{*}", True),
    (r"\theta^\ast x", r"x \theta^*", True),
    (r"w^* x", r"w x", False),
    (r"\hat\theta + \tilde x", r"\hat{\theta} + \tilde{x}", True),
    (r"\hat\theta", r"\theta", False),
    (r"x' + y_1''", r"x^{\prime} + y_1^{\prime\prime}", True),
    (r"x''", r"x'", False),
    # operator-form derivatives act on the whole group, its power included
    (r"\frac{\partial}{\partial w}(w x - y)^2", r"2(wx - y) x", True),
    (r"\frac{\partial}{\partial w}(w x - y)^2", r"x^2", False),
    (r"\frac{d}{dx}\left[x^3 + x\right]^2", r"2(x^3 + x)(3x^2 + 1)", True),
    (r"\frac{\partial^2}{\partial x \partial y} x^2 y^3", r"6 x y^2", True),
    (r"\nabla_w (w^2)", r"2 w", True),
    (r"\nabla_{w} (w x - y)^2", r"2(wx - y)", False),
    # the Gaussian density as papers write it: variance second
    (r"\mathcal{N}(x; \mu, \sigma^2)", r"\frac{1}{\sqrt{2\pi\sigma^2}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}", True),
    (r"\mathcal{N}(x; \mu, \sigma^2)", r"\frac{1}{\sqrt{2\pi\sigma^2}} e^{-\frac{(x-\mu)^2}{\sigma^2}}", False),
    (r"\tfrac{1}{2} x", r"\dfrac{x}{2}", True),
    (r"\|x\|_2^2", r"x^2", True),
    (r"\max(0, z)", r"\frac{z + |z|}{2}", True),
    # a function name without brackets takes the letters and numbers after it
    (r"\sin 2x", r"2 \sin x \cos x", True),
    (r"\sin 2x", r"x \sin 2", False),
    (r"\cos 2\theta", r"\cos^2\theta - \sin^2\theta", True),
    (r"\sin \pi x", r"\sin(\pi x)", True),
    (r"\frac{1}{2} \log 2\pi e \sigma^2", r"\frac{1}{2}\log(2\pi e \sigma^2)", True),
    (r"\sin x \cos x", r"\frac{1}{2}\sin 2x", True),
    (r"\ln 2 + x", r"x + \ln(2)", True),
])
def test_paper_notation_pairs(a: str, b: str, equal: bool) -> None:
    assert _equal(a, b) is equal


@pytest.mark.parametrize(("a", "b"), [
    (r"\operatorname{Var}[2X]", r"4 \operatorname{Var}[X]"),   # true of a variance, not of any function
    (r"\mathbb{E}[c]", "c"),                                  # true of an expectation of a constant
    (r"\mathbb{E}_{x \sim p}[x^2]", r"\mathbb{E}_{x \sim p}[x]^2"),
])
def test_a_difference_that_depends_on_an_undeclared_operator_decides_nothing(a: str, b: str) -> None:
    result = compare(_value(a), _value(b), seed=0)
    assert result.equal is None
    assert "does not know" in result.reason


def test_an_undeclared_operator_still_proves_what_holds_for_any_meaning() -> None:
    assert _equal(r"\operatorname{Var}[X] + 1", r"1 + \operatorname{Var}[X]") is True
    assert _equal(r"\mathbb{E}_{x \sim p}[x]^2", r"\mathbb{E}_{x \sim p}[x] \mathbb{E}_{x \sim p}[x]") is True


def test_given_keys_are_written_as_in_the_notes(tmp_path: Path) -> None:
    """`\\hat{y}` and `hat_y`, `w^*` and `w^star` name the same quantity in `given:` and `symbols:`."""
    spec = textwrap.dedent(r"""
        notes: paper.md
        exercises:
          - id: t/names
            symbols: {'\bar{x}': positive}
            given: {'\hat{y}': '2 \bar{x}', "x'": '3'}
            claims:
              - {id: hat, latex: '\hat{y} = 2 \bar{x}', expect: '\hat{y}'}
              - {id: prime, latex: "x' = 3", expect: "x'"}
              - {id: sqrt, latex: '\sqrt{\bar{x}^2} = \bar{x}', expect: 'bar_x'}
        """)
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    (ex,) = load_file(path)
    results = {r.claim: r for r in check_exercise(ex)}
    assert {c: r.verdict for c, r in results.items()} == {c: Verdict.CORRECT for c in ("hat", "prime", "sqrt")}


def test_the_imaginary_unit_is_upright_or_declared() -> None:
    assert _equal(r"e^{\mathrm{i}\pi}", "-1") is True
    assert _equal(r"(1 + \mathrm{i})^2", r"2\mathrm{i}") is True
    assert _equal(r"(1 + \mathrm{i})^2", "2") is False
    decls = Declarations()
    declare_symbols(decls, {"i": "imaginary_unit"})

    def value(latex: str):
        (statement,) = parse_latex(latex).statements
        return Lowerer(decls).expr(statement.operands[0])

    assert compare(value(r"e^{i x}"), value(r"\cos x + i \sin x"), seed=0).equal is True
    wrong = compare(value(r"e^{i x}"), value(r"\cos x - i \sin x"), seed=0)
    assert wrong.equal is False and wrong.counterexample is not None
    # without the declaration i is a letter (an index, a count), never silently the imaginary unit
    assert _equal(r"e^{i\pi}", "-1") is False


def test_sums_over_a_data_set_and_over_all_but_one_index() -> None:
    assert _equal(r"\sum_{(x,y)\in D} (x - y)^2", r"\sum_{(x,y)\in D} (y - x)^2") is True
    assert _equal(r"\sum_{(x,y)\in D} (x - y)^2", r"\sum_{(x,y)\in D} (x^2 - y^2)") is False
    assert _equal(r"\frac{\partial}{\partial w}\sum_{(x,y)\in D} (w x - y)^2",
                  r"\sum_{(x,y)\in D} 2 (w x - y) x") is True
    excluded = _value(r"\sum_{i \ne j} x_i")
    whole = _value(r"\sum_{i} x_i")
    (j,) = _value("j").free_symbols
    assert sp.simplify(whole - excluded - sp.IndexedBase("x")[j]) == 0   # the term i = j is left out


def test_a_labelled_component_inside_a_sum_over_its_index_is_an_entry() -> None:
    """`u_m^{(\\ell-1)}` inside `\\sum_m` is the m-th entry of u^{(\\ell-1)}, as `u_m` is: never one symbol that the
    sum multiplies by its length (which made lint call the right derivative of such a sum wrong)."""
    labelled = _value(r"\sum_{m=1}^{n} V_{km}^{(\ell)} u_m^{(\ell-1)}")
    assert isinstance(labelled, sp.Sum)
    (m,) = labelled.variables
    assert all(m in factor.free_symbols for factor in labelled.function.args)
    assert _equal(r"\sum_{m=1}^{n} u_m^{(2)}", r"n u_m^{(2)}") is not True
    assert _equal(r"\sum_{m=1}^{n} u_m^{(2)}", r"\sum_{k=1}^{n} u_k^{(2)}") is True


def test_a_slash_derivative_after_a_coefficient_is_the_coefficient_times_the_derivative() -> None:
    # an update rule written inline: theta - alpha dL/dtheta
    assert _equal(r"w - \alpha \partial (w^2 + 3w) / \partial w", r"w - \alpha (2w + 3)") is True
    assert _equal(r"w - \alpha \partial (w^2 + 3w) / \partial w", r"w - (2w + 3) / \alpha") is False
    assert _equal(r"2 \alpha \, \partial (w^3) / \partial w", r"6 \alpha w^2") is True


@pytest.mark.parametrize(("a", "b", "equal"), [
    # digit groups as TeX prints them: a thin space (or a space: math mode ignores it) before three digits
    (r"10\,000", "10000", True),
    (r"10\,000", "0", False),                 # once read as 10 times 000
    (r"1\;234.5 - 1234", r"\frac{1}{2}", True),
    (r"10 000", "10^4", True),
    (r"10\, 000 + 1\thinspace 000", "11000", True),   # a space may follow the thin space
    (r"12\,34", "1234", None),                # two groups that are no digit grouping: not one number
])
def test_digit_groups_are_one_number(a: str, b: str, equal: bool | None) -> None:
    if equal is None:
        with pytest.raises(LoweringError, match="numbers side by side"):
            _value(a)
        return
    assert _equal(a, b) is equal


def test_a_product_of_matrices_over_an_index_is_read_only_when_its_order_does_not_matter(tmp_path: Path) -> None:
    """Notes write the chain rule's product of Jacobians as a \\prod meaning the largest index first as often as the
    smallest: when the two orders give different matrices, neither verdict would be safe."""
    spec = textwrap.dedent(r"""
        exercises:
          - id: t/prod
            given:
              A_1: [[1, 1], [0, 1]]
              A_2: [[1, 0], [1, 1]]
              D_1: [[2, 0], [0, 3]]
              D_2: [[5, 0], [0, 7]]
            symbols: {j: {range: [1, 2]}}
            claims:
              - {id: ordered, latex: '\prod_{j=1}^{2} A_j = \begin{bmatrix} 2 & 1 \\ 1 & 1 \end{bmatrix}'}
              - {id: diagonal, latex: '\prod_{j=1}^{2} D_j = \begin{bmatrix} 10 & 0 \\ 0 & 21 \end{bmatrix}'}
              - {id: diagonal-wrong, latex: '\prod_{j=1}^{2} D_j = \begin{bmatrix} 10 & 0 \\ 0 & 20 \end{bmatrix}'}
        """)
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    (ex,) = load_file(path)
    results = {r.claim: r for r in check_exercise(ex)}
    assert results["ordered"].verdict is Verdict.UNPARSED
    assert "the order of its factors is not written" in results["ordered"].message
    assert results["diagonal"].verdict is Verdict.CORRECT
    assert results["diagonal-wrong"].verdict is Verdict.WRONG


def test_an_optimum_over_a_variable_applied_to_a_group_is_never_a_product() -> None:
    """`\\min_x [x^2 + 2x]` is the least value over x, not a symbol `min_x` times the bracket (which made
    `\\min_x[a + b] = \\min_x[a] + \\min_x[b]` "equivalent")."""
    for text in (r"\min_x \left[x^2 + 2x\right]", r"\max_{x \in [0, 1]} (x (1 - x))", r"\min_x (x^2)"):
        with pytest.raises(LoweringError, match="optimum over a variable"):
            _value(text)


def test_a_logarithm_to_a_base_applied_to_a_group() -> None:
    assert _equal(r"\log_2(8)", "3") is True
    assert _equal(r"\log_2(x) + \log_2(y)", r"\log_2(x + y)") is False
    assert _value(r"\log_2(x)") == _value(r"\log_2 x")


def test_an_upright_i_or_e_over_a_number_is_a_power_and_over_a_name_a_label() -> None:
    assert _equal(r"\mathrm{i}^{\mathrm{i}}", r"\mathrm{e}^{-\pi/2}") is True
    assert _equal(r"\mathrm{e}^{\mathrm{i}}", r"\cos 1 + \mathrm{i}\sin 1") is True
    assert _equal(r"\mathrm{e}^{\mathrm{i}}", r"\cos 1 - \mathrm{i}\sin 1") is False
    assert str(_value(r"h^{\mathrm{e}}")) == "h^e"   # an encoder's state: a label, never h to the power e


def test_degrees() -> None:
    assert _equal(r"\sin 30^\circ", r"\frac{1}{2}") is True
    assert _equal(r"\cos 60^{\circ}", r"\frac{\sqrt{3}}{2}") is False
    assert _equal(r"180^\circ", r"\pi") is True


def test_determinant_bars() -> None:
    assert _equal(r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}", "ad - bc") is True
    assert _equal(r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix}", "2") is False
    with pytest.raises(LoweringError, match="bars around a matrix"):
        _value(r"\left|\begin{matrix} 1 & 2 \\ 3 & 4 \end{matrix}\right|")

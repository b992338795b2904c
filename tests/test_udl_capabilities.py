"""Capabilities added for the UDL chapter 3-7 specs, each with a small inline spec."""

from __future__ import annotations

from pathlib import Path

import sympy as sp

from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.recipes.interpreter import RecipeInterpreter
from derive.spec.declarations import Declarations
from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise


def _verdicts(tmp_path: Path, text: str) -> dict[str, Verdict]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r.verdict for r in check_exercise(ex)}


def test_claim_level_symbols_override(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/1
    symbols:
      alpha: positive
      x: real
    claims:
      - id: pos
        latex: '\frac{1}{\alpha} \text{ReLU}(\alpha x) = \text{ReLU}(x)'
        expect: 'latex("\frac{1}{\alpha}\max[0, \alpha x]")'
      - id: neg-right
        latex: '\frac{1}{\alpha} \text{ReLU}(\alpha x) = \begin{cases} 0 & x > 0 \\ x & x \leq 0 \end{cases}'
        symbols:
          alpha: negative
        expect: 'latex("\frac{1}{\alpha}\max[0, \alpha x]")'
      - id: neg-wrong
        latex: '\frac{1}{\alpha} \text{ReLU}(\alpha x) = \text{ReLU}(x)'
        symbols:
          alpha: negative
        expect: 'latex("\frac{1}{\alpha}\max[0, \alpha x]")'
"""
    v = _verdicts(tmp_path, spec)
    assert v == {"pos": Verdict.CORRECT, "neg-right": Verdict.CORRECT, "neg-wrong": Verdict.WRONG}


def test_claim_level_given_override(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/2
    given:
      D: 10
    claims:
      - id: width
        latex: '\frac{\partial f}{\partial x} = 2 + 18x'
        given:
          f: 'x + 9x^2 + x'
        expect: 'diff(f, x)'
      - id: depth
        latex: '\frac{\partial f}{\partial y} = 10'
        given:
          f: 'D + (y - 1) D^2 + D'
        expect: 'diff(f, y)'
"""
    v = _verdicts(tmp_path, spec)
    assert v == {"width": Verdict.CORRECT, "depth": Verdict.WRONG}


def test_reason_without_expect_is_unverified_and_never_compared(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/3
    claims:
      - id: vector
        latex: '0, \frac{1}{3}, 1'
        reason: a parameter vector is not compared
"""
    v = _verdicts(tmp_path, spec)
    assert v == {"vector": Verdict.UNVERIFIED}


def test_weights_factorial_and_deep_regions_recipes() -> None:
    run = RecipeInterpreter(Declarations()).run
    assert run("weights([1, 10, 10, 1])") == 120
    assert run("params([1, 10, 10, 1])") == 141
    assert run("factorial(4)") == 24
    # UDL eq. 4.17: (D/D_i + 1)^(D_i (K - 1)) * sum_j binom(D, j); D_i = 1 gives (D + 1)^K.
    assert run("deep_regions(1, 5, 10)") == 6**10
    assert run("deep_regions(2, 3, 1)") == run("regions(2, 3)")


def test_text_bessel_subscript_is_the_bessel_function() -> None:
    node = parse_latex(r"\text{Bessel}_0[\kappa]").statements[0].operands[0]
    value = Lowerer(Declarations()).expr(node)
    kappa = sp.Symbol("kappa", real=True)
    assert value == sp.besseli(0, kappa)


def _results(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r for r in check_exercise(ex)}


def test_factorial_is_read_and_lowered() -> None:
    node = parse_latex(r"\frac{\lambda^k e^{-\lambda}}{k!} + 3!").statements[0].operands[0]
    value = Lowerer(Declarations()).expr(node)
    lam, k = sp.Symbol("lambda", real=True), sp.Symbol("k", real=True)
    assert sp.simplify(value - (lam**k * sp.exp(-lam) / sp.factorial(k) + 6)) == 0
    assert parse_latex(r"a \! b").statements[0].operands[0].kind == "implicit"   # \! stays spacing


def test_argmin_equivalence_up_to_scale_and_constant(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/argmin
    functions: {f: opaque}
    symbols:
      kappa: positive
      x: {indexed: i}
      y: {indexed: i}
    given:
      'V[y, \mu]': '\frac{\exp[\kappa \cos(y - \mu)]}{2\pi I_0[\kappa]}'
      'Pr[y, \mu]': '\frac{\exp[\kappa \cos(y - \mu)]}{2\pi I_0[\kappa]}'
    claims:
      - id: scaled
        latex: 'L[\phi] = -\sum_{i=1}^{I} \cos[y_i - f[x_i, \phi]]'
        expect: 'argmin_equiv(latex("-\sum_{i=1}^{I} \log[V[y_i, f[x_i, \phi]]]"), [phi])'
      - id: flipped
        latex: '\sum_{i=1}^{I} \cos[y_i - f[x_i, \phi]]'
        expect: 'argmin_equiv(latex("-\sum_{i=1}^{I} \log[V[y_i, f[x_i, \phi]]]"), [phi])'
      - id: other
        latex: '\sum_{i=1}^{I} (y_i - f[x_i, \phi])^2'
        expect: 'argmin_equiv(latex("-\sum_{i=1}^{I} \log[V[y_i, f[x_i, \phi]]]"), [phi])'
      - id: dropped-denominator
        latex: '\exp[\kappa \cos(y - f[x, \phi])]'
        expect: 'likelihood_equiv(latex("V[y, f[x, \phi]]"), [phi])'
      - id: argmin-chain
        latex: '\hat{\phi} = \operatorname*{argmin}_{\phi}\bigg[-\sum_{i=1}^{I}\log Pr(y_i | f[x_i, \phi])\bigg] = \operatorname*{argmin}_{\phi}\bigg[-\sum_{i=1}^{I} \kappa\cos[y_i - f[x_i, \phi]]\bigg]'
        expect: 'argmin(latex("-\sum_{i=1}^{I} \log[V[y_i, f[x_i, \phi]]]"), [phi])'
"""
    r = _results(tmp_path, spec)
    assert r["scaled"].verdict == Verdict.CORRECT and "same minimisers" in r["scaled"].message
    assert r["flipped"].verdict == Verdict.WRONG and "maximisers" in r["flipped"].message
    assert r["flipped"].counterexample is not None
    assert r["other"].verdict == Verdict.WRONG and r["other"].counterexample is not None
    assert r["dropped-denominator"].verdict == Verdict.CORRECT
    assert r["argmin-chain"].verdict == Verdict.CORRECT


def test_poisson_loss_up_to_log_factorial_and_positive_log_domain(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/poisson
    functions: {f: opaque}
    symbols:
      k: {integer: true, nonnegative: true, indexed: i}
      lambda: positive
      x: {indexed: i}
    claims:
      - id: pmf
        latex: '\frac{\lambda^k e^{-\lambda}}{k!}'
        expect: 'poisson_pmf(k, lambda)'
      - id: nll
        latex: '\sum_i \big[f[x_i, \phi]^2 - 2k_i\log f[x_i, \phi]\big]'
        expect: 'argmin_equiv(-sum(log(poisson_pmf(latex("k_i"), latex("f[x_i, \phi]^2"))), (i, 1, I)), [phi])'
      - id: nll-wrong
        latex: '\sum_i \big[f[x_i, \phi]^2 - k_i\log f[x_i, \phi]\big]'
        expect: 'argmin_equiv(-sum(log(poisson_pmf(latex("k_i"), latex("f[x_i, \phi]^2"))), (i, 1, I)), [phi])'
"""
    v = {k: r.verdict for k, r in _results(tmp_path, spec).items()}
    assert v == {"pmf": Verdict.CORRECT, "nll": Verdict.CORRECT, "nll-wrong": Verdict.WRONG}


def test_two_index_heads_of_an_opaque_network_are_distinct_functions() -> None:
    from derive.lower.definitions import build_declarations
    from derive.spec.model import ExerciseSpec

    ex = ExerciseSpec(id="t/f", title=None, notes=None, spec_file="x", spec_line=1, functions={"f": "opaque"})
    low = Lowerer(build_declarations(ex))
    one = low.expr(parse_latex(r"f_{1,d}[x, \phi]").statements[0].operands[0])
    two = low.expr(parse_latex(r"f_{2,d}[x, \phi]").statements[0].operands[0])
    assert one != two and one.func == two.func and one.args[0] == 1 and two.args[0] == 2


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


def test_set_claims_of_activation_patterns(tmp_path: Path) -> None:
    pre = r'[latex("\theta_{10} + \theta_{11} x"), latex("\theta_{20} + \theta_{21} x")]'
    spec = rf"""
exercises:
  - id: t/sets
    given: {{theta_10: -1, theta_11: 1, theta_20: 2, theta_21: -1}}
    claims:
      - id: left
        latex: 'h_2$ only'
        expect: 'active_units({pre}, x, [h_1, h_2]).R_1'
      - id: middle
        latex: 'h_1$ and $h_2'
        expect: 'active_units({pre}, x, [h_1, h_2]).R_2'
      - id: right-wrong
        latex: 'h_1$ and $h_2'
        expect: 'active_units({pre}, x, [h_1, h_2]).R_3'
      - id: regions
        latex: 'R_1$ and $R_2'
        expect: 'active_regions({pre}, x, 2)'
"""
    r = _results(tmp_path, spec)
    assert {k: x.verdict for k, x in r.items()} == {"left": Verdict.CORRECT, "middle": Verdict.CORRECT,
                                                   "right-wrong": Verdict.WRONG, "regions": Verdict.CORRECT}
    assert "extra h_2" in r["right-wrong"].message


def test_parameter_values_are_judged_by_what_they_achieve(tmp_path: Path) -> None:
    spec = r"""
exercises:
  - id: t/solves
    functions: {a: relu}
    symbols: {x: real}
    given:
      'f[x, \phi]': '\phi_0 + \phi_1 a[\theta_{10} + \theta_{11}x]'
    claims:
      - id: identity
        latex: '0, 1, 0, 1'
        expect: 'solves(latex("f[x, \phi]"), [phi_0, phi_1, theta_10, theta_11], x, (x, 0, oo))'
      - id: not-identity
        latex: '0, 1, 0, \frac{1}{3}'
        expect: 'solves(latex("f[x, \phi]"), [phi_0, phi_1, theta_10, theta_11], x, (x, 0, oo))'
      - id: too-few
        latex: '0, 1, 0'
        expect: 'solves(latex("f[x, \phi]"), [phi_0, phi_1, theta_10, theta_11], x, (x, 0, oo))'
"""
    v = {k: r.verdict for k, r in _results(tmp_path, spec).items()}
    assert v == {"identity": Verdict.CORRECT, "not-identity": Verdict.WRONG, "too-few": Verdict.ILL_POSED}


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


def test_diagnosis_never_reports_a_factor_zero_or_a_size_dependent_factor() -> None:
    from verify.compare.diagnose import diagnose

    sigma = sp.Symbol("sigma", positive=True)
    assert diagnose(sp.Integer(0), sigma / sp.sqrt(2 * sp.pi)).startswith("the claim is 0 where")
    i, n = sp.Symbol("i", integer=True), sp.Symbol("I", integer=True, positive=True)
    message = diagnose(sp.Integer(2), sp.Sum(2, (i, 1, n)))
    assert message is None or "factor" not in message


def test_expectation_of_a_relu_power_is_fast_and_exact() -> None:
    import time

    from derive.lower.expectation import expectation
    from derive.spec.declarations import declare_symbols

    decls = Declarations()
    declare_symbols(decls, {"a": {"normal": [0, "sigma"]}, "sigma": "positive"})
    a, sigma = decls.symbol("a"), decls.symbol("sigma")
    start = time.perf_counter()
    assert sp.simplify(expectation(sp.Max(0, a) ** 4, decls) - 3 * sigma**4 / 2) == 0
    assert sp.simplify(expectation(sp.Max(0, a) ** 2, decls, variance=True) - 5 * sigma**4 / 4) == 0
    assert time.perf_counter() - start < 5

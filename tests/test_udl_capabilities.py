"""Capabilities added for the UDL chapter 3-7 specs, each with a small inline spec."""

from __future__ import annotations

from pathlib import Path

import sympy as sp

from derive.declarations import Declarations
from derive.latex import parse_latex
from derive.lower import Lowerer
from derive.recipes import RecipeInterpreter
from derive.spec import parse_spec_file
from verify.check import check_exercise
from verify.result import Verdict


def _verdicts(tmp_path: Path, text: str) -> dict[str, Verdict]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    (ex,) = parse_spec_file(path)
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

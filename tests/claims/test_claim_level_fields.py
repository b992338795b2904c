"""Claim-level `symbols` and `given` override the exercise's; a `reason` without `expect` is unverified."""

from __future__ import annotations

from pathlib import Path

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

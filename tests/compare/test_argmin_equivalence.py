"""Losses equivalent up to scale and constant (same minimisers), likelihoods up to a dropped factor."""

from __future__ import annotations

from pathlib import Path

import sympy as sp

from derive.lower.argmin import Argmin, ArgminClass
from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise
from verify.write.latex import to_latex


def _results(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r for r in check_exercise(ex)}


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


def test_a_power_of_an_argmin_prints() -> None:
    """SymPy's printer passes `exp=` for a power of an application; it once raised inside `equiv`."""
    w = sp.Symbol("w")
    for cls in (Argmin, ArgminClass):
        assert to_latex(cls((w - 3) ** 2, sp.Tuple(w)) ** 2).endswith("\\right)^{2}")

"""Set claims (activation patterns, regions) and parameter values judged by what they achieve."""

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

"""`=` between densities means equality: a dropped normaliser is wrong unless the claim says `\\propto`."""

from __future__ import annotations

import textwrap
from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

SPEC = """
notes: n.md
exercises:
  - id: t/gauss
    symbols: {y: real, mu: real}
    claims:
      - id: equal-sign
        latex: 'Pr(y|\\mu) = \\exp[-\\frac{(y - \\mu)^2}{2}]'
        expect: 'likelihood_equiv(normal_pdf(y, mu, 1), [mu])'
      - id: proportional
        latex: 'Pr(y|\\mu) \\propto \\exp[-\\frac{(y - \\mu)^2}{2}]'
        expect: 'likelihood_equiv(normal_pdf(y, mu, 1), [mu])'
      - id: full-density
        latex: 'Pr(y|\\mu) = \\frac{1}{\\sqrt{2\\pi}} \\exp[-\\frac{(y - \\mu)^2}{2}]'
        expect: 'likelihood_equiv(normal_pdf(y, mu, 1), [mu])'
      - id: wrong-maximiser
        latex: 'Pr(y|\\mu) \\propto \\exp[-\\frac{(y + \\mu)^2}{2}]'
        expect: 'likelihood_equiv(normal_pdf(y, mu, 1), [mu])'
      - id: proportional-to-a-value
        latex: 'y^2 \\propto 2 y^2'
        expect: 'y^2'
"""


def _results(tmp_path: Path) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r for r in check_exercise(ex)}


def test_equality_between_densities_is_not_proportionality(tmp_path: Path) -> None:
    r = _results(tmp_path)
    wrong = r["equal-sign"]
    assert wrong.verdict == Verdict.WRONG
    assert wrong.message == ("holds up to the factor \\frac{\\sqrt{2}}{2 \\sqrt{\\pi}}, independent of mu: "
                             "write \\propto — the argmin is unchanged")
    assert wrong.counterexample is not None
    assert r["proportional"].verdict == Verdict.CORRECT
    assert r["full-density"].verdict == Verdict.CORRECT
    assert r["wrong-maximiser"].verdict == Verdict.WRONG


def test_propto_against_a_plain_value_is_undecided_not_guessed(tmp_path: Path) -> None:
    r = _results(tmp_path)["proportional-to-a-value"]
    assert r.verdict == Verdict.UNVERIFIED and "propto" in r.message

"""A spec cannot pass by accident: an `expect:` that only writes the claim down is no evidence."""

from __future__ import annotations

import textwrap
from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

SPEC = """
notes: n.md
exercises:
  - id: t/restated
    symbols: {x: real}
    given:
      L: 'x^2 + 1'
    claims:
      - {id: gold-is-claim, latex: '\\frac{x^{2}}{2}', expect: '\\frac{x^2}{2}'}
      - {id: given-claim-expect, latex: 'L = x^2 + 1', expect: 'L'}
      - {id: latex-recipe, latex: 'x^2 + 1', expect: 'latex("x^2 + 1")'}
      - {id: number, latex: '22', expect: 22}
      - {id: arithmetic-to-check, latex: '2(3) + 3(4) + 3 + 1 = 22', expect: 22}
      - {id: arithmetic-recipe, latex: 'x^2 + 1', expect: 'x^2 + 1'}
      - {id: derived, latex: 'x^2 + 1', expect: 'diff(x^3/3 + x, x)'}
      - {id: other-form, latex: '(x+1)^2 - 2x', expect: 'x^2 + 1'}
"""


def test_restated_expectations_are_unverified_and_real_checks_are_not(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    (ex,) = load_file(path)
    r = {x.claim: x for x in check_exercise(ex)}
    for restated in ("gold-is-claim", "given-claim-expect", "latex-recipe", "number"):
        assert r[restated].verdict == Verdict.UNVERIFIED, restated
        assert "restates the claim" in r[restated].message
    # arithmetic is checked, even against a written number: 2*3 + 3*4 + 3 + 1 is 22
    assert r["arithmetic-to-check"].verdict == Verdict.CORRECT
    assert r["arithmetic-recipe"].verdict == Verdict.CORRECT   # a recipe computes (here, trivially)
    assert r["derived"].verdict == Verdict.CORRECT
    assert r["other-form"].verdict == Verdict.CORRECT

"""A number written after \\approx in a formula claim is held to its printed digits, never skipped."""

from __future__ import annotations

from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

SPEC = r"""
exercises:
  - id: t/approx
    given:
      a: 3
      y: 'a^2'
    claims:
      - id: label-then-wrong-number
        latex: 'y \approx 10'
        expect: 'a^2'
      - id: chain-then-wrong-number
        latex: 'y = a^2 \approx 10'
        expect: 'a^2'
      - id: chain-then-right-number
        latex: 'y = a^2 \approx 9'
        expect: 'a^2'
      - id: rounded-right
        latex: 'z = \frac{a^2}{7} \approx 1.29'
        expect: 'a^2 / 7'
      - id: rounded-wrong
        latex: 'z = \frac{a^2}{7} \approx 1.28'
        expect: 'a^2 / 7'
"""


def test_numbers_after_approx_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SPEC)
    (ex,) = load_file(path)
    r = {res.claim: res for res in check_exercise(ex)}
    # before: the chain stopped at \approx, so only `y` (the derived value itself) was compared: a vacuous pass
    assert r["label-then-wrong-number"].verdict == Verdict.WRONG
    assert r["chain-then-wrong-number"].verdict == Verdict.WRONG
    assert r["chain-then-right-number"].verdict == Verdict.CORRECT
    assert r["rounded-right"].verdict == Verdict.CORRECT
    assert r["rounded-wrong"].verdict == Verdict.WRONG

"""A derivative of a summed loss written with a free data index: the reader is told whether it is the
derivative of one data point's term (then only the sum is missing) or not even that."""

from __future__ import annotations

import textwrap
from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

SPEC = r"""
notes: n.md
exercises:
  - id: t/per-example
    symbols:
      t: {indexed: n}
      s: {indexed: n}
      N: {integer: true, positive: true}
    given:
      E: '\sum_{n=1}^{N} (w t_n - s_n)^2'
    claims:
      - {id: one-term, latex: '\frac{\partial E}{\partial w} = 2(w t_n - s_n) t_n', expect: 'diff(E, w)'}
      - {id: not-even-one-term, latex: '\frac{\partial E}{\partial w} = 2(w t_n - s_n)', expect: 'diff(E, w)'}
      - {id: summed, latex: '\frac{\partial E}{\partial w} = \sum_{n=1}^{N} 2(w t_n - s_n) t_n', expect: 'diff(E, w)'}
"""


def test_a_free_index_says_whether_the_term_is_right(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    results = {r.claim: r for ex in load_file(path) for r in check_exercise(ex)}
    assert results["one-term"].verdict == Verdict.ILL_POSED
    assert "right for the n-th term" in results["one-term"].message
    assert "needs the sum over n" in results["one-term"].message
    assert results["not-even-one-term"].verdict == Verdict.ILL_POSED
    assert "not the derived value even with the index fixed" in results["not-even-one-term"].message
    assert results["summed"].verdict == Verdict.CORRECT

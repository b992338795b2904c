"""Bound claims (hold, or fail with a confirmed point; implications) and order claims (growth compared with
a derived count)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise


def run(tmp_path: Path, body: str) -> dict[str, object]:
    path = tmp_path / "spec.yaml"
    path.write_text("notes: n.md\nexercises:\n" + textwrap.dedent(body), encoding="utf-8")
    return {r.claim: r for ex in load_file(path) for r in check_exercise(ex)}


def claims(*items: str) -> str:
    return "".join(textwrap.indent(textwrap.dedent(c).strip("\n") + "\n", "      ") for c in items)


def test_bounds_hold_or_fail_with_a_confirmed_point(tmp_path):
    body = """
  - id: t/7
    functions: {sigma: sigmoid}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: quarter
          kind: bound
          latex: '\\sigma''(z) \\leq 1/4'
        """,
        """
        - id: fifth
          kind: bound
          latex: '\\sigma''(z) \\leq 1/5'
        """,
        """
        - id: tanh-strict
          kind: bound
          latex: '1 - \\tanh^2(z) < 1'
        """,
        """
        - id: implication
          kind: bound
          symbols: {M: positive, R: positive, gamma: positive}
          latex: 'M\\gamma \\leq R\\sqrt{M} \\Rightarrow M \\leq \\left(\\frac{R}{\\gamma}\\right)^2'
        """))
    assert r["quarter"].verdict == Verdict.CORRECT, r["quarter"].message
    assert r["fifth"].verdict == Verdict.WRONG and r["fifth"].counterexample is not None
    # attained only at z = 0: the grid probes it
    assert r["tanh-strict"].verdict == Verdict.WRONG, r["tanh-strict"].message
    assert r["implication"].verdict == Verdict.CORRECT, r["implication"].message


def test_order_claims_compare_growth_with_a_derived_count(tmp_path):
    body = """
  - id: t/8
    symbols: {T: positive, d: positive, L: positive, n: positive}
    claims:
"""
    r = run(tmp_path, body + claims(
        """
        - id: same
          kind: order
          latex: 'O(T^2 \\cdot d + T \\cdot d^2)'
          expect: '2 * T^2 * d + 12 * T * d^2'
        """,
        """
        - id: too-small
          kind: order
          latex: 'O(L \\cdot n)'
          expect: 'L * n + (L - 1) * n^2'
        """,
        """
        - id: loose
          kind: order
          latex: 'O(T^3)'
          expect: 'T^2'
        """))
    assert r["same"].verdict == Verdict.CORRECT
    assert r["too-small"].verdict == Verdict.WRONG and "as n grows" in r["too-small"].message
    assert r["loose"].verdict == Verdict.CORRECT and "not tight" in r["loose"].message

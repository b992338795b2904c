"""`kind: shape`: a size claim (`\\Omega_1` is `10 \times 20`, `\\in \\mathbb{R}^{20}`) under the exercise's layout.

A bare size (a cell of a table of sizes) is the size of the quantity named in `expect:`.
"""

from __future__ import annotations

from derive.lower.shapes import check_shape_claim
from verify.claims.context import ClaimContext
from verify.result import ClaimResult, Verdict

NAME = "shape"
HEAVY = False


def check(ctx: ClaimContext) -> ClaimResult:
    expect = ctx.claim.expect
    quantity = expect if isinstance(expect, str) else None   # the quantity a bare size is of
    v = check_shape_claim(ctx.claim.latex, ctx.decls, ctx.exercise.given, ctx.exercise.layout, quantity=quantity)
    return ctx.result(Verdict(v.verdict), v.message, expected_latex=v.expected)

"""Dispatch for claims decided outside the LaTeX/recipe comparison: regions, index notation, code."""

from __future__ import annotations

from verify.result import Verdict


def check_special(ex, claim, decls, *, seed: int, allow_code: bool):
    """(verdict, message) for a claim with `code:` or `kind: regions|index`, else None."""
    kind = claim.raw.get("kind")
    if claim.raw.get("code") is not None:
        from verify.claims.sandbox import check_code

        v = check_code(ex, claim, seed=seed, allow_code=allow_code)
        return Verdict(v.verdict), v.message
    if kind == "regions":
        from verify.claims.regions import check_region_claim

        v = check_region_claim(ex, claim, decls)
        return Verdict(v.verdict), v.message
    if kind == "index":
        from verify.claims.index.check import check_index_claim

        v = check_index_claim(claim.latex, claim.expect, seed=seed)
        return Verdict(v.verdict), v.message
    return None

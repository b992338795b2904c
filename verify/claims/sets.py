"""Claims whose value is a set, quoted across a sentence: "$h_1$, $h_2$, and $h_3$", "$h_3$ only".

The quote may span several inline math spans of one line; the prose between them may only join items
("and", "or", "only", commas). Each span is one element, read as LaTeX under the exercise's declarations, and
the set is compared with the derived one by name.
"""

from __future__ import annotations

import re

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import LatexParseError, parse_latex
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext, latex_of
from verify.result import ClaimResult, Verdict

NAME = "set"
HEAVY = False

_JOINERS = {"and", "or", "only", "both", "all", "three", "two"}


def _spans(text: str) -> list[str] | None:
    """The math spans of a quote that starts and ends inside math; None when the prose says more than a list."""
    parts = text.split("$")
    math, prose = parts[0::2], parts[1::2]
    for p in prose + ([parts[-1]] if len(parts) % 2 == 0 else []):
        words = [w for w in re.split(r"[\s,;()]+", p.strip()) if w]
        if any(w.lower() not in _JOINERS for w in words):
            return None
    return [m for m in math if m.strip()]


def _element_names(values: list[sp.Basic]) -> list[str] | None:
    names = []
    for v in values:
        if not isinstance(v, sp.Symbol):
            return None
        names.append(v.name)
    return names


def check_set_claim(latex: str, expected: sp.FiniteSet, decls: Declarations) -> tuple[str, str]:
    """(verdict, message) for a quoted list of items against a derived set of named items."""
    spans = _spans(latex)
    if spans is None:
        return "unparsed", "the words between the items are more than a list (and, or, only)"
    low = Lowerer(decls)
    values = []
    for span in spans:
        try:
            formula = parse_latex(span)
            items = [o for st in formula.statements for o in st.operands if o.kind != "empty"]
            values.extend(low.expr(o) for o in items)
        except (LatexParseError, LoweringError) as exc:
            return "unparsed", f"item {span.strip()!r}: {exc}"
    claimed = _element_names(values)
    derived = _element_names(list(expected))
    if claimed is None or derived is None:
        return "unverified", "only sets of named items are compared"
    want, got = set(derived), set(claimed)
    shown = ", ".join(sorted(want)) or "nothing"
    if got == want:
        return "correct", f"correct (the set {{{shown}}})"
    missing, extra = sorted(want - got), sorted(got - want)
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if extra:
        parts.append(f"extra {', '.join(extra)}")
    return "wrong", f"{'; '.join(parts)} (derived: {{{shown}}})"


def check(ctx: ClaimContext) -> ClaimResult:
    """A quoted list of items (each inline math span read once) against the derived set."""
    expected = ctx.truth
    verdict, message = check_set_claim(ctx.claim.latex, expected, ctx.decls)
    return ctx.result(Verdict(verdict), message, expected_latex=latex_of(expected))

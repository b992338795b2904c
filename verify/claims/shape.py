"""`kind: shape`: a size claim (`\\Omega_1` is `10 \\times 20`, `\\in \\mathbb{R}^{20}`) under the exercise's layout.

The derived size comes from derive/lower/shapes.py (declared sizes, sizes inferred from definitions, the
layout of derivatives). A bare size (a cell of a table of sizes) is the size of the quantity named in `expect:`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from derive.lower.errors import LoweringError
from derive.lower.shapes import SCALAR, ShapeError, ShapeInference, fmt, numeric_sizes, spaces_text
from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Formula, Node, Statement
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext
from verify.result import ClaimResult, Verdict

NAME = "shape"
HEAVY = False


@dataclass
class ShapeVerdict:
    verdict: str            # "correct" | "wrong" | "ill-posed" | "unverified" | "unparsed"
    message: str
    expected: str | None = None


def check(ctx: ClaimContext) -> ClaimResult:
    try:
        formula = ctx.claim.formula
    except LatexParseError as exc:
        return ctx.result(Verdict.UNPARSED, str(exc))
    expect = ctx.claim.expect
    quantity = expect if isinstance(expect, str) else None   # the quantity a bare size is of
    v = check_shape_claim(formula, ctx.decls, ctx.exercise.given, ctx.exercise.layout, quantity=quantity)
    return ctx.result(Verdict(v.verdict), v.message, expected_latex=v.expected)


def check_shape_claim(formula: Formula, decls: Declarations, given_text: dict[str, Any],
                      layout: str | None, quantity: str | None = None) -> ShapeVerdict:
    """`<quantity> : R \\times C` against the size inferred from the declarations.

    A bare size (`20 \\times 5`, `\\in \\mathbb{R}^{20}`, a cell of a table of sizes) is the size of `quantity`
    (the claim's `expect:`, LaTeX naming the quantity of the table row).
    """
    statements = [st for st in formula.statements if st.relations and st.relations[-1] in (":", "->", "in")]
    subject: Node | None = None
    if quantity is not None:
        try:
            subject = parse_latex(quantity).statements[0].operands[0]
        except (LatexParseError, IndexError) as exc:
            return ShapeVerdict("unparsed", f"the quantity {quantity!r}: {exc}")
        if not statements and len(formula.statements) == 1 and not formula.statements[0].relations:
            statements = formula.statements
    if not statements:
        return ShapeVerdict("unparsed", "a size claim reads `<quantity> : R \\times C`")
    inference = ShapeInference(decls, given_text, layout)
    numbers = numeric_sizes(decls)
    if len(statements) == 1 and statements[0].relations == [":", "->"]:
        return check_signature(statements[0], inference, numbers)
    for k, st in enumerate(statements):
        prefix = f"row {k + 1} of {len(statements)}: " if len(statements) > 1 else ""
        own = st.operands[0] if st.relations and st.operands[0].kind != "empty" else None
        if own is None and subject is None:
            return ShapeVerdict("unparsed", prefix + "a bare size needs the quantity it is the size of (expect:)")
        try:
            derived = inference.of(own if own is not None else subject)
            derived = (derived[0].xreplace(numbers), derived[1].xreplace(numbers))
            claimed = inference.claimed_size(st.operands[-1])
        except ShapeError as exc:
            return ShapeVerdict("ill-posed" if exc.ill_posed else "unverified", prefix + str(exc))
        except (LoweringError, ValueError) as exc:
            return ShapeVerdict("unparsed", prefix + str(exc))
        if claimed == derived:
            continue
        if claimed == (derived[1], derived[0]):
            other = "numerator" if layout == "denominator" else "denominator"
            what = "a derivative" if (own if own is not None else subject).kind == "frac" else "the quantity"
            hint = f" (the {other}-layout size)" if what == "a derivative" else ""
            return ShapeVerdict("wrong", prefix + f"transposed: {fmt(claimed)} where {fmt(derived)} is derived"
                                + hint, fmt(derived))
        return ShapeVerdict("wrong", prefix + f"size {fmt(claimed)} where {fmt(derived)} is derived", fmt(derived))
    return ShapeVerdict("correct", f"correct (size {fmt(derived)}, {layout or 'no'} layout)", fmt(derived))


def check_signature(st: Statement, inference: ShapeInference, numbers: dict) -> ShapeVerdict:
    """`f : A \\rightarrow B`: the map's arguments where the exercise applies it (or its parameters) against the
    domain A, one space per argument, and the size of its value against B."""
    name = inference.low.name_of(st.operands[0])
    if name is None:
        return ShapeVerdict("unparsed", "a map's signature reads `f : A \\rightarrow B` with f a name")
    try:
        args, value = inference.signature(name)
        claimed_args = inference.claimed_spaces(st.operands[1])
        claimed_value = inference.claimed_size(st.operands[2]) \
            if inference.low.name_of(st.operands[2]) != "bb_R" else SCALAR
    except ShapeError as exc:
        return ShapeVerdict("ill-posed" if exc.ill_posed else "unverified", str(exc))
    except (LoweringError, ValueError) as exc:
        return ShapeVerdict("unparsed", str(exc))
    args = [(r.xreplace(numbers), c.xreplace(numbers)) for r, c in args]
    value = (value[0].xreplace(numbers), value[1].xreplace(numbers))
    derived = f"{spaces_text(args)} -> {spaces_text([value])}"
    if [tuple(s) for s in claimed_args] != args:
        return ShapeVerdict("wrong", f"domain: {name} takes {spaces_text(args)} ({len(args)} argument(s) of size "
                            f"{', '.join(fmt(a) for a in args)}), not {spaces_text(claimed_args)}", derived)
    if tuple(claimed_value) != value:
        return ShapeVerdict("wrong", f"codomain: {name} gives {spaces_text([value])}, not "
                            f"{spaces_text([claimed_value])}", derived)
    return ShapeVerdict("correct", f"correct ({name}: {derived})", derived)

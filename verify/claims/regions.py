"""Piecewise-constant networks: decide a claim like "y^ = 1 if x in [1, 3), 0 else" region by region.

The network is declared in the claim (`kind: regions`, `network:`; derive/spec/networks.py): weights,
biases, activations and the notes' names of its quantities. `expect:` names the quantity the claim states
(default: the network's output). Network and claim are compared exactly (rational arithmetic) on a dense
grid AND on every boundary point of both (where >= against > matters); in two dimensions on points of every
boundary line and every intersection of two of them. The report names the region where they disagree.
Table rows and statements checked at given inputs (`at:`) or in a region (`where:`) go to
verify/claims/region_tables.py.
"""

from __future__ import annotations

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import LatexParseError, parse_latex
from derive.spec.claim_data import ClaimDataError
from derive.spec.errors import SpecError
from derive.spec.model import ClaimSpec, ExerciseSpec
from derive.spec.networks import RegionClaim, read_region_claim
from verify.claims.context import ClaimContext
from verify.claims.network_values import RegionVerdict, boundaries, network_values, output_name, points
from verify.claims.region_tables import check_row
from verify.result import ClaimResult, Verdict


def _eval(value: sp.Basic, xs, p) -> sp.Basic:
    v = value.xreplace(dict(zip(xs, p, strict=True)))
    return v.doit() if hasattr(v, "doit") else v


def _describe(bad: list[tuple], xs) -> str:
    if len(xs) == 1:
        vals = sorted(p[0] for p in bad)
        x = xs[0].name
        if len(vals) == 1:
            return f"{x} = {vals[0]}"
        return f"{x} in [{vals[0]}, {vals[-1]}] ({len(vals)} disagreeing points, e.g. {x} = {vals[0]})"
    (n1, n2), xs1, xs2 = (s.name for s in xs), sorted(p[0] for p in bad), sorted(p[1] for p in bad)
    return (f"{len(bad)} points with {n1} in [{xs1[0]}, {xs1[-1]}], {n2} in [{xs2[0]}, {xs2[-1]}], "
            f"e.g. ({n1}, {n2}) = ({bad[0][0]}, {bad[0][1]})")


def compare_regions(claimed: sp.Basic, truth: sp.Basic, xs: list[sp.Symbol]) -> RegionVerdict:
    claimed = sp.Matrix(claimed) if isinstance(claimed, sp.MatrixBase) else claimed
    truth = sp.Matrix(truth) if isinstance(truth, sp.MatrixBase) else truth
    if isinstance(claimed, sp.MatrixBase) != isinstance(truth, sp.MatrixBase) or (
            isinstance(truth, sp.MatrixBase) and claimed.shape != truth.shape):
        return RegionVerdict("wrong", "the claim has a different shape from the network output")
    # Symbols named x_1 / x_2 from the LaTeX reader may carry other assumptions: match by name.
    by_name = {s.name: s for s in xs}
    claimed = claimed.xreplace({s: by_name[s.name] for s in claimed.free_symbols if s.name in by_name})
    stray = {s.name for s in claimed.free_symbols} - set(by_name)
    if stray:
        return RegionVerdict("unverified", f"the claim depends on {', '.join(sorted(stray))}, not only on the input")
    forms = boundaries(claimed, xs) + boundaries(truth, xs)
    pts = points(forms, xs)
    bad = []
    example = None
    for p in pts:
        c, t = _eval(claimed, xs, p), _eval(truth, xs, p)
        diff = (sp.Matrix(c) - sp.Matrix(t)) if isinstance(t, sp.MatrixBase) else sp.Matrix([c - t])
        if any(sp.simplify(d) != 0 for d in diff):
            bad.append(p)
            example = example or (p, c, t)
    if not bad:
        return RegionVerdict("correct", f"agrees with the network on {len(pts)} points incl. every boundary point")
    p, c, t = example
    return RegionVerdict("wrong", f"disagrees with the network on {_describe(bad, xs)}: claim gives {c}, "
                                  f"network gives {t}")


def check_region_claim(ex: ExerciseSpec, claim: ClaimSpec, decls) -> RegionVerdict:
    """The verdict on a `kind: regions` claim of exercise `ex` (`decls`: its declarations, for the LaTeX)."""
    try:
        region = claim.data if claim.data is not None else read_region_claim(claim.raw)
    except ClaimDataError as exc:   # checked when the spec was loaded; kept for claims built in code
        raise SpecError(ex.spec_file, exc.line or claim.spec_line, str(exc)) from None
    assert region is not None, "check_region_claim is for kind: regions claims"
    values = network_values(region.network)
    if "$" in claim.latex or region.at is not None or region.where is not None:
        return check_row(claim.latex, region, values)
    return check_formula(claim.latex, region, values, decls)


def check_formula(latex: str, region: RegionClaim, values, decls) -> RegionVerdict:
    """Every side of the claim (a formula in the input) against the quantity the claim names."""
    name = region.quantity or output_name(region.network)
    if name is None:
        return RegionVerdict("unverified", "expect: name the quantity (the network's output has no name)")
    truth, xs = values.value(name), values.inputs
    sides = []
    skipped = []
    low = Lowerer(decls)
    try:
        formula = parse_latex(latex)
    except LatexParseError as exc:
        formula, skipped = None, [str(exc)]
    for st in formula.statements if formula else []:
        for k, node in enumerate(st.operands):
            if node.kind == "empty":
                continue
            try:
                sides.append((k, low.expr(node)))
            except (LoweringError, ValueError, TypeError) as exc:
                skipped.append(f"operand {k + 1}: {exc}")
    # a leading bare name (`\hat{y} =`, `z^O =`) names what is computed
    sides = [(k, v) for k, v in sides if not (k == 0 and isinstance(v, sp.Symbol) and v.name not in {s.name for s in xs})]
    if not sides:
        return RegionVerdict("unparsed", "; ".join(skipped) or "nothing to compare")
    for k, value in sides:
        v = compare_regions(value, truth, xs)
        if v.verdict != "correct":
            v.message = f"operand {k + 1}: {v.message}"
            return v
    note = f" (not read: {'; '.join(skipped)})" if skipped else ""
    return RegionVerdict("correct", f"correct ({len(sides)} operand(s) {v.message}){note}")


NAME = "regions"
HEAVY = True   # a dense grid and every boundary point of both sides


def check(ctx: ClaimContext) -> ClaimResult:
    v = check_region_claim(ctx.exercise, ctx.claim, ctx.decls)
    return ctx.result(Verdict(v.verdict), v.message)

"""Piecewise-constant networks: decide a claim like "y^ = 1 if x in [1, 3), 0 else" region by region.

`expect:` names the network (claim key `kind: regions`)::

    threshold_net(WH=[[1],[1]], bH=[-1,-3], WO=[[-1,2]], bO=0.5, output=yhat)

with hard-threshold activation g(z) = 1[z >= 0] and threshold output 1[z^O >= 0]; `output` is one
of zH, uH, zO, yhat.  The literal lists are read with ast.literal_eval (data only, never code).
Network and claim are compared exactly (rational arithmetic) on a dense grid AND on every boundary
point of both (where >= against > matters); in two dimensions on points of every boundary line and
every intersection of two of them.  The report names the region where they disagree.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import LatexParseError, parse_latex
from derive.safe import as_rational
from verify.claims.context import ClaimContext
from verify.result import ClaimResult, Verdict

_NET = re.compile(r"^\s*threshold_net\((?P<args>.*)\)\s*$", re.S)


@dataclass
class RegionVerdict:
    verdict: str  # correct | wrong | unparsed | unverified
    message: str


def rat(v) -> sp.Rational:
    return as_rational(v)


def _matrix(v) -> sp.Matrix:
    if not isinstance(v, list):
        v = [[v]]
    if v and not isinstance(v[0], list):
        v = [[a] for a in v]
    return sp.Matrix([[rat(a) for a in row] for row in v])


def step(z: sp.Expr) -> sp.Expr:
    return sp.Piecewise((1, z >= 0), (0, True))


def _split_args(text: str) -> dict[str, str]:
    """`k=v, k=[..], k='..'` at top level (brackets and quotes nest); values stay text."""
    out, depth, quote, cur = {}, 0, None, ""
    for ch in text + ",":
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            key, eq, value = cur.partition("=")
            if not eq or not key.strip().isidentifier():
                raise ValueError(f"threshold_net: cannot read the argument {cur.strip()!r}")
            out[key.strip()] = value.strip()
            cur = ""
        else:
            cur += ch
    return out


def net_args(text: str) -> dict[str, str]:
    m = _NET.match(str(text))
    if not m:
        raise ValueError("expect: must be threshold_net(WH=..., bH=..., WO=..., bO=..., output=...)")
    return _split_args(m.group("args"))


def parse_net(text: str):
    args = net_args(text)
    missing = {"WH", "bH", "WO", "bO"} - set(args)
    if missing:
        raise ValueError(f"threshold_net: missing {', '.join(sorted(missing))}")
    mats = {k: _matrix(ast.literal_eval(args[k])) for k in ("WH", "bH", "WO", "bO")}
    return mats, args.get("output", "yhat")


def network(text: str) -> tuple[sp.Basic, list[sp.Symbol]]:
    """The network output as an exact piecewise SymPy value in x (or x_1, x_2, ...)."""
    values, xs, output = network_values(text)
    if output not in values:
        raise ValueError(f"threshold_net: output must be one of {', '.join(values)}")
    v = values[output]
    return (v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v), xs


def network_values(text: str) -> tuple[dict[str, sp.Basic], list[sp.Symbol], str]:
    """Every intermediate value of the network (zH, uH, zO, yhat, Nh, No), its inputs, the `output`."""
    mats, output = parse_net(text)
    n_in = mats["WH"].shape[1]
    xs = [sp.Symbol("x", real=True)] if n_in == 1 else [sp.Symbol(f"x_{k + 1}", real=True) for k in range(n_in)]
    zh = mats["WH"] * sp.Matrix(xs) + mats["bH"]
    uh = zh.applyfunc(step)
    zo = mats["WO"] * uh + mats["bO"]
    values = {"zH": zh, "uH": uh, "zO": zo, "yhat": zo.applyfunc(step),
              "Nh": sp.Integer(mats["WH"].shape[0]), "No": sp.Integer(mats["WO"].shape[0])}
    return values, xs, output


def boundaries(value: sp.Basic, xs: list[sp.Symbol]) -> list[sp.Expr]:
    """Linear forms a(x) whose zero set bounds a region (from every relation in the value)."""
    out: list[sp.Expr] = []
    for rel in value.atoms(sp.core.relational.Relational):
        form = sp.expand(rel.lhs - rel.rhs)
        if form.free_symbols & set(xs) and form not in out and -form not in out:
            out.append(form)
    return out


def _roots(form: sp.Expr, var: sp.Symbol) -> list[sp.Expr]:
    """Zeros of a boundary form in one variable; the forms of threshold networks are linear, solved directly."""
    a, b = form.diff(var), form.subs(var, 0)
    if a.is_number and b.is_number and form.free_symbols <= {var} and sp.expand(form - (a * var + b)) == 0:
        return [] if a == 0 else [-b / a]
    return list(sp.solve(form, var))


def points(forms: list[sp.Expr], xs: list[sp.Symbol], lo: int = -6, hi: int = 6) -> list[tuple]:
    pts: set[tuple] = set()
    if len(xs) == 1:
        x = xs[0]
        grid = [sp.Rational(k, 8) for k in range(lo * 8, hi * 8 + 1)]
        pts.update((g,) for g in grid)
        for f in forms:
            for r in _roots(f, x):
                for d in (0, sp.Rational(-1, 1000), sp.Rational(1, 1000)):
                    pts.add((r + d,))
        return sorted(pts)
    if len(xs) == 2:
        grid = [sp.Rational(k, 4) for k in range(lo * 4, hi * 4 + 1, 2)]
        pts.update(itertools.product(grid, grid))
        x1, x2 = xs
        for f in forms:  # points on each boundary line, and just either side of it
            for g in grid:
                for var, other in ((x1, x2), (x2, x1)):
                    sol = _roots(f.subs(other, g), var)
                    for r in sol:
                        p = {var: r, other: g}
                        pts.add((p[x1], p[x2]))
        for f, h in itertools.combinations(forms, 2):
            sol = sp.solve([f, h], [x1, x2], dict=True)
            for s in sol:
                if x1 in s and x2 in s:
                    for d1, d2 in itertools.product((0, sp.Rational(1, 1000), sp.Rational(-1, 1000)), repeat=2):
                        pts.add((s[x1] + d1, s[x2] + d2))
        return sorted(pts)
    raise ValueError("region checks support one or two inputs")


def _eval(value: sp.Basic, xs, p) -> sp.Basic:
    v = value.xreplace(dict(zip(xs, p, strict=True)))
    return v.doit() if hasattr(v, "doit") else v


def _describe(bad: list[tuple], xs) -> str:
    if len(xs) == 1:
        vals = sorted(p[0] for p in bad)
        if len(vals) == 1:
            return f"x = {vals[0]}"
        return f"x in [{vals[0]}, {vals[-1]}] ({len(vals)} disagreeing points, e.g. x = {vals[0]})"
    xs1 = sorted(p[0] for p in bad)
    xs2 = sorted(p[1] for p in bad)
    return (f"{len(bad)} points with x_1 in [{xs1[0]}, {xs1[-1]}], x_2 in [{xs2[0]}, {xs2[-1]}], "
            f"e.g. (x_1, x_2) = ({bad[0][0]}, {bad[0][1]})")


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


_RELS = {r"\ge": sp.GreaterThan, r"\geq": sp.GreaterThan, ">": sp.StrictGreaterThan,
         r"\le": sp.LessThan, r"\leq": sp.LessThan, "<": sp.StrictLessThan}


def _condition(text: str, low: Lowerer):
    parts = [p for p in re.split(r",\s*", text.strip()) if p.strip()]
    out = []
    for part in parts:
        m = re.match(r"^(.*?)\s*(\\geq|\\ge|\\leq|\\le|<|>)\s*(.*)$", part.strip())
        if not m:
            raise ValueError(f"cannot read the condition {part!r}")
        lhs, rhs = (low.expr(parse_latex(t).statements[0].operands[0]) for t in (m.group(1), m.group(3)))
        out.append(_RELS[m.group(2)](lhs, rhs))
    return sp.And(*out)


def check_region_claim(latex: str, expect, decls) -> RegionVerdict:
    try:
        truth, xs = network(expect)
        args = net_args(expect)
    except (ValueError, SyntaxError) as exc:
        return RegionVerdict("unverified", f"expect: {exc}")
    if "$" in latex or "at" in args or "where" in args:
        from verify.claims.region_tables import check_row

        return check_row(latex, args, expect)
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
    v = check_region_claim(ctx.claim.latex, ctx.claim.expect, ctx.decls)
    return ctx.result(Verdict(v.verdict), v.message)

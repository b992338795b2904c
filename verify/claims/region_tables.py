"""Tables of intermediate values, and pointwise statements, about a threshold network.

A table row is quoted as the notes print it: a LaTeX label between `$...$`, then one value per column
(`$z_{i2}^{\\mathrm{H}} = x - 2$ -4 -3 -1 1 0.5`); `expect: threshold_net(..., at=[0, 1, 3, 5, 3.5])` gives
the input of each column.  Each cell is compared with the quantity the label names, and the label itself
(an equation in x) is checked on a dense grid and every boundary point, so a label that disagrees with
its values ("says x - 2, values are x - 4") is reported with a point where it fails.

Without `$`, the claim is a statement checked only at the `at=` inputs (`\\hat{y}_i = y_i` with the data
`y=[0, 0, 1, 0]`) or only inside `where='x_1 \\ge 0, x_2 \\ge 0, x_1 + x_2 < 1'` (a region of the notes).

Names, read with the index reader (verify/index_parse.py): `x` / `x_1`, `x_2` the input; `z_{ik}^H`,
`u_{ik}^H` hidden unit k; `z_i^O` the output logit (the notes also write `z^0`); `\\hat{y}` the output;
`g_{act}`, `g_{out}` the hard threshold; a name given as data in `expect` its value at each column.
"""

from __future__ import annotations

import ast
import re

import sympy as sp

from verify.claims.index.parse import IndexError_, Parser, clean, parse_claim, substitute, tokens
from verify.claims.regions import RegionVerdict, boundaries, network_values, points, rat, step

_KNOWN = {"WH", "bH", "WO", "bO", "output", "at", "where"}
# The notes' spellings: z^0 for z^O, g_act / g_out for the threshold functions.
_ALIASES = [(["^", "{", "0", "}"], ["^", "{", "O", "}"]), (["^", "0"], ["^", "O"]),
            (["g", "_", "{", "a", "c", "t", "}"], ["g"]), (["g", "_", "{", "o", "u", "t", "}"], ["g"])]


class _Reader:
    def __init__(self, values: dict, xs: list[sp.Symbol], data: dict[str, list]) -> None:
        self.values, self.xs, self.data = values, xs, data

    def ev(self, node) -> sp.Expr:
        kind = node[0]
        if kind == "num":
            return sp.Rational(node[1].rstrip("."))
        if kind == "add":
            return sp.Add(*(self.ev(a) for a in node[1]))
        if kind == "mul":
            return sp.Mul(*(self.ev(a) for a in node[1]))
        if kind == "neg":
            return -self.ev(node[1])
        if kind == "pow":
            return self.ev(node[1]) ** self.ev(node[2])
        if kind == "div":
            return self.ev(node[1]) / self.ev(node[2])
        if kind == "fn" and node[1] == "g":
            return step(self.ev(node[2]))
        if kind == "ref":
            return self.ref(node[1], node[2])
        raise IndexError_(f"cannot evaluate {kind} here")

    def ref(self, name: str, idx: tuple[str, ...]) -> sp.Expr:
        digits = [int(a) for a in idx if a.isdigit()]
        if name == "x":
            if len(self.xs) == 1:
                return self.xs[0]
            if len(digits) == 1 and 1 <= digits[0] <= len(self.xs):
                return self.xs[digits[0] - 1]
        elif name in ("z^H", "u^H"):
            vec = self.values["zH" if name[0] == "z" else "uH"]
            if len(digits) == 1 and 1 <= digits[0] <= vec.shape[0]:
                return vec[digits[0] - 1, 0]
            if not digits and vec.shape[0] == 1:
                return vec[0, 0]
        elif name in ("z^O", "yhat") and not digits:
            v = self.values["zO" if name == "z^O" else "yhat"]
            return v[0, 0]
        elif name in self.data and not digits:
            return sp.Symbol(f"data:{name}")
        raise IndexError_(f"{name}_{{{''.join(idx)}}} is not a quantity of this network")


def _condition(text: str, reader: _Reader):
    cond = Parser(tokens(clean(text))).condition()
    rels = cond[1] if cond[0] == "and" else [cond]
    ops = {"<": sp.StrictLessThan, ">": sp.StrictGreaterThan, "<=": sp.LessThan, ">=": sp.GreaterThan}
    return [ops[op](reader.ev(a), reader.ev(b)) for _, op, a, b in rels]


def _at(value: sp.Expr, xs, point: tuple, data: dict, k: int) -> sp.Expr:
    reps = dict(zip(xs, point, strict=True))
    for name, vals in data.items():
        if k < len(vals):
            reps[sp.Symbol(f"data:{name}")] = rat(vals[k])
    return sp.simplify(value.xreplace(reps))


def _fmt(p: tuple, xs) -> str:
    return f"x = {p[0]}" if len(xs) == 1 else f"(x_1, x_2) = ({p[0]}, {p[1]})"


def check_row(latex: str, args: dict[str, str], expect: str) -> RegionVerdict:
    try:
        values, xs, _ = network_values(expect)
        data = {k: ast.literal_eval(v) for k, v in args.items() if k not in _KNOWN}
        at = [tuple(rat(c) for c in (p if isinstance(p, (list, tuple)) else [p]))
              for p in ast.literal_eval(args["at"])] if "at" in args else None
    except (ValueError, SyntaxError) as exc:
        return RegionVerdict("unverified", f"expect: {exc}")
    reader = _Reader(values, xs, data)
    m = re.fullmatch(r"\s*\$(?P<label>.*?)\$(?P<cells>.*)", latex, re.S)
    label, cells = (m.group("label"), m.group("cells").split()) if m else (latex, [])
    parts = [p.strip() for p in re.split(r"(?<![<>\\])=", label)]
    sides, unread = [], []
    for k, part in enumerate(parts):
        try:
            toks = tokens(clean(part))
            for old, new in _ALIASES:
                toks = substitute(toks, old, new)
            node = parse_claim(toks, frozenset({"g"}))[0][0]
            sides.append((part, reader.ev(node)))
        except (IndexError_, ValueError, TypeError) as exc:
            if k == 0:
                return RegionVerdict("unparsed", f"label {part!r}: {exc}")
            unread.append(f"{part!r} ({exc})")
    try:
        where = _condition(args["where"].strip("'\""), reader) if "where" in args else []
        nums = [rat(c) for c in cells]
    except (IndexError_, ValueError, TypeError, SyntaxError) as exc:
        return RegionVerdict("unverified", f"cannot read the row: {exc}")
    problems: list[str] = []
    name, truth = sides[0]
    uses_data = any(s.name.startswith("data:") for _, v in sides for s in v.free_symbols)
    if at is not None and (not cells or uses_data):
        pts = list(enumerate(at))
    else:  # the label is an equation in x: the columns first, then a grid and every boundary point
        forms = [f for _, v in sides for f in boundaries(v, xs)] + [sp.expand(r.lhs - r.rhs) for r in where]
        pts = [(None, p) for p in (at or []) + points(forms, xs)
               if all(r.xreplace(dict(zip(xs, p, strict=True))) for r in where)]
    for text, value in sides[1:]:
        for k, p in pts:
            a, b = _at(truth, xs, p, data, k or 0), _at(value, xs, p, data, k or 0)
            if sp.simplify(a - b) != 0:
                problems.append(f"{name} = {text} fails at {_fmt(p, xs)}: {name} is {a}, {text} is {b}")
                break
    if cells:
        if at is None or len(nums) != len(at):
            return RegionVerdict("unverified", f"{len(nums)} values for {len(at or [])} columns (at=)")
        for text, value in sides:
            got = [_at(value, xs, p, data, k) for k, p in enumerate(at)]
            bad = [(p, c, g) for p, c, g in zip(at, nums, got, strict=True) if sp.simplify(c - g) != 0]
            if text == name and bad:
                p, c, g = bad[0]
                problems.append(f"value {c} at {_fmt(p, xs)}: {name} is {g}"
                                + (f" ({len(bad)} values differ)" if len(bad) > 1 else ""))
            elif text != name and not bad and problems:
                problems.append(f"the values are those of {text}")
    note = f" (not read: {'; '.join(unread)})" if unread else ""
    if problems:
        return RegionVerdict("wrong", "; ".join(problems) + note)
    where_txt = "the given inputs" if pts and pts[0][0] is not None else f"{len(pts)} points incl. every boundary"
    what = f"{len(nums)} values and the label agree" if cells else "holds"
    return RegionVerdict("correct", f"{what} on {where_txt}{note}")

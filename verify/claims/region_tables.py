"""Tables of intermediate values, and pointwise statements, about a declared network.

A table row is quoted as the notes print it: a LaTeX label between `$...$`, then one value per column
(`$z_{i2}^{\\mathrm{H}} = x - 2$ -4 -3 -1 1 0.5`); the claim's `at: [0, 1, 3, 5, 3.5]` gives the input of
each column. Each cell is compared with the quantity the label names, and the label itself (an equation
in the input) is checked on a dense grid and every boundary point, so a label that disagrees with its
values ("says x - 2, values are x - 4") is reported with a point where it fails.

Without `$`, the claim is a statement checked only at the `at:` inputs (`\\hat{y}_i = y_i` with the claim's
`data: {y: [0, 0, 1, 0]}`) or only inside `where: 'x_1 \\ge 0, x_2 \\ge 0, x_1 + x_2 < 1'`.

Names are read with the index reader (the one grammar, verify/claims/index/parse.py) and come from the network's
declaration: its input (`x`, or `x_1`, `x_2`), each layer's `pre`/`post` quantity (unit k by the one
numeral among its subscripts, `z_{i2}^{H}`), each layer's activation `function`, the declared `aliases`
(other spellings in the notes) and the claim's `data` names.
"""

from __future__ import annotations

import re

import sympy as sp

from derive.parse.tree import Node, is_sep
from derive.spec.networks import Network, RegionClaim
from verify.claims.index.from_tree import Translator
from verify.claims.index.indices import Reading, items_of, strip_trailing
from verify.claims.index.parse import (
    Alias,
    IndexError_,
    alias,
    one_expression,
    parse_claim,
    substitute,
    tree_of,
)
from verify.claims.network_values import NetworkValues, RegionVerdict, boundaries, point_text, points, rat


def reader_name(spelling: str) -> str | None:
    """The index reader's name for a declared spelling (`z^{\\mathrm{H}}` -> `z^H`, `\\hat{y}` -> `yhat`),
    None when the reader cannot read it as one name without subscripts."""
    try:
        sides, cond = parse_claim(tree_of(spelling), Reading())
    except IndexError_:
        return None
    node = sides[0]
    return node[1] if len(sides) == 1 and cond is None and node[0] == "ref" and not node[2] else None


class _Vocabulary:
    """How the notes write this network: spellings replaced in the tree and the reader's names of its
    quantities."""

    def __init__(self, net: Network, values: NetworkValues, data: dict) -> None:
        self.subs = [alias(a, b) for a, b in net.aliases]
        self.functions: dict[str, object] = {}
        # an activation function may be spelled as a compound (g_{act}): it becomes one function name
        for spelling in sorted(values.functions, key=lambda s: -len(s)):
            token = f"fn:{spelling}"
            self.subs.append(Alias(one_expression(spelling), Node("name", (token,))))
            self.functions[token] = values.functions[spelling]
        self.quantities, self.unreadable = {}, []
        for spelling, value in values.values.items():
            if not isinstance(value, sp.MatrixBase):
                continue   # a unit count is no quantity of a row
            name = reader_name(spelling)
            if name is None:
                self.unreadable.append(spelling)
            else:
                self.quantities[name] = value
        self.input, self.xs = net.input, values.inputs
        self.data = {reader_name(k) or k: v for k, v in data.items()}

    def tree(self, latex: str) -> Node:
        tree = tree_of(latex)
        for a in self.subs:
            tree = substitute(tree, a)
        return tree

    def reading(self) -> Reading:
        return Reading(funcs=frozenset(self.functions))


class _Reader:
    def __init__(self, vocabulary: _Vocabulary) -> None:
        self.v = vocabulary

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
        if kind == "fn" and node[1] in self.v.functions:
            return self.v.functions[node[1]](self.ev(node[2]))
        if kind == "ref":
            return self.ref(node[1], node[2])
        raise IndexError_(f"cannot evaluate {kind} here")

    def ref(self, name: str, idx: tuple[str, ...]) -> sp.Expr:
        digits = [int(a) for a in idx if a.isdigit()]
        xs = self.v.xs
        if name == self.v.input:
            if len(xs) == 1:
                return xs[0]
            if len(digits) == 1 and 1 <= digits[0] <= len(xs):
                return xs[digits[0] - 1]
        elif name in self.v.quantities:   # unit k of a layer by its numeral; a single unit needs none
            vec = self.v.quantities[name]
            if len(digits) == 1 and 1 <= digits[0] <= vec.shape[0]:
                return vec[digits[0] - 1, 0]
            if not digits and vec.shape[0] == 1:
                return vec[0, 0]
        elif name in self.v.data and not digits:
            return sp.Symbol(f"data:{name}")
        hint = f" (the index reader cannot read the declared {', '.join(self.v.unreadable)})" \
            if self.v.unreadable else ""
        raise IndexError_(f"{name}_{{{''.join(idx)}}} is not a quantity of this network{hint}")


def _condition(text: str, reader: _Reader):
    cond = Translator(reader.v.reading()).condition(items_of(reader.v.tree(text)))
    rels = cond[1] if cond[0] == "and" else [cond]
    ops = {"<": sp.StrictLessThan, ">": sp.StrictGreaterThan, "<=": sp.LessThan, ">=": sp.GreaterThan}
    return [ops[op](reader.ev(a), reader.ev(b)) for _, op, a, b in rels]


def _at(value: sp.Expr, xs, point: tuple, data: dict, k: int) -> sp.Expr:
    reps = dict(zip(xs, point, strict=True))
    for name, vals in data.items():
        if k < len(vals):
            reps[sp.Symbol(f"data:{name}")] = rat(vals[k])
    return sp.simplify(value.xreplace(reps))


def _label_sides(label: str, vocabulary: _Vocabulary) -> tuple[list[tuple[str, list[Node]]], list[str]]:
    """The sides of a row label `A = B = C` (or a statement `z < 0`) as (text as written, the grammar's items),
    split at its relations, and the relations between them."""
    items = strip_trailing(items_of(vocabulary.tree(label)))
    cuts = [k for k, item in enumerate(items) if is_sep(item, "rel") and item.args[0] in _RELATIONS]
    bounds = [-1, *cuts, len(items)]
    starts = [0, *(items[k].column + len(items[k].text) for k in cuts)]
    ends = [*(items[k].column for k in cuts), len(label)]
    sides = [(label[a:b].strip(), items[lo + 1:hi])
             for a, b, lo, hi in zip(starts, ends, bounds[:-1], bounds[1:], strict=True)]
    return sides, [items[k].args[0] for k in cuts]


_RELATIONS = {"=": sp.Eq, "<": sp.StrictLessThan, ">": sp.StrictGreaterThan, "<=": sp.LessThan, ">=": sp.GreaterThan,
              "!=": sp.Ne}
_SHOWN = {"<=": "\\le", ">=": "\\ge", "!=": "\\neq"}


def _relations_hold(sides: list, ops: list[str], pts: list, xs, data: dict) -> list[str]:
    """Each relation of a statement `A < B` (`A \\ge B`, ...) at every point: the first failure of each."""
    problems = []
    for (left, lv), op, (right, rv) in zip(sides, ops, sides[1:], strict=False):
        for k, p in pts:
            a, b = _at(lv, xs, p, data, k or 0), _at(rv, xs, p, data, k or 0)
            if not bool(_RELATIONS[op](a, b)):
                problems.append(f"{left} {_SHOWN.get(op, op)} {right} fails at {point_text(p, xs)}: {left} is {a}, "
                                f"{right} is {b}")
                break
    return problems


def check_row(latex: str, region: RegionClaim, values: NetworkValues) -> RegionVerdict:
    vocabulary = _Vocabulary(region.network, values, region.data)
    xs, data = values.inputs, vocabulary.data
    at = [tuple(rat(c) for c in p) for p in region.at] if region.at is not None else None
    reader = _Reader(vocabulary)
    m = re.fullmatch(r"\s*\$(?P<label>.*?)\$(?P<cells>.*)", latex, re.S)
    label, cells = (m.group("label"), m.group("cells").split()) if m else (latex, [])
    try:
        parts, ops = _label_sides(label.strip(), vocabulary)
    except IndexError_ as exc:
        return RegionVerdict("unparsed", f"label {label.strip()!r}: {exc}")
    sides, unread = [], []
    translate = Translator(vocabulary.reading())
    for k, (part, items) in enumerate(parts):
        try:
            sides.append((part, reader.ev(translate.operand(items))))
        except (IndexError_, ValueError, TypeError) as exc:
            if k == 0:
                return RegionVerdict("unparsed", f"label {part!r}: {exc}")
            unread.append(f"{part!r} ({exc})")
    try:
        where = _condition(region.where, reader) if region.where is not None else []
        nums = [rat(c) for c in cells]
    except (IndexError_, ValueError, TypeError, SyntaxError) as exc:
        return RegionVerdict("unverified", f"cannot read the row: {exc}")
    inequality = any(op != "=" for op in ops)
    if inequality and (cells or unread):
        why = "a row of values needs an equation as its label" if cells else f"not read: {'; '.join(unread)}"
        return RegionVerdict("unverified", f"cannot check the statement: {why}")
    problems: list[str] = []
    name, truth = sides[0]
    uses_data = any(s.name.startswith("data:") for _, v in sides for s in v.free_symbols)
    if at is not None and (not cells or uses_data):
        pts = list(enumerate(at))
    else:  # the label is an equation in x: the columns first, then a grid and every boundary point
        forms = [f for _, v in sides for f in boundaries(v, xs)] + [sp.expand(r.lhs - r.rhs) for r in where]
        pts = [(None, p) for p in (at or []) + points(forms, xs)
               if all(r.xreplace(dict(zip(xs, p, strict=True))) for r in where)]
    if inequality:
        problems = _relations_hold(sides, ops, pts, xs, data)
    for text, value in [] if inequality else sides[1:]:
        for k, p in pts:
            a, b = _at(truth, xs, p, data, k or 0), _at(value, xs, p, data, k or 0)
            if sp.simplify(a - b) != 0:
                problems.append(f"{name} = {text} fails at {point_text(p, xs)}: {name} is {a}, {text} is {b}")
                break
    if cells:
        if at is None or len(nums) != len(at):
            return RegionVerdict("unverified", f"{len(nums)} values for {len(at or [])} columns (at:)")
        for text, value in sides:
            got = [_at(value, xs, p, data, k) for k, p in enumerate(at)]
            bad = [(p, c, g) for p, c, g in zip(at, nums, got, strict=True) if sp.simplify(c - g) != 0]
            if text == name and bad:
                p, c, g = bad[0]
                problems.append(f"value {c} at {point_text(p, xs)}: {name} is {g}"
                                + (f" ({len(bad)} values differ)" if len(bad) > 1 else ""))
            elif text != name and not bad and problems:
                problems.append(f"the values are those of {text}")
    note = f" (not read: {'; '.join(unread)})" if unread else ""
    if problems:
        return RegionVerdict("wrong", "; ".join(problems) + note)
    where_txt = "the given inputs" if pts and pts[0][0] is not None else f"{len(pts)} points incl. every boundary"
    what = f"{len(nums)} values and the label agree" if cells else "holds"
    return RegionVerdict("correct", f"{what} on {where_txt}{note}")

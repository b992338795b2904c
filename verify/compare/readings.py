"""What one side of `derivcheck equiv` is: an expression, a condition (equations, inequalities, chains of them,
systems), or a set (finite sets, intervals).

A side is read from its parsed statements (derive/parse) with the default Lowerer for every value; only the
shapes around the values are read here, so claims in specs lower exactly as before. A condition is kept as
`Rel`s (`d op 0` with d = left - right) rather than SymPy relationals, which would decide `1 = 1` or `x < x`
on construction and lose the side's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.lower.syntax import split_arguments
from derive.parse.latex import parse_tree, statements_of
from derive.parse.tree import Formula, Node, Statement, is_sep

# relation text (derive/parse/transformer.py) -> (normalised operator, whether the difference is negated)
# Every inequality becomes `d < 0` or `d <= 0`, so `x < 1`, `1 > x` and `-x > -1` have the same difference.
_RELATIONS = {"=": ("=", False), "!=": ("!=", False), "<": ("<", False), "<=": ("<=", False),
              ">": ("<", True), ">=": ("<=", True)}


class ReadingError(ValueError):
    """A side that is no expression, condition or set `equiv` can compare (bad input, exit 2)."""


@dataclass(frozen=True)
class Rel:
    """One relation `d op 0` with op one of =, !=, <, <= (`a > b` is stored as `b - a < 0`)."""

    d: Any            # a SymPy expression
    op: str

    def sympy(self) -> sp.Basic:
        return {"=": sp.Eq, "!=": sp.Ne, "<": sp.Lt, "<=": sp.Le}[self.op](self.d, 0)


Term = list[Rel]   # relations that all hold
_WORDS = {"or": "or", "and": "and"}   # `\\text{ or }` between relations
MAX_TERMS = 16       # `(a or b), (c or d), ...` multiplied out: beyond this many alternatives, not compared


@dataclass(frozen=True)
class SetBuilder:
    """`\\{x \\mid x^2 < 1\\}`: the reals x where the condition holds (verify/compare/sides.py solves it)."""

    var: sp.Symbol
    terms: tuple

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        return {s for t in self.terms for r in t for s in r.d.free_symbols} - {self.var}


@dataclass(frozen=True)
class SetOp:
    """`A \\cup B`, `A \\cap B`, `A \\setminus B` where a part is a set-builder set: combined once the builders
    are solved (verify/compare/sides.py); parts that are all SymPy sets are combined at once (read_set)."""

    op: str           # "cup", "cap" or "setminus"
    parts: tuple      # two sets: each a SymPy Set, SetBuilder or SetOp

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        return {s for p in self.parts for s in p.free_symbols}


_SET_OPS = {"cup": sp.Union, "cap": sp.Intersection, "setminus": sp.Complement}


def combine(op: str, a: sp.Set, b: sp.Set) -> sp.Set:
    """The SymPy set `a op b` (op one of cup, cap, setminus)."""
    return _SET_OPS[op](a, b)


@dataclass
class Reading:
    """kind: "expression" (value: SymPy expression or matrix), "condition" (value: a list of terms, one of
    which holds, each a list of Rel that all hold), "set" (value: a SymPy Set). `what` names it in messages
    ("an equation", "a system of 2 ...")."""

    kind: str
    value: Any
    what: str

    @property
    def symbols(self) -> set[sp.Symbol]:
        if self.kind == "condition":
            return {s for t in self.value for r in t for s in r.d.free_symbols if isinstance(s, sp.Symbol)}
        return {s for s in self.value.free_symbols if isinstance(s, sp.Symbol)}


def read_side(formula: Formula, low: Lowerer) -> Reading:
    """The reading of one side; raises ReadingError (or LoweringError for a value that has no meaning)."""
    if "\\" in formula.source:   # `\\wedge` / `\\vee` between relations: statements lose them
        rows = parse_tree(formula.source)
        if _has_logic(rows):
            return _logic(rows, low)
    statements = formula.statements
    if not statements:   # `\left` alone, spacing only: nothing to read
        raise ReadingError("an empty formula")
    if len(statements) == 1 and len(statements[0].operands) == 1 and _cut(statements[0].operands[0]) is None:
        node = statements[0].operands[0]
        if node.kind == "not":
            return _condition(statements, low)
        if node.kind == "env" and node.args[0] in ("cases", "dcases") and _is_system(node.args[1]):
            return _condition([_row_statement(r) for r in node.args[1].args if r.args], low)
        as_set = read_set(node, low)
        if as_set is not None:
            return Reading("set", as_set, "a set")
        return Reading("expression", low.expr(node), "an expression")
    if any(len(st.operands) == 1 and st.operands[0].kind != "not" for st in statements):
        raise ReadingError("a list of expressions (only equations and inequalities can be listed, as a system)")
    return _condition(statements, low)


def read_set(node: Node, low: Lowerer) -> sp.Set | SetBuilder | SetOp | None:
    """`\\{1, 2\\}`, `[0, 1)`, `(0, \\infty)`, `[0, 1]`, `\\emptyset`, `\\mathbb{R}` and their unions,
    intersections and differences (`A \\cup B`, `A \\cap B`, `A \\setminus B`) as a SymPy set; None for a node
    that is no set.

    A bracketed pair is an interval here: `equiv` has no other reading of `(a, b)` (a point or a tuple is not
    a value the engine compares)."""
    if node.kind == "emptyset":
        return sp.S.EmptySet
    if _is_reals(node):
        return sp.S.Reals
    if node.kind == "setop":
        parts = []
        for part in node.args[1:]:
            value = read_set(part, low)
            if value is None:
                raise ReadingError(f"\\{node.args[0]} joins sets (intervals, finite sets, set-builders, "
                                   "\\mathbb{R}, \\emptyset)")
            parts.append(value)
        if all(isinstance(p, sp.Set) for p in parts):
            return combine(node.args[0], *parts)
        return SetOp(node.args[0], tuple(parts))
    if node.kind == "set":
        items = [i for row in node.args[0].args for i in row.args]
        if any(is_sep(i, "mid") or is_sep(i, "colon") for i in items):
            return _set_builder(items, low)
        if any(is_sep(i, "rel") for i in items):
            raise ReadingError("a relation inside a set: write {x \\mid condition} for a set of solutions")
        return sp.FiniteSet(*(_value(p, low) for p in split_arguments(node.args[0])))
    if node.kind == "interval":
        return _interval(node.args[0], node.args[1], low)
    if node.kind == "paren" and node.text in ("(", "["):
        parts = split_arguments(node.args[0])
        if len(parts) == 2:
            return _interval(node.args[0], node.text + (")" if node.text == "(" else "]"), low)
        if node.text == "(" and len(parts) == 1 and len(parts[0]) == 1 and parts[0][0].kind == "setop":
            return read_set(parts[0][0], low)   # `(A \\cup B) \\cap C`
    return None


def _is_reals(node: Node) -> bool:
    """`\\mathbb{R}` (the reals, as a set)."""
    return node.kind == "style" and node.args[0] == "mathbb" and \
        [r.args for r in node.args[1].args] == [(Node("name", ("R",)),)]


def _set_builder(items: list[Node], low: Lowerer) -> SetBuilder:
    """`\\{x \\mid cond\\}`, `\\{x : cond\\}`, `\\{x \\in \\mathbb{R} : cond\\}` over one real unknown."""
    cut = next(k for k, i in enumerate(items) if is_sep(i, "mid") or is_sep(i, "colon"))
    head, body = items[:cut], items[cut + 1:]
    reals = len(head) == 3 and is_sep(head[1], "rel") and head[1].args[0] == "in" and _is_reals(head[2])
    if not (len(head) == 1 or reals) or not body:
        raise ReadingError("a set-builder is {x \\mid condition} (or {x \\in \\mathbb{R} : condition})")
    var = low.expr(head[0])
    if not isinstance(var, sp.Symbol):
        raise ReadingError("a set-builder names its unknown before | or :")
    reading = _condition(statements_of(Node("rows", (Node("row", tuple(body)),))), low)
    return SetBuilder(var, tuple(tuple(t) for t in reading.value))


def _interval(rows: Node, ends: str, low: Lowerer) -> sp.Set:
    parts = split_arguments(rows)
    if len(parts) != 2 or not all(parts):
        raise ReadingError("an interval needs two ends")
    lo, hi = (_value(p, low) for p in parts)
    for end in (lo, hi):
        if not (isinstance(end, sp.Expr) and (end.is_extended_real or end.is_extended_real is None)):
            raise ReadingError(f"an interval end must be a real number, not {end}")
    if lo.is_infinite and ends[0] == "[" or hi.is_infinite and ends[1] == "]":
        raise ReadingError("an infinite end of an interval is open: write (-\\infty or \\infty)")
    return sp.Interval(lo, hi, left_open=ends[0] == "(", right_open=ends[1] == ")")


def _value(items: list[Node], low: Lowerer) -> Any:
    if len(items) != 1:
        raise ReadingError("expected one expression in each place of a set or interval")
    return low.expr(items[0])


def _is_system(rows: Node) -> bool:
    """A cases environment whose rows are relations (`x + y = 1 \\\\ x - y = 0`), not values with conditions."""
    return any(r.args for r in rows.args) and all(
        not r.args or (any(is_sep(i, "rel") for i in r.args) and not any(is_sep(i, "amp") for i in r.args))
        for r in rows.args)


def _row_statement(row: Node) -> Statement:
    items = [i for i in row.args if not is_sep(i, "period") and not is_sep(i, "comma")]
    operands = [i for i in items if not is_sep(i)]
    relations = [i.args[0] for i in items if is_sep(i, "rel")]
    if len(operands) != len(relations) + 1 or any(is_sep(i) and not is_sep(i, "rel") for i in items):
        raise ReadingError("cannot read a row of the system as a relation")
    return Statement(operands, relations)


def _condition(statements: list[Statement], low: Lowerer) -> Reading:
    """Statements (joined by commas or rows: all hold), each a chain whose relations may be joined by the words
    `\\text{and}` / `\\text{or}` ("and" binding tighter), as alternatives (terms) of relations."""
    terms: list[Term] = [[]]
    kinds: set[str] = set()
    words = False
    for st in statements:
        alternatives: list[Term] = []
        if len(st.operands) == 1 and st.operands[0].kind == "not":
            alternatives = _denied(st.operands[0], low, kinds)
            words = True
        else:
            for group in _or_groups(st):
                group_terms: list[Term] = [[]]
                for clause in group:   # each clause may itself be alternatives (x \in \{1, 2\})
                    group_terms = [t + alt for t in group_terms for alt in _chain(clause, low, kinds)]
                alternatives += group_terms
            words = words or len(alternatives) > 1 or len(_or_groups(st)[0]) > 1
        terms = [t + alt for t in terms for alt in alternatives]
        if len(terms) > MAX_TERMS:
            raise ReadingError(f"more than {MAX_TERMS} alternatives ('or') to compare")
    n = len(statements)
    if words:
        what = "a combination of relations (and / or / not)"
    elif n > 1:
        what = f"a system of {n} " + ("equations" if kinds == {"equation"} else "relations")
    elif len(statements[0].relations) > 1:
        what = "a chain of relations"
    else:
        what = "an equation" if kinds == {"equation"} else "an inequality"
    return Reading("condition", terms, what)


def _chain(st: Statement, low: Lowerer, kinds: set[str]) -> list[Term]:
    """The relations of one chain `a < b \\le c` (each consecutive pair), as alternatives: one, unless it says
    `x \\in \\{1, 2\\}` (x = 1 or x = 2)."""
    if not st.relations:
        raise ReadingError("the words 'and' / 'or' join relations (x = 1 or x = 2), not values")
    if any(o.kind == "empty" for o in st.operands):
        raise ReadingError("a relation with an empty side")
    # the operand after `\\in` is an interval, read by _membership; every other operand is a value
    values = [None if k and st.relations[k - 1] in ("in", "notin") else low.expr(o)
              for k, o in enumerate(st.operands)]
    terms: list[Term] = [[]]
    for k, rel in enumerate(st.relations):
        left, right = values[k], values[k + 1]
        if rel in ("in", "notin"):
            options = _membership(left, rel, st.operands[k + 1], low)
            terms = [t + option for t in terms for option in options]
            kinds.add("inequality")
            continue
        if rel not in _RELATIONS or left is None or right is None:
            raise ReadingError(f"cannot compare statements with the relation {rel!r} "
                               "(=, \\ne, <, \\le, >, \\ge and \\in an interval are compared)")
        op, flip = _RELATIONS[rel]
        terms = [t + _relations(left, right, op, flip) for t in terms]
        kinds.add("equation" if op == "=" else "inequality")
    if len(terms) > MAX_TERMS:
        raise ReadingError(f"more than {MAX_TERMS} alternatives to compare")
    return terms


def _or_groups(st: Statement) -> list[list[Statement]]:
    """A chain cut at the words `and` / `or` written between its relations (`x < -1 \\text{ or } x > 1` parses
    as x < (-1 or x) > 1: the word sits inside the product between two operands); groups joined by "or", each a
    list of chains joined by "and"."""
    groups: list[list[Statement]] = [[]]
    operands: list[Node] = []
    relations: list[str] = []
    for k, operand in enumerate(st.operands):
        cut = _cut(operand)
        while cut is not None:
            left, word, right = cut
            operands.append(left)
            groups[-1].append(Statement(operands, relations))
            if word == "or":
                groups.append([])
            operands, relations = [], []
            operand = right
            cut = _cut(operand)
        operands.append(operand)
        if k < len(st.relations):
            relations.append(st.relations[k])
    groups[-1].append(Statement(operands, relations))
    return groups


def _cut(node: Node) -> tuple[Node, str, Node] | None:
    """(what precedes, the word, what follows) when `node` is a product holding the word `and` / `or`."""
    sign = node.kind == "neg"
    inner = node.args[0] if sign else node
    if inner.kind != "implicit":
        return None
    factors = list(inner.args)
    for k, f in enumerate(factors):
        if f.kind == "text" and f.args[0].strip().lower() in _WORDS and 0 < k < len(factors) - 1:
            left = factors[0] if k == 1 else Node("implicit", tuple(factors[:k]))
            right = factors[k + 1] if k == len(factors) - 2 else Node("implicit", tuple(factors[k + 1:]))
            return (Node("neg", (left,)) if sign else left), _WORDS[f.args[0].strip().lower()], right
    return None


def _relations(left: Any, right: Any, op: str, flip: bool) -> list[Rel]:
    left_m, right_m = isinstance(left, sp.MatrixBase), isinstance(right, sp.MatrixBase)
    if left_m or right_m:
        if op != "=" or not (left_m and right_m) or left.shape != right.shape:
            raise ReadingError("matrices are compared by equations between matrices of one shape")
        return [Rel(sp.sympify(e), "=") for e in (left - right)]   # entrywise: a system
    try:
        d = right - left if flip else left - right
    except (TypeError, ValueError) as exc:
        raise LoweringError(f"cannot subtract the sides of a relation ({exc})") from None
    if not isinstance(d, sp.Expr):
        raise ReadingError("a side of a relation is not a value")
    if op in ("<", "<=") and d.is_extended_real is False:
        raise ReadingError("an inequality between values that are not real")
    return [Rel(d, op)]


def _membership(left: Any, rel: str, node: Node, low: Lowerer) -> list[Term]:
    """`x \\in [0, 1)`: the two inequalities of the interval; `x \\in \\{1, 2\\}`: x = 1 or x = 2; a union of
    such sets: one of their alternatives; `x \\notin S`: membership in the reals outside S (SymPy's complement:
    `x \\notin [0, 1]` is x < 0 or x > 1), or, for a finite set, x differs from every element."""
    target = read_set(node, low)
    if left is None or not isinstance(target, sp.Set):
        raise ReadingError("only membership in intervals, finite sets, \\mathbb{R} and their unions, intersections "
                           "and differences (x \\in [a, b), x \\in \\{1, 2\\}) is compared")
    if rel == "notin":
        if isinstance(target, sp.FiniteSet):
            return [[Rel(left - e, "!=") for e in target.args]]
        target = sp.Complement(sp.S.Reals, target)
    return _members(left, target)


def _members(left: Any, target: sp.Set) -> list[Term]:
    """`left \\in target` as alternatives of relations, for a union of intervals and finite sets."""
    if target is sp.S.EmptySet:
        return [[Rel(sp.Integer(1), "=")]]   # in the empty set: never (1 = 0)
    if target == sp.S.Reals:
        return [[]]   # every real: no condition
    if isinstance(target, sp.Union):
        return [t for part in target.args for t in _members(left, part)]
    if isinstance(target, sp.FiniteSet):
        return [[Rel(left - e, "=")] for e in target.args]
    if isinstance(target, sp.Interval):
        out = []
        if target.start.is_finite:
            out.append(Rel(target.start - left, "<" if target.left_open else "<="))
        if target.end.is_finite:
            out.append(Rel(left - target.end, "<" if target.right_open else "<="))
        return [out]
    raise ReadingError(f"membership in {target} is not compared (write it as intervals and finite sets)")


def _logic(rows: Node, low: Lowerer) -> Reading:
    """Relations joined by `\\vee` / `\\lor` (binding least) and `\\wedge` / `\\land`, as derive/lower's
    conditions read them: alternatives of the "or" parts, each the relations of its "and" parts."""
    filled = [r for r in rows.args if r.args]
    if len(filled) != 1:
        raise ReadingError("\\wedge / \\vee are compared within one row")
    terms: list[Term] = []
    for either in _split(list(filled[0].args), "or"):
        both: list[Term] = [[]]
        for part in _split(either, "and"):
            if not part:
                raise ReadingError("\\wedge / \\vee join relations on both sides")
            value = _condition(statements_of(Node("rows", (Node("row", tuple(part)),))), low).value
            both = [t + u for t in both for u in value]
        terms += both
        if len(terms) > MAX_TERMS or len(both) > MAX_TERMS:
            raise ReadingError(f"more than {MAX_TERMS} alternatives to compare")
    return Reading("condition", terms, "a combination of relations (and / or / not)")


def _has_logic(rows: Node) -> bool:
    return any(is_sep(i, "logic") for r in rows.args for i in r.args)


def _split(items: list[Node], word: str) -> list[list[Node]]:
    parts: list[list[Node]] = [[]]
    for item in items:
        if is_sep(item, "logic") and item.args[0] == word:
            parts.append([])
        else:
            parts[-1].append(item)
    return parts


def _denied(node: Node, low: Lowerer, kinds: set[str]) -> list[Term]:
    """`\\neg (x > 1)`: the relations in the parentheses, denied (not (a or b) is not a and not b; not (r and s)
    is not r or not s), as alternatives."""
    inner = node.args[0]
    if inner.kind != "paren" or not any(is_sep(i, "rel") for r in inner.args[0].args for i in r.args):
        raise ReadingError("\\neg denies a relation in parentheses: \\neg (x > 1)")
    rows = inner.args[0]
    terms = (_logic(rows, low) if _has_logic(rows) else _condition(statements_of(rows), low)).value
    kinds.add("inequality")
    out: list[Term] = [[]]
    for term in terms:
        if not term:
            return [[Rel(sp.Integer(1), "=")]]   # denying what always holds: never
        out = [t + [_opposite(r)] for t in out for r in term]
        if len(out) > MAX_TERMS:
            raise ReadingError(f"more than {MAX_TERMS} alternatives to compare")
    return out


def _opposite(r: Rel) -> Rel:
    """not (d = 0) is d != 0; not (d < 0) is -d <= 0; not (d <= 0) is -d < 0."""
    d, op = {"=": (r.d, "!="), "!=": (r.d, "="), "<": (-r.d, "<="), "<=": (-r.d, "<")}[r.op]
    return Rel(d, op)

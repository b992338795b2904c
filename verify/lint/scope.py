"""What is in scope while lint reads a section: definitions (deep and shallow), poisoned names,
names seen so far, and per chapter the data arrays and the quantities that are sums over an index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.lower.settings import LoweringSettings
from derive.lower.syntax import split_arguments, walk
from derive.parse.tree import Node
from derive.spec.declarations import Declarations
from verify.lint.syntax import printed_decimals

ValueOf = Callable[[int], "sp.Expr | LoweringError"]


@dataclass
class Scope:
    """Definitions of one section.

    `decls.given` holds each defined name's value with earlier definitions substituted (the deep
    reading); `shallow` holds the same definitions with other defined names left as symbols, so
    that `\\partial f / \\partial u` can mean the partial of f's own formula when u is itself defined.
    """

    decls: Declarations = field(default_factory=Declarations)
    shallow: dict[str, sp.Expr] = field(default_factory=dict)
    shallow_functions: dict[str, tuple[tuple[sp.Symbol, ...], sp.Expr]] = field(default_factory=dict)
    poisoned: set[str] = field(default_factory=set)
    given_latex: dict[str, str] = field(default_factory=dict)
    defined_at: dict[str, list[int]] = field(default_factory=dict)   # name -> when (chain order) defined
    defined_in: dict[str, int] = field(default_factory=dict)         # name -> math span of its last definition
    existential: set[str] = field(default_factory=set)               # `for some \alpha`: a particular value
    span: int = 0                                                    # the math span being read
    transient: frozenset[str] = frozenset()                          # names unreadable in this span only
    plain: frozenset[str] = frozenset()                              # names written without brackets in it
    rounded: dict[str, sp.Rational] = field(default_factory=dict)    # name = 0.33: half a printed unit
    seen: set[str] = field(default_factory=set)                      # symbol names met so far
    indexed: dict[str, str] = field(default_factory=dict)            # x -> i for x_i inside a sum over i
    claims: list[dict[str, Any]] = field(default_factory=list)
    # `p_{i,2j} = \\sin(...)`: base -> [(index expressions, their letters, body, span)], used by pattern
    patterns: dict[str, list[IndexPattern]] = field(default_factory=dict)
    instances: dict[str, sp.Expr] = field(default_factory=dict)      # `p_{i+1,2j}` -> its value, this chain
    unusable: set[str] = field(default_factory=set)                  # indexed uses no definition fits, this chain

    def lowerer(self, variables: set[str] = frozenset(), *, shallow: bool = False,
                powers: bool = False) -> Lowerer:
        """A strict lowerer for one chain; names differentiated by in the chain are variables there.
        `shallow`: defined names stay symbols; `powers`: every superscript letter is a power (no `z^O` labels)."""
        decls = self.decls
        if powers:
            decls = decls.copy()
            decls.labels = frozenset()
        if shallow:
            decls = decls.copy() if decls is self.decls else decls
            decls.given = dict(self.shallow)
            decls.given_functions = dict(self.shallow_functions)
        if variables & (set(decls.given) | self.poisoned):
            decls = decls.copy() if decls is self.decls else decls
            for v in variables:
                decls.given.pop(v, None)
        if self.instances:
            decls = decls.copy() if decls is self.decls else decls
            decls.given.update({k: v for k, v in self.instances.items() if k not in variables})
        poisoned = frozenset((self.poisoned | self.transient) - set(variables))
        return Lowerer(decls, LoweringSettings(strict=True, poisoned=poisoned, expand=not shallow, plain=self.plain))

    # ------------------------------------------------------------ definitions
    def define(self, low: Lowerer, ops: list[Node], body_index: int, first: int, value: ValueOf,
               texts: list[str], when: int) -> int:
        """Define the names `ops[first:body_index]` as `ops[body_index]`; returns how many were ambiguous."""
        body = value(body_index)
        ambiguous = 0
        for k in range(first, body_index):
            head = ops[k]
            if head.kind == "call":
                ambiguous += not self._define_function(low, head, ops[body_index], texts[k], texts[body_index], when)
                continue
            name = low.name_of(head)
            if name is None:
                continue
            self.defined_at.setdefault(name, []).append(when)
            self.defined_in[name] = self.span
            self.decls.given_functions.pop(name, None)
            self.shallow_functions.pop(name, None)
            self.rounded.pop(name, None)
            if isinstance(body, LoweringError) or not isinstance(body, (sp.Expr, sp.MatrixBase)) \
                    or name in {str(s) for s in body.free_symbols}:
                self._poison(name)   # unreadable or self-referential (an equation): uses get no verdict
                ambiguous += 1
                continue
            self.poisoned.discard(name)
            self.decls.given[name] = body
            self._note_pattern(head, body)
            self.shallow[name] = self._shallow_value(ops[body_index], body)
            literal = printed_decimals(ops[body_index]) if isinstance(body, sp.Expr) else None
            if literal is not None and "." in literal:
                self.rounded[name] = sp.Rational(5, 10 ** (len(literal.split(".", 1)[1]) + 1))
            if texts[body_index]:
                self.given_latex[name] = texts[body_index]
            else:
                self.given_latex.pop(name, None)
        return ambiguous

    # ------------------------------------------------------------ indexed definitions
    def _note_pattern(self, head: Node, body: sp.Expr | sp.MatrixBase) -> None:
        """`p_{i,2j} = \\sin(i/10000^{2j/d})`: keep the definition for every index value (`p_{i+\\delta,2j}`)."""
        parsed = index_parts(head)
        if parsed is None:
            return
        base, parts = parsed
        letters = {s for part in parts for s in part.free_symbols}
        if not letters or any(str(s) in self.decls.given for s in letters):
            return   # `x_1 = 3` is one entry; an index letter with a value of its own is no index
        if not isinstance(body, sp.Expr):
            body = sp.nan   # a matrix per index: the base is indexed, but no use can be read from it
        self.patterns.setdefault(base, []).append(IndexPattern(tuple(parts), frozenset(letters), body, self.span))

    def match_index(self, node: Node) -> tuple[IndexPattern, dict[sp.Symbol, sp.Expr]] | None | bool:
        """The definition that fits an indexed use and the index values, None if the base has no indexed
        definition, False if it has some but none fits (`p_{i,j}` after `p_{i,2j}`: j may be odd)."""
        if not self.patterns or node.kind != "sub" or node.args[0].kind != "name" \
                or node.args[0].args[0] not in self.patterns:
            return None   # the common case, decided without reading the indices
        parsed = index_parts(node)
        if parsed is None:
            return None
        base, parts = parsed
        for pattern in reversed(self.patterns[base]):   # the latest definition first
            values = pattern.match(parts)
            if values is not None:
                return (pattern, values) if self._instance(pattern, values) is not None else False
        return False

    def _instance(self, pattern: IndexPattern, values: dict[sp.Symbol, sp.Expr]) -> sp.Expr | None:
        """The definition's body at these index values, with the definitions now in scope put in (`\\gamma_m`
        defined after `c_{n,2m} = \\sin(n \\gamma_m)` in the same sentence); None when the body cannot be moved
        to other index values: it does not use its indices (`x_i = 3`, an example value) or hides one inside a
        name a new index would not reach (`y_i = W_{ij} x_j`)."""
        body = pattern.body
        if body.has(sp.nan):
            return None
        known = {s: self.decls.given[s.name] for s in body.free_symbols
                 if isinstance(s, sp.Symbol) and s not in pattern.letters
                 and isinstance(self.decls.given.get(s.name), sp.Expr)}
        body = body.xreplace(known)
        if not pattern.letters <= body.free_symbols or _hidden_indices(body, set(pattern.letters)):
            return None
        return body.xreplace(values)

    def is_indexed_use(self, low: Lowerer, node: Node) -> bool:
        """`p_{t+1,2k}` where `p_{t,2k}` is defined: a use at other index values, not a definition."""
        found = self.match_index(node)
        return bool(found) and any(k != v for k, v in found[1].items())

    def instantiate(self, nodes: list[Node]) -> dict[str, sp.Expr]:
        """Values of the indexed uses in a chain, from the indexed definitions in scope (by pattern); indexed
        uses that no definition fits are collected in `unusable`."""
        out: dict[str, sp.Expr] = {}
        self.unusable = set()
        if not self.patterns:
            return out
        low = self.lowerer()
        for n in walk(nodes):
            if n.kind != "sub":
                continue
            found = self.match_index(n)
            name = low.name_of(n)
            if found is None or name is None:
                continue
            if found is False:
                if name not in self.decls.given:
                    self.unusable.add(name)
                continue
            pattern, values = found
            out[name] = self._instance(pattern, values)
            self.defined_in.setdefault(name, pattern.span)
        return out

    def _poison(self, name: str) -> None:
        self.poisoned.add(name)
        self.decls.given.pop(name, None)
        self.shallow.pop(name, None)
        self.given_latex.pop(name, None)

    def _shallow_value(self, node: Node, deep: sp.Expr) -> sp.Expr:
        try:
            value = self.lowerer(shallow=True).expr(node)
        except Exception:  # noqa: BLE001 - the shallow reading is optional; the deep one stands
            return deep
        return value if isinstance(value, (sp.Expr, sp.MatrixBase)) else deep

    def _define_function(self, low: Lowerer, head: Node, body_node: Node, head_text: str, body_text: str,
                         when: int) -> bool:
        name = low.name_of(head.args[0])
        if name is None:
            return False
        param_names = [low.name_of(a[0]) or "" for a in split_arguments(head.args[1])]
        self.defined_at.setdefault(name, []).append(when)
        self.defined_in[name] = self.span
        for table in (self.decls.given_functions, self.decls.given, self.shallow_functions, self.shallow):
            table.pop(name, None)
        self.poisoned.discard(name)
        bodies = []
        for shallow in (False, True):
            # The parameters are variables inside the body, whatever value those letters had before.
            fresh = self.lowerer(set(param_names), shallow=shallow)
            params = tuple(fresh.decls.symbol(p) for p in param_names)
            try:
                body = fresh.expr(body_node)
            except Exception:  # noqa: BLE001 - an unreadable body makes the name ambiguous, not a crash
                body = None
            if not isinstance(body, sp.Expr) or any(getattr(f, "name", None) == name for f in body.atoms(sp.Function)):
                self._poison(name)
                return False
            bodies.append((params, body))
        self.decls.given_functions[name] = bodies[0]
        self.decls.given[name] = bodies[0][1]   # a bare `L` means `L[\phi]` in the notes
        self.shallow_functions[name] = bodies[1]
        self.shallow[name] = bodies[1][1]
        if head_text and body_text:
            self.given_latex[head_text] = body_text
            if len(param_names) == 1:
                self.given_latex[name] = body_text   # `\partial f / \partial x` differentiates f's formula
        return True

    def note_seen(self, values: list[sp.Expr]) -> None:
        for v in values:
            if isinstance(v, sp.MatrixBase):
                self.seen.update(symbol_names(v))
                continue
            self.seen.update(symbol_names(v))
            for su in v.atoms(sp.Sum):
                letters = {str(lim[0]) for lim in su.limits}
                for atom in su.atoms(sp.Indexed):
                    used = [str(i) for i in atom.indices if str(i) in letters]
                    if len(atom.indices) == 1 and used:
                        self.indexed.setdefault(str(atom.base.label), used[0])


@dataclass(frozen=True)
class IndexPattern:
    """One indexed definition: `p_{i,2j} = body` as index expressions (i, 2j) in the letters {i, j}."""

    parts: tuple[sp.Expr, ...]
    letters: frozenset[sp.Symbol]
    body: sp.Expr
    span: int

    def match(self, parts: list[sp.Expr]) -> dict[sp.Symbol, sp.Expr] | None:
        """Index values that make this definition's indices equal to `parts`, or None. A value must be a
        whole-number combination of the use's letters (`2j = 2k + 1` has none)."""
        if len(parts) != len(self.parts):
            return None
        dummies = {s: sp.Dummy(s.name) for s in self.letters}
        equations = [p.xreplace(dummies) - u for p, u in zip(self.parts, parts, strict=True)]
        try:
            solutions = sp.solve(equations, list(dummies.values()), dict=True)
        except (NotImplementedError, ValueError, TypeError):
            return None
        if len(solutions) != 1 or set(solutions[0]) != set(dummies.values()):
            return None
        values = {s: solutions[0][d] for s, d in dummies.items()}
        if not all(_whole_combination(v) for v in values.values()):
            return None
        return values


def _hidden_indices(body: sp.Expr, letters: set[sp.Symbol]) -> bool:
    """Does a letter occur inside the subscript of a plain symbol's name (`W_ij` for i)?"""
    names = {s.name for s in letters}
    for sym in body.free_symbols:
        _, _, script = getattr(sym, "name", "").partition("_")
        tokens = {t for t in "".join(c if c.isalpha() else " " for c in script).split()}
        if tokens & names or any(len(n) == 1 and n in script for n in names):
            return True
    return False


def _whole_combination(v: sp.Expr) -> bool:
    return all(c.is_Integer for c in sp.expand(v).as_coefficients_dict().values())


def index_parts(node: Node) -> tuple[str, list[sp.Expr]] | None:
    """`p_{i+1,2j}` -> ('p', [i + 1, 2j]); `a_{ij}` -> ('a', [i, j]); None if not an indexed name."""
    if node.kind != "sub" or node.args[0].kind != "name":
        return None
    base, script = node.args[0].args[0], node.args[1]
    while script.kind in ("group", "rows", "row") and len(script.args) == 1:
        script = script.args[0]
    if script.kind == "row":
        items = list(script.args)
    elif script.kind == "implicit" and all(a.kind == "name" and len(a.args[0]) == 1 for a in script.args):
        items = [a for x in script.args for a in (x, Node("comma", ()))][:-1]   # a_{ij}: two indices
    else:
        items = [script]
    parts: list[list[Node]] = [[]]
    for item in items:
        if item.kind == "comma":
            parts.append([])
        else:
            parts[-1].append(item)
    if any(len(p) != 1 for p in parts):
        return None
    reader = Lowerer(Declarations(), LoweringSettings(strict=True))
    try:
        values = [reader.expr(p[0]) for p in parts]
    except Exception:  # noqa: BLE001 - an index lint cannot read makes no indexed name
        return None
    if not all(isinstance(v, sp.Expr) and not v.atoms(sp.Indexed, sp.Function) for v in values):
        return None
    return base, values


def symbol_names(value: sp.Basic) -> set[str]:
    """Names of the free symbols of a value; an indexed x[i] counts as x and as x_i."""
    names = {str(s) for s in value.free_symbols if isinstance(s, sp.Symbol)}
    for atom in value.atoms(sp.Indexed):
        base = str(atom.base.label)
        names.add(base)
        names.update(f"{base}_{i}" for i in atom.indices)
    return names


@dataclass
class Facts:
    """Per chapter: data arrays seen indexed inside sums, and quantities that are sums over an index."""

    data: dict[str, set[str]] = field(default_factory=dict)
    sums: dict[str, set[str]] = field(default_factory=dict)
    setting: tuple[str, set[str]] | None = None   # "setting dQ/dv = 0" seen in the previous formula

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
from derive.lower.syntax import split_arguments
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
            self.shallow[name] = self._shallow_value(ops[body_index], body)
            literal = printed_decimals(ops[body_index]) if isinstance(body, sp.Expr) else None
            if literal is not None and "." in literal:
                self.rounded[name] = sp.Rational(5, 10 ** (len(literal.split(".", 1)[1]) + 1))
            if texts[body_index]:
                self.given_latex[name] = texts[body_index]
            else:
                self.given_latex.pop(name, None)
        return ambiguous

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

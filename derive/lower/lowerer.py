"""Syntax tree -> SymPy, under an exercise's declarations and one reader's settings.

How it composes (where to add a notation):

* Every node kind the parser produces (derive/parse/transformer.py) is lowered by one function
  `fn(low, node) -> value` in the construct module of its concept: atoms.py (numbers, names, words, accents,
  styles, brackets), arithmetic.py, scripts.py (sub/superscripts, primes), applications.py (calls, products,
  functions written before their operand; heads.py for the special heads), bigops.py (sums, products,
  integrals.py), matrices.py (environments, elided.py), with derivatives.py, index.py, components.py,
  expectation.py, argmin.py and matcalc.py as the helpers they share.
* `CONSTRUCTS` below is the one table {node kind: function}. A new notation is a function in the module
  of its concept plus one line here (and a test in tests/lower/). A construct module never imports this file
  at run time: it calls back through the `low` it receives (`low.expr(child)`, `low.name_of(node)`,
  `low.symbol(name)`, `low.operator(node)`, ...), so imports only go downward.
* Variants of the reading are settings, never subclasses: `Lowerer(decls, LoweringSettings(strict=True))`.
  A setting either swaps entries of the table (`constructs_for`: strict.py for lint's refusals, literals.py
  for printed decimals and bracket vectors) or is read where it matters (`poisoned` and `expand` in
  `symbol`, `bare_indicator_positive` in `condition`, `strict` in derivatives.py's numerator).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from types import MappingProxyType
from typing import Any

import sympy as sp
from sympy.matrices.exceptions import ShapeError

from derive.lower import (
    applications,
    arithmetic,
    atoms,
    bigops,
    literals,
    matrices,
    scripts,
    strict,
)
from derive.lower.errors import Ambiguous, LoweringError, MissingCondition, SizeMismatch, TooDeep
from derive.lower.functions import ALIASES, builtin_for
from derive.lower.index import lower_top, valued_label
from derive.lower.settings import DEFAULT, LoweringSettings
from derive.lower.syntax import (
    ACCENT_NAMES,
    canonical_script,
    script_inner,
    script_text,
    single_expression,
    single_item_or_rows,
    split_arguments,
)
from derive.parse.tree import Node, Statement, is_sep
from derive.spec.declarations import Declarations

Construct = Callable[[Any, Node], Any]   # (the Lowerer, a node of the construct's kind) -> its value

CONSTRUCTS: Mapping[str, Construct] = MappingProxyType({
    # atoms.py: numbers, names, words, accents and styles, bracketed values
    "number": atoms.number, "name": atoms.name, "infty": atoms.infty, "text": atoms.text, "bold": atoms.bold,
    "accent": atoms.accent, "style": atoms.style, "paren": atoms.paren, "group": atoms.paren,
    "abs": atoms.absolute, "norm": atoms.norm, "inner": atoms.inner, "floor": atoms.floor, "ceil": atoms.ceil,
    # arithmetic.py: signs, sums, products with an operator, fractions (and derivatives written as one), roots
    "pos": arithmetic.pos, "neg": arithmetic.neg, "add": arithmetic.add,
    "mul": arithmetic.mul, "div": arithmetic.div, "frac": arithmetic.frac, "binom": arithmetic.binom,
    "sqrt": arithmetic.sqrt, "root": arithmetic.root, "factorial": arithmetic.factorial,
    # scripts.py: powers, labels, transposes, components, indices, primes
    "sup": scripts.sup, "sub": scripts.sub, "prime": scripts.prime,
    # applications.py: head(args) and juxtaposition (functions, operators, products)
    "call": applications.call, "implicit": applications.implicit,
    # bigops.py: \sum, \prod, \int (integrals.py)
    "bigop": bigops.bigop,
    # matrices.py: cases and matrices (elided.py for matrices written with \dots)
    "env": matrices.env,
})

# Superscript marks of a distinguished value (an optimum, an adjoint): a name, never a power.
STAR_MARKS = frozenset({"*", "star", "ast"})

# Node kinds that are parts of a larger construct, read by their parent and never values by themselves:
# separators and rows, script lists, the pieces of a derivative, elisions, intervals and sets (conditions),
# a function name without its argument, an empty side, a subtracted term of a sum, the side `0^+` a limit
# approaches from; set operations, the empty set and a denied relation (`\neg`) are sets and conditions too.
PARTS = frozenset({
    "rows", "row", "rel", "amp", "comma", "semi", "mid", "period", "colon", "logic", "scripts", "partial", "minus",
    "partial_order", "top", "dots", "interval", "set", "func", "underset", "empty", "side", "setop", "emptyset",
    "not",
})

# strict.py: lint's reading, which refuses where the default one guesses.
STRICT: Mapping[str, Construct] = MappingProxyType({
    "text": strict.text, "implicit": strict.implicit, "sup": strict.sup, "call": strict.call,
    "sub": strict.sub, "frac": strict.frac, "prime": strict.prime, "bigop": strict.bigop,
})
# literals.py: printed decimals as recorded literals, `[a, b, c]` as a row vector.
LITERAL_DECIMALS: Mapping[str, Construct] = MappingProxyType({"number": literals.number})
BRACKET_VECTORS: Mapping[str, Construct] = MappingProxyType({"paren": literals.paren, "call": literals.call})


def constructs_for(settings: LoweringSettings) -> Mapping[str, Construct]:
    """The dispatch table of a reader with these settings (one per combination, built once)."""
    return _table(settings.strict, settings.literal_decimals, settings.bracket_vectors)


@cache
def _table(strict_reading: bool, literal_decimals: bool, bracket_vectors: bool) -> Mapping[str, Construct]:
    table = dict(CONSTRUCTS)
    if strict_reading:
        table.update(STRICT)
    if literal_decimals:
        table.update(LITERAL_DECIMALS)
    if bracket_vectors:
        table.update(BRACKET_VECTORS)
    return MappingProxyType(table)


@contextmanager
def reading_errors() -> Iterator[None]:
    """Around the outermost reading: whatever goes wrong inside SymPy or a construct is a LoweringError, so a
    caller handles one error type for any input (`\\sin(x = 1)` makes SymPy raise AttributeError). A time
    budget running out and memory running out are not readings that failed; they pass through, also when the
    budget's signal landed inside SymPy's C code and surfaced as a SystemError caused by it."""
    try:
        yield
    except (LoweringError, TimeoutError, MemoryError):
        raise
    except RecursionError:
        raise TooDeep("nested too deeply to read") from None
    except ShapeError as exc:
        raise SizeMismatch(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - the backstop: any other failure of a reading is a LoweringError
        budget = _budget_cause(exc)
        if budget is not None:
            raise budget from None
        if isinstance(exc, ValueError):
            raise LoweringError(str(exc)) from exc
        raise LoweringError(f"cannot read this ({type(exc).__name__}: {exc})") from exc


def _budget_cause(exc: BaseException) -> BaseException | None:
    """The budget's own exception behind `exc` (a TimeoutError, or an enclosing budget's BaseException)."""
    seen: set[int] = set()
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, (TimeoutError, MemoryError)) or not isinstance(cause, Exception):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


def is_label_list(script: Node) -> bool:
    """`^{(\\ell),(i)}`: labels in parentheses separated by commas (a layer and an example) name one quantity."""
    if script.kind != "group" or len(script.args[0].args) != 1:
        return False
    items = script.args[0].args[0].args
    labels, commas = items[0::2], items[1::2]
    return len(items) >= 3 and len(items) % 2 == 1 and all(c.kind == "comma" for c in commas) \
        and all(x.kind == "paren" and x.text == "(" for x in labels)


class Lowerer:
    """Reads syntax trees under `decls`; holds what one reading accumulates (bound indices, index values)."""

    def __init__(self, decls: Declarations, settings: LoweringSettings = DEFAULT) -> None:
        self.decls = decls
        self.settings = settings
        self.constructs = constructs_for(settings)
        self.bound: list[str] = []   # summation indices in scope, innermost last
        self.index_values: dict[str, int] = {}   # index letters read at one value (derive/lower/index.py)
        self.claim_letters: list[str] = []   # free index letters met on earlier sides of the claim
        # literal_decimals: the symbol standing for each printed decimal -> (its value, half a printed unit)
        self.literals: dict[sp.Symbol, tuple[sp.Rational, float]] = {}
        self.guessed_product = False   # strict: `n(n + 1)` was read as a product, so a failing step is not judged
        self._depth = 0

    # ------------------------------------------------------------ entry points
    def expr(self, node: Node) -> Any:
        """The value of `node`; raises only LoweringError (or a subclass) when it has none."""
        fn = self.constructs.get(node.kind)
        if fn is None:
            raise LoweringError(f"cannot give a meaning to {node.kind!r} here")
        self._depth += 1
        try:
            if self._depth > 1:
                return fn(self, node)
            with reading_errors():
                if self.decls.index_ranges:
                    value = lower_top(self, node, lambda n: fn(self, n))   # free indices with integer ranges
                else:
                    value = fn(self, node)
                return arithmetic.check_number_size(value)
        finally:
            self._depth -= 1

    def condition(self, items: list[Node]) -> sp.Basic:
        """`z > 0`, `\\text{if } x \\geq 0`, `x \\in [1, 3)`, `\\text{otherwise}` -> a SymPy boolean."""
        items = [self.strip_prose(i) for i in items]
        items = [i for i in items if i is not None]
        if len(items) == 1 and items[0].kind == "paren" and any(
                is_sep(i, "rel") for r in items[0].args[0].args for i in r.args):
            items = [i for r in items[0].args[0].args for i in r.args]   # `(z > 0)` in a case
        if not items:
            return sp.true
        if len(items) == 1 and items[0].kind == "not":   # `\neg (x > 1)`: the relation denied
            return sp.Not(self.condition([items[0].args[0]]))
        for word, combine in (("or", sp.Or), ("and", sp.And)):   # `x > 0 \wedge y > 0`; \vee binds less
            if any(is_sep(i, "logic") and i.args[0] == word for i in items):
                parts = [[]]
                for item in items:
                    if is_sep(item, "logic") and item.args[0] == word:
                        parts.append([])
                    else:
                        parts[-1].append(item)
                return combine(*(self.condition(p) for p in parts))
        if any(is_sep(i, "comma") for i in items):   # `x \geq 0, x \leq 1`: every clause holds
            parts: list[list[Node]] = [[]]
            for item in items:
                if is_sep(item, "comma"):
                    parts.append([])
                else:
                    parts[-1].append(item)
            return sp.And(*(self.condition(p) for p in parts if p))
        operands = [i for i in items if not is_sep(i)]
        rels = [i.args[0] for i in items if is_sep(i, "rel")]
        if not rels:
            if self.settings.bare_indicator_positive and len(operands) == 1:
                return sp.Gt(self.expr(operands[0]), 0)   # only to tell the reader what 1[z] > 0 would give
            raise MissingCondition("an indicator or case without a condition (no relation such as > 0)")
        if len(operands) != len(rels) + 1:
            raise LoweringError("cannot read the condition")
        clauses = []
        values = [self.expr(o) if o.kind != "interval" else o for o in operands]
        for (a, b), rel in zip(zip(values, values[1:], strict=False), rels, strict=True):
            clauses.append(self.relation(a, rel, b))
        return sp.And(*clauses)

    def statement_sides(self, st: Statement) -> list[Any]:
        return [self.expr(o) for o in st.operands]

    def operator(self, node: Node) -> Any:
        """A factor that acts on what follows (a derivative operator or a bare function name), else None."""
        return applications.operator(self, node)

    # ------------------------------------------------------------ conditions
    def strip_prose(self, node: Node) -> Node | None:
        """Drop `\\text{if }` / `\\text{otherwise}` words around a condition."""
        if node.kind == "text":
            return None
        if node.kind == "implicit":
            rest = [a for a in node.args if a.kind != "text"]
            if not rest:
                return None
            return rest[0] if len(rest) == 1 else Node("implicit", tuple(rest))
        return node

    def relation(self, a: Any, rel: str, b: Any) -> sp.Basic:
        if isinstance(b, Node) and b.kind == "interval":
            lo_hi = split_arguments(b.args[0])
            if len(lo_hi) != 2:
                raise LoweringError("an interval needs two ends")
            lo, hi = (self.expr(single_expression(Node("rows", (Node("row", tuple(x)),)))) for x in lo_hi)
            left, right = b.args[1]
            lower = a >= lo if left == "[" else a > lo
            upper = a <= hi if right == "]" else a < hi
            return sp.And(lower, upper)
        table = {"<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge, "=": sp.Eq, "!=": sp.Ne}
        if rel not in table:
            raise LoweringError(f"cannot use relation {rel!r} in a condition")
        return table[rel](a, b)

    def condition_items(self, script: Node) -> list[Node]:
        """The items of a subscript or bracket that holds a condition (`_{i=1}`, `\\{x > 0\\}`)."""
        node = script.args[0] if script.kind == "group" else script
        if node.kind == "rows":
            node = single_item_or_rows(node)
        if isinstance(node, Node) and node.kind == "set":
            node = node.args[0]
        if isinstance(node, Node) and node.kind == "rows":
            return [i for r in node.args for i in r.args]
        return [node]

    # ------------------------------------------------------------ names
    def name_of(self, node: Node) -> str | None:
        """The canonical name of a name-like node (`\\phi_0` -> 'phi_0'), else None."""
        k = node.kind
        if k == "name":
            return node.args[0]
        if k == "bold":
            inner = node.args[0]
            try:
                return self.name_of(single_expression(inner))
            except LoweringError:
                return None
        if k == "accent":
            try:
                base = self.name_of(single_expression(node.args[1]))
            except LoweringError:
                return None
            return f"{ACCENT_NAMES.get(node.args[0], node.args[0])}_{base}" if base else None
        if k == "text":
            # `\text{sig}` names a function; `\text{ parameters}` is prose.
            word = node.args[0]
            if not word.replace("_", "").isalnum():
                return None
            known = builtin_for(word) or word in self.decls.assumptions or word in self.decls.functions
            known = known or any(a.startswith(f"{word.lower()}_") for a in ALIASES)  # \text{Bessel}_0
            return word if known or word in self.decls.given or len(word) <= 5 else None
        if k == "func":
            return node.args[0]
        if k == "style":
            try:
                inner = single_expression(node.args[1])
            except LoweringError:
                return None
            base = inner.args[0] if inner.kind == "number" else self.name_of(inner)
            return f"{node.args[0].replace('math', '')}_{base}" if base else None
        if k == "sub":
            base = self.name_of(node.args[0])
            return f"{base}_{canonical_script(node.args[1])}" if base else None
        if k == "prime":   # y'' is the name y_prime_prime, as y' is y_prime
            base = self.name_of(node.args[0])
            return f"{base}_prime" if base else None
        if k == "sup" and self.is_label(node.args[1]):
            base = self.name_of(node.args[0])
            label = script_text(node.args[1]).strip('()')
            if label in STAR_MARKS:
                label = "star"   # w^*, w^{\ast} and w^\star are one name, w^star (as a spec may spell it)
            if self.index_values:   # h^{(t-1)} at t = 2 is h^1; a^{(\ell),(i)} at i = 2 is a^ell,2
                label = ",".join(valued_label(self, part) for part in label.split(","))
            return f"{base}^{label}" if base else None
        return None

    def is_label(self, script: Node) -> bool:
        """`^{(\\ell)}`, `^{\\text{H}}`, `^{\\mathcal{O}}` name a layer; they are not powers."""
        inner = script_inner(script)
        if inner is None:
            return is_label_list(script)
        if inner.kind == "paren" and inner.text == "(":
            return True
        if inner.kind in ("text", "style"):
            return True
        if inner.kind == "name" and inner.args[0] in STAR_MARKS:   # w^*, \theta^\star: an optimum, no power
            return True
        if inner.kind == "name" and inner.args[0] in self.decls.labels:
            return True
        return False

    def is_transpose(self, script: Node) -> bool:
        inner = script_inner(script)
        if inner is None:
            return False
        return inner.kind == "top" or (inner.kind == "name" and inner.args[0] == "T")

    def indexed_base(self, name: str) -> sp.IndexedBase:
        """The data array `name`, with the sign its declaration gives (`p: {indexed: i, positive: true}`), so that
        its entries are sampled with that sign and SymPy knows it (log of a product of positive entries)."""
        flags = {k: True for k in ("positive", "nonnegative", "negative")
                 if self.decls.assumptions.get(name, {}).get(k)}
        return sp.IndexedBase(name, real=True, **flags) if flags else sp.IndexedBase(name)

    def labelled_indexed(self, node: Node) -> sp.Expr | None:
        """`w_{1,i}^{2,0}` for a base declared in `labels:`: the superscript indexes (layer, unit), it is
        no power; the quantity is w[2, 0, 1, i] (superscript indices first), so sums over i bind it."""
        if node.kind != "sup" or node.args[0].kind != "sub":
            return None
        base_name = self.name_of(node.args[0].args[0])
        if base_name is None or base_name not in self.decls.labels:
            return None
        indices = self.index_letters(node.args[1]) + self.index_letters(node.args[0].args[1])
        return sp.IndexedBase(base_name)[tuple(indices)]

    def function(self, name: str | None) -> Callable[[list[Any]], Any] | None:
        """The function a name stands for (declared, given as `f[x] = ...`, or built in), else None."""
        if name is None:
            return None
        if name in self.decls.functions:
            return self.decls.functions[name]
        if "^" in name and name.split("^", 1)[0] in self.decls.functions:
            return self.decls.functions[name.split("^", 1)[0]]   # \sigma^{(\ell)}: the layer's sigma
        if name in self.decls.given_functions:
            params, body = self.decls.given_functions[name]

            def apply(args, params=params, body=body, name=name):
                if len(args) != len(params):
                    raise LoweringError(f"{name} takes {len(params)} arguments, got {len(args)}")
                return body.xreplace(dict(zip(params, args, strict=True)))

            return apply
        if name in self.decls.assumptions or name in self.decls.given:
            return None
        return builtin_for(name.replace("\\", ""))

    def symbol(self, name: str) -> Any:
        """The value of a name: a constant, a given quantity (unless `expand` is off), e, pi, or a symbol."""
        if name in self.settings.poisoned:
            raise Ambiguous(f"{name} has an ambiguous definition here")
        if not self.settings.expand and name in self.decls.given and name not in self.decls.assumptions:
            return self.decls.symbol(name)
        name = self.declared_name(name)
        if name in self.decls.constants:
            return self.decls.constants[name]
        if name not in self.decls.assumptions and name not in self.decls.given:
            if name == "e":
                return sp.E
            if name == "pi":
                return sp.pi
        if name in self.decls.given and name not in self.decls.assumptions:
            return self.decls.given[name]
        return self.decls.symbol(name)

    def declared_name(self, name: str) -> str:
        """`a^{(\\ell-1)}`, `w_{t+1}`, `w_*` are declared as a^ellm1, w_tp1, w_star (names hold no - + *):
        the declared spelling of a name when there is one, else the name as written."""
        if not any(c in name for c in "-+*"):
            return name
        alias = name.replace("-", "m").replace("+", "p").replace("*", "star")
        d = self.decls
        if alias in d.constants or alias in d.given or alias in d.assumptions:
            return alias
        return name

    def index_letters(self, script: Node) -> list[sp.Expr]:
        raw = script_text(script)
        parts = raw.split(",") if "," in raw else (list(raw) if raw.isalnum() else [raw])
        if raw in self.bound and len(raw) > 1:
            parts = [raw]   # `n_\ell` summed over \ell: one index named ell, not e, l, l
        out: list[sp.Expr] = []
        for p in parts:
            if p.isdigit():
                out.append(sp.Integer(int(p)))
            elif p in self.index_values:
                out.append(sp.Integer(self.index_values[p]))
            elif p.isidentifier():
                out.append(self.decls.symbol(p))
            else:
                inner = script.args[0] if script.kind == "group" else script
                out.append(self.expr(single_expression(inner)) if script.kind == "group" else self.expr(inner))
        return out

    def script_value(self, script: Node) -> Any:
        if script.kind == "group":
            return self.expr(single_expression(script.args[0]))
        return self.expr(script)

    def argument(self, items: list[Node]) -> Any:
        """One argument of a function (`f(x)`), or a condition (`\\Pr(y = 1)`)."""
        if len(items) == 1:
            return self.expr(items[0])
        if any(is_sep(i, "rel") for i in items):
            return self.condition(items)
        raise LoweringError("cannot read a function argument")

    # ------------------------------------------------------------ scope
    @contextmanager
    def hiding(self, name: str | None) -> Iterator[None]:
        """Read with `name` a free variable (a summation index, the variable of an integral or a limit):
        a value given to it earlier must not leak in."""
        hidden = self.decls.given.pop(name, None) if name else None
        try:
            yield
        finally:
            if hidden is not None:
                self.decls.given[name] = hidden

    def fresh(self, decls: Declarations | None = None) -> Lowerer:
        """A new default reader, nothing bound, over `decls` (else the same declarations)."""
        return Lowerer(self.decls if decls is None else decls)

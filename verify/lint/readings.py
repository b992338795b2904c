"""Other ways to read a step that failed as written, and reasons to hold back a finding.

Lint reports a step only if it fails in every reading it can form. Some readings are computed
(positive letters, `\\log` in another base, defined names as plain symbols, superscripts as
powers, definitions substituted inside a derivative chain); others are notation lint cannot
read at all (vectors, a lone equation, a letter met nowhere else, a guessed product), for which
the step is skipped outright. After a step has failed everywhere, `withheld` still holds the
finding back when the letters it relies on may not mean what lint took them to mean.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sympy as sp

import verify.lint.steps as judge
from derive.lower.lowerer import Lowerer
from derive.lower.syntax import has_derivative, walk
from derive.parse.tree import Node, Statement
from verify.lint.lowering import operand_value
from verify.lint.scope import Scope, symbol_names
from verify.lint.syntax import has_kind, has_transpose, used_names

# A definition stays in force for a finding only this many math spans after it.
DEFINITION_REACH = 6
# Decorations and letters that usually carry a meaning of their own (a mean, an estimate, a spread):
# undefined, they make an identity about them undecidable (`\frac1n \sum (x_i - \bar x)^2 = ...`).
_IMPLIED_PREFIXES = ("bar_", "hat_", "tilde_", "check_", "dot_", "ddot_")
_IMPLIED_NAMES = ("mu", "sigma", "Sigma", "var", "Var", "E")


@dataclass
class Step:
    """One '=' step and what it was read with."""

    a: sp.Expr
    b: sp.Expr
    st: Statement
    j: int
    low: Lowerer
    shallow: Lowerer
    variables: set[str]
    scope: Scope
    labels: frozenset[str]

    @property
    def sides(self) -> tuple[Node, Node]:
        return self.st.operands[self.j], self.st.operands[self.j + 1]


def readings(step: Step) -> Iterator[judge.Reading]:
    """Why a step that fails as written may still be right, cheapest first (lazily formed)."""
    a, b = step.a, step.b
    left, right = step.sides
    if (has_kind(left, right, kinds={"bold", "top", "env", "norm"}) or has_transpose(left, right)) \
            and not _matrices_all_known(step):
        yield "vector-notation", judge.ALWAYS   # scalar reading of vectors/matrices is not reliable
        return
    if len(step.st.operands) == 2 and not has_derivative(left, right):
        yield "equation", judge.ALWAYS   # a lone `A = B` may be an equation to solve, not an identity
        return
    if step.low.guessed_product:
        yield "call-or-product", judge.ALWAYS   # `n(n+1)` read as a product; it might be a function
        return
    if novel_symbols(step):
        yield "unknown-symbol", judge.ALWAYS   # `D_x f = f_x`: notation with no meaning given here
        return
    if explicit_entries(a, b):
        yield "explicit-entries", judge.ALWAYS   # `x_1^2 + x_2^2 = \sum_i x_i^2`: the range is implied
        return
    yield "domain", lambda: judge.positive_reading(a, b)
    yield from judge.sum_to_one_readings(a, b)
    for pair in judge.log_base_readings(a, b):
        yield "log-base", lambda pair=pair: pair
    yield "shallow-reading", lambda: (operand_value(step.shallow, left), operand_value(step.shallow, right))
    if step.labels and _has_label_script(left, right, labels=step.labels):
        powered = step.scope.lowerer(step.variables, powers=True)
        yield "powers", lambda: (operand_value(powered, left), operand_value(powered, right))
    if step.variables:
        # `\cos(u) \cdot 2x = 2x \cos(x^2)` in a chain that differentiates by u = x^2: outside
        # the derivatives, u may stand for its definition
        full = step.scope.lowerer()
        yield "substituted", lambda: (operand_value(full, left), operand_value(full, right))


def withheld(names: set[str], scope: Scope) -> str | None:
    """Why a step that fails in every reading is still not reported, or None."""
    if names & scope.existential:
        return "existential"   # `(x - a) f'(\alpha)` with `for some \alpha`: a particular alpha
    defined = {n: scope.defined_in[n] for n in names if n in scope.defined_in
               and (n in scope.decls.given or n in scope.decls.given_functions)}
    if any(scope.span - at > DEFINITION_REACH for at in defined.values()):
        # `For instance, f(x) = x^2/2 ...` paragraphs before a chain about any f: the example's
        # definition may no longer be meant
        return "distant-definition"
    implied = {n for n in names if n not in scope.decls.given and n not in scope.decls.given_functions
               and (n.startswith(_IMPLIED_PREFIXES) or n.split("_", 1)[0].split("^", 1)[0] in _IMPLIED_NAMES)}
    if implied:
        return "implied-meaning"
    return None


def novel_symbols(step: Step) -> set[str]:
    """One-sided letters met nowhere else in the section that multiply a whole side (`D_x f`, `f_x`):
    notation (an operator, a subscript for a derivative), not a quantity that was left out."""
    a, b = step.a, step.b
    one_sided = (symbol_names(a) - symbol_names(b)) & _top_factors(a) | \
        (symbol_names(b) - symbol_names(a)) & _top_factors(b)
    if not one_sided:
        return set()
    others: set[str] = set()
    for k, op in enumerate(step.st.operands):
        if k not in (step.j, step.j + 1):
            others |= used_names(step.low, op)
    return {s for s in one_sided if s not in step.scope.seen and s not in others}


def explicit_entries(a: sp.Expr, b: sp.Expr) -> bool:
    """`x_1`, `x_2` written out next to a sum over x_i: the sum's range is the written entries', which
    lint cannot know (and x_1 is not the entry x[1] of the sum to it)."""
    summed = {str(atom.base.label) for e in (a, b) for su in e.atoms(sp.Sum) for atom in su.atoms(sp.Indexed)}
    written = {str(s).split("_", 1)[0] for e in (a, b) for s in e.free_symbols
               if isinstance(s, sp.Symbol) and "_" in str(s) and str(s).split("_", 1)[1][:1].isdigit()}
    return bool(summed & written)


def names_a_new_quantity(a: sp.Expr, b: sp.Expr) -> bool:
    """One side is a lone symbol the other side does not contain: a definition or an equation, never
    an identity (the comparison could only fail)."""
    return any(isinstance(x, (sp.Symbol, sp.Indexed)) and not y.has(x) for x, y in ((a, b), (b, a)))


def _matrices_all_known(step: Step) -> bool:
    """Both sides are matrices, and every bold or transposed name in them is a matrix defined in scope:
    then nothing was read as a scalar that is a vector."""
    if not (isinstance(step.a, sp.MatrixBase) and isinstance(step.b, sp.MatrixBase)):
        return False
    given = step.scope.decls.given
    for n in walk(step.sides):
        target = n.args[0] if n.kind == "sup" and has_transpose(n) else n if n.kind == "bold" else None
        if target is None or target.kind in ("env", "paren", "group"):
            continue
        name = step.low.name_of(target)
        if name is None or not isinstance(given.get(name), sp.MatrixBase):
            return False
    return True


def _has_label_script(*nodes: Node, labels: frozenset[str]) -> bool:
    return any(n.kind == "sup" and any(x.kind == "name" and x.args[0] in labels for x in walk(n.args[1]))
               for node in nodes for n in walk(node))


def _top_factors(v: sp.Expr) -> set[str]:
    """Names of the symbols that multiply the whole of `v` (as factors or powers)."""
    factors = v.args if isinstance(v, sp.Mul) else (v,)
    out: set[str] = set()
    for f in factors:
        base = f.base if isinstance(f, sp.Pow) else f
        if isinstance(base, (sp.Symbol, sp.Indexed)):
            out.update(symbol_names(base))
    return out

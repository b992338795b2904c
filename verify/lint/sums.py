"""Free indices: `x_i` written outside any sum in an equation about a quantity that sums over i.

This is the one ill-posed finding lint makes. It needs three facts from the same chapter, each
read from the notes themselves: x is a data array (seen as x_i inside a sum over i), the quantity
Q is a sum over i (`L = \\sum_i ...` or `\\partial L / \\partial v = \\sum_i ...`), and the formula is
about the derivative of Q by a variable that carries no i (it writes it, or the previous formula
said "setting it to zero"). Then a bare x_i has no meaning: the sum was dropped.
"""

from __future__ import annotations

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.tree import Node
from verify.lint.scope import Facts, ValueOf
from verify.lint.syntax import derivative_quantity, derivative_variables


def note_sum_facts(low: Lowerer, ops: list[Node], value: ValueOf, facts: Facts) -> None:
    """Remember data arrays (x_i inside a sum over i) and quantities stated to be sums over i."""
    for j in range(len(ops)):
        v = value(j)
        if isinstance(v, LoweringError) or not isinstance(v, sp.Expr):
            continue
        for s in v.atoms(sp.Sum):
            letters = {str(lim[0]) for lim in s.limits}
            for atom in s.atoms(sp.Indexed):
                used = {str(i) for i in atom.indices} & letters
                if used:
                    facts.data.setdefault(str(atom.base.label), set()).update(used)
    for j, op in enumerate(ops[:-1]):
        quantity = derivative_quantity(low, op) or (low.name_of(op) if j == 0 else None)
        if quantity is None:
            continue
        nxt = value(j + 1)
        if isinstance(nxt, LoweringError) or not isinstance(nxt, sp.Expr):
            continue
        summed = _sum_of(nxt)
        if summed is not None:
            facts.sums.setdefault(quantity, set()).update(str(lim[0]) for lim in summed.limits)
        elif nxt == 0 and derivative_quantity(low, op) in facts.sums:
            facts.setting = (quantity, facts.sums[quantity])
        elif j == 0 and derivative_quantity(low, op) is None:
            facts.sums.pop(quantity, None)   # redefined without a sum: no longer a sum over i


def _sum_of(value: sp.Expr) -> sp.Sum | None:
    if isinstance(value, sp.Sum):
        return value
    if isinstance(value, sp.Mul):
        return next((a for a in value.args if isinstance(a, sp.Sum)), None)
    return None


def free_index(low: Lowerer, ops: list[Node], value: ValueOf, facts: Facts) -> tuple[str, str, list[str]] | None:
    """(quantity, index letter, free names) when the chain writes a summed index free, else None."""
    if not facts.sums or not facts.data:
        return None
    derived = [q for op in ops if (q := derivative_quantity(low, op)) in facts.sums]
    context = facts.setting if facts.setting else ((derived[0], facts.sums[derived[0]]) if derived else None)
    if context is None:
        return None
    quantity, letters = context
    # `\partial L / \partial x_i = ...` differentiates by an indexed variable: i is rightly free there
    # (the left side decides; `\partial J / \partial z_i` later in a chain for w_j does not).
    variables = derivative_variables(ops[:1], low)
    letters = {x for x in letters if not any(v.rpartition("_")[2] == x for v in variables)}
    free: set[str] = set()
    for j in range(len(ops)):
        v = value(j)
        if isinstance(v, LoweringError) or not isinstance(v, sp.Expr):
            continue
        for s in v.free_symbols:
            base, _, idx = str(s).rpartition("_")
            if base in facts.data and idx in letters and idx in facts.data[base]:
                free.add(str(s))
    if not free:
        return None
    return quantity, sorted(letters & {str(s).rpartition("_")[2] for s in free})[0], sorted(free)

"""Entries of concrete vectors and matrices: `z_2`, `w_{12}`, `softmax(z)_i`, `z_j^{(\\ell)}`, `\\|v\\|_p`, `y_j` at j = 2.

A quantity with concrete entries (numbers under `given:`, or a declared `shape:` instantiated by matcalc.py)
is read entry by entry; index letters with integer ranges take their values (index.py), and a letter without
a value raises UnboundIndex so that the side is read over the letter's range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.atoms import subscripted_norm
from derive.lower.errors import LoweringError
from derive.lower.index import component_indices, kronecker, require_values, script_letters, valued_name
from derive.lower.syntax import canonical_script
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer


def lower_subscript(low: Lowerer, node: Node) -> Any:
    """The readings of `base_{script}` on concrete sizes, or None to leave the subscript to the usual rules."""
    base, script = node.args
    if base.kind == "norm":
        return subscripted_norm(low, base, script)
    if base.kind in ("call", "paren") and (value := _matrix_value(low, base)) is not None:
        return component(low, "(...)", value, script)   # softmax(z)_i, (W x)_j
    if base.kind == "prime":   # z'_i: the vector z' (given as z_prime)
        inner = low.name_of(base.args[0])
        if inner is None:
            return None
        name = f"{inner}_prime"
        concrete = low.decls.constants.get(name, low.decls.given.get(name))
        if isinstance(concrete, sp.MatrixBase):
            return component(low, name, concrete, script)
        plain = _plain(low, name, script)
        return plain if plain is not None else low.symbol(f"{name}_{canonical_script(script)}")
    name = low.name_of(base)
    if name is None:
        return None
    if (delta := kronecker(low, name, script)) is not None:
        return delta
    decls = low.decls
    concrete = decls.constants.get(name, decls.given.get(name))
    if isinstance(concrete, sp.MatrixBase) or name in decls.indexed:
        return None
    if base.kind == "style" and base.args[0] in ("mathbb", "mathbbm"):
        return None
    return _plain(low, name, script)


def _plain(low: Lowerer, name: str, script: Node) -> Any:
    """`y_j` with j = 2 -> the symbol y_2; a letter with an integer range but no value -> UnboundIndex."""
    renamed = valued_name(low, name, script)
    if renamed is not None:
        return low.symbol(renamed)
    if low.decls.index_ranges and script_letters(script) != [name]:
        require_values(low, script, f"{name}_{{{''.join(script_letters(script))}}}")
    return None


def _matrix_value(low: Lowerer, node: Node) -> sp.MatrixBase | None:
    try:
        value = low.expr(node)
    except (LoweringError, ValueError, TypeError):
        return None
    return value if isinstance(value, sp.MatrixBase) else None


def component(low: Lowerer, name: str, matrix: sp.MatrixBase, script: Node) -> sp.Expr:
    """Entry `name_{script}` of a concrete vector or matrix (1-based; letters take their values)."""
    idx = component_indices(low, name, script_letters(script))
    if matrix.shape[1] == 1 and len(idx) == 1:
        idx.append(0)
    elif matrix.shape[0] == 1 and len(idx) == 1:
        idx.insert(0, 0)
    if len(idx) != 2 or not (0 <= idx[0] < matrix.shape[0] and 0 <= idx[1] < matrix.shape[1]):
        raise LoweringError(f"component {name}_{{{''.join(script_letters(script))}}} outside the concrete "
                            f"size {matrix.shape}")
    return matrix[idx[0], idx[1]]


def entry(low: Lowerer, name: str, matrix: sp.MatrixBase, script: Node) -> sp.Expr:
    """`z_2`, `w_{12}` of a matrix given concrete sizes; without index ranges a letter cannot be instantiated."""
    if low.decls.index_ranges or low.index_values:
        return component(low, name, matrix, script)   # letters with values (p_i at i = 2)
    raw = canonical_script(script)
    parts = raw.split(",") if "," in raw else list(raw)
    if not all(p.isdigit() for p in parts):
        letter = next(p for p in parts if not p.isdigit())
        raise LoweringError(f"component {name}_{{{raw}}} with a symbolic index of a quantity checked "
                            f"on concrete sizes (declare its range: `{letter}: {{range: [1, {matrix.shape[0]}]}}`)")
    idx = [int(p) - 1 for p in parts]
    if matrix.shape[1] == 1 and len(idx) == 1:
        idx.append(0)
    if len(idx) != 2 or not (0 <= idx[0] < matrix.shape[0] and 0 <= idx[1] < matrix.shape[1]):
        raise LoweringError(f"component {name}_{{{raw}}} outside the concrete size {matrix.shape}")
    return matrix[idx[0], idx[1]]


def labelled_component(low: Lowerer, node: Node) -> sp.Expr | None:
    """`z_j^{(\\ell)}`, `W_{jk}^{(\\ell)}`: an entry of the concrete quantity z^{(\\ell)} (declared z^ell)."""
    sub, label = node.args
    base = low.name_of(sub.args[0])
    if base is None:
        return None
    whole = low.name_of(Node("sup", (sub.args[0], label)))
    if whole is None:
        return None
    try:
        value = low.symbol(whole)
    except LoweringError:
        return None
    if not isinstance(value, sp.MatrixBase):
        return None
    return component(low, whole, value, sub.args[1])

"""Scripts: powers, transposes and layer labels (`x^2`, `W^T`, `h^{(\\ell)}`), subscripts (names, components,
data arrays, indicators: `\\phi_0`, `z_2`, `x_i`, `\\mathbb{1}_{z > 0}`) and primes (`z'`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from derive.lower.applications import acting_operator, application, indicator_value, is_limit, limit
from derive.lower.arithmetic import MAX_NUMBER_BITS, number_bits
from derive.lower.components import entry, labelled_component, lower_subscript
from derive.lower.errors import LoweringError, TooLarge
from derive.lower.syntax import canonical_script, script_inner, script_text, times
from derive.parse.tree import Node

if TYPE_CHECKING:
    from derive.lower.lowerer import Lowerer

# A power of a symbol is harmless at any size ((x - a)^{6000} is evaluated by mpmath); a power of a number is
# capped by the size of the exact result instead (arithmetic.MAX_NUMBER_BITS).
MAX_EXPONENT = 10**6


def sup(low: Lowerer, node: Node) -> Any:
    base, script = node.args
    applied = None   # the value of base when it is an application head(...), computed once
    if base.kind == "call" and not low.is_label(script):
        head, rows = base.args
        if is_limit(head):   # \lim_{n \to \infty}(1 + 1/n)^n: the limit of the power
            return limit(low, head.args[1], [Node("sup", (Node("paren", (rows,), text="("), script))])
        if not low.is_label(script) and (act := acting_operator(low, head)) is not None:
            # \frac{\partial}{\partial w}(wx - y)^2 differentiates the square, as it does in print
            return act(low.expr(Node("sup", (Node("paren", (rows,), text="("), script))))
        # x(1-x)^2 is x * (1-x)^2 and \delta (\mathbf{a})^\top is \delta * (\mathbf{a})^\top: the script
        # binds to the last group unless head(...) is an application
        applied = application(low, base)
        if applied is None:
            head, rows = base.args
            group = low.expr(Node("sup", (Node("paren", (rows,)), script)))
            return times(low.expr(head), group) if low.is_transpose(script) else low.expr(head) * group
    if low.is_transpose(script):
        value = applied if applied is not None else low.expr(base)
        if isinstance(value, sp.MatrixBase):
            return value.T
        if not low.decls.assumptions.get("T", {}).get("integer") or "T" in low.decls.given:
            return value
        # a number to the power of a count T (`\gamma^T` beside `\sum_{t=0}^{T-1} \gamma^t`): a power
    labelled = low.labelled_indexed(node)
    if labelled is not None:
        return labelled
    if (power := _constant_power(low, base, script)) is not None:
        return power
    inner = script_inner(script)
    if inner is not None and inner.kind == "name" and inner.args[0] == "circ":
        return low.expr(base) * sp.pi / 180   # 30^\circ: degrees, in the radians trigonometric functions take
    if low.is_label(script):
        if base.kind == "sub" and (low.decls.constants or low.decls.given):
            entry_value = labelled_component(low, node)   # z_j^{(\ell)} of a concrete z^{(\ell)}
            if entry_value is not None:
                return entry_value
        if base.kind == "sub" and uses_bound_index(low, base.args[1]):
            # a_j^{(\ell-1)} inside \sum_j: the j-th entry of a^{(\ell-1)}, which the sum runs over -- as x_j is
            stem = low.name_of(Node("sup", (base.args[0], script)))
            if stem is not None:
                return sp.IndexedBase(stem)[tuple(low.index_letters(base.args[1]))]
        name = low.name_of(node)
        if name is None:
            raise LoweringError("superscript label on an expression")
        return low.symbol(name)
    if base.kind == "func":
        raise LoweringError(f"\\{base.args[0]} with a power needs an argument")
    exponent = low.script_value(script)
    if exponent.is_number and exponent.is_finite and abs(exponent) > MAX_EXPONENT:
        raise TooLarge(f"exponent {exponent} is larger than {MAX_EXPONENT}")
    value = applied if applied is not None else low.expr(base)
    if isinstance(value, sp.Rational) and exponent.is_number and exponent.is_finite \
            and number_bits(value) * abs(exponent) > MAX_NUMBER_BITS:
        raise TooLarge("a power with too many digits to compute exactly")   # (10^{1000})^{1000}
    if isinstance(value, sp.MatrixBase):
        return value ** exponent
    if isinstance(value, sp.Abs) and exponent.is_integer and exponent.is_even:
        return sp.Pow(value.args[0], exponent)   # |v|^2 = v^2: quantities are real (data arrays too)
    return sp.Pow(value, exponent)


def sub(low: Lowerer, node: Node) -> Any:
    base, script = node.args
    if base.kind == "sup" and not low.is_label(base.args[1]):
        # x^2_i: the subscript belongs to x, the power to the whole.
        inner = Node("sub", (base.args[0], script), text=node.text)
        return low.expr(Node("sup", (inner, base.args[1])))
    if low.decls.index_ranges or base.kind in ("norm", "call", "prime", "paren") or low.index_values:
        special = lower_subscript(low, node)   # p-norms, softmax(z)_i, delta_ij, y_j at j=2
        if special is not None:
            return special
    if base.kind in ("paren", "norm", "abs"):
        return low.expr(base)  # `(...)_2`, `\|v\|_2`: the subscript only qualifies the norm
    base_name = low.name_of(base)
    if base_name is None:
        raise LoweringError("subscript on an expression")
    if base.kind == "style" and base.args[0] in ("mathbb", "mathbbm") and base_name.endswith(("_1", "_I")):
        return indicator_value(low, low.condition_items(script))   # 1[f > 0] of a vector is a vector of indicators
    concrete = low.decls.constants.get(base_name, low.decls.given.get(base_name))
    if isinstance(concrete, sp.MatrixBase) and f"{base_name}_{canonical_script(script)}" not in low.decls.given:
        return entry(low, base_name, concrete, script)
    if base_name in low.decls.indexed or uses_bound_index(low, script):
        indices = low.index_letters(script)
        declared = low.decls.indexed.get(base_name, ())
        if len(declared) == 1 and len(indices) > 1 and script_text(script)[:1].isdigit():
            indices = [low.script_value(script)]   # x_{2i} of a one-index array: entry 2i, not x[2, i]
        return low.indexed_base(base_name)[tuple(indices)]
    return low.symbol(f"{base_name}_{canonical_script(script)}")


def uses_bound_index(low: Lowerer, script: Node) -> bool:
    """Whether a subscript holds a letter of an enclosing symbolic sum (`x_i` inside `\\sum_i`)."""
    raw = script_text(script)
    letters = set(raw.split(",")) | set(raw)
    return any(b in letters for b in low.bound)


def prime(low: Lowerer, node: Node) -> Any:
    name = low.name_of(node)
    if name is None:
        raise LoweringError("prime on an expression")
    return low.symbol(name)


def _constant_power(low: Lowerer, base: Node, script: Node) -> Any:
    """`\\mathrm{i}^{\\mathrm{i}}`, `e^{\\mathrm{i}}`, `2^{\\mathrm{e}}`: an upright i or e over a number is a power of the
    imaginary unit or of Euler's number. Over a name it stays a label (`h^{\\mathrm{e}}`, an encoder's state)."""
    inner = script_inner(script)
    if inner is None or inner.kind != "text" or low.name_of(inner) not in ("i", "e") \
            or low.name_of(inner) in low.decls.given or low.name_of(inner) in low.decls.labels:
        return None
    try:
        value = low.expr(base)
    except LoweringError:
        return None
    if not isinstance(value, sp.Expr) or not value.is_number:
        return None
    return value ** low.expr(inner)

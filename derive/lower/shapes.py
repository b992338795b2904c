"""Matrix sizes: infer the size of quantities and of their derivatives (size claims: verify/claims/shape.py).

A size claim (`kind: shape`) reads `<quantity> : D_2 \\times D_3` or `<quantity> \\rightarrow (D_i \\times 1)`.
Sizes of the primitive quantities are declared (`symbols: {Omega_1: {shape: [D_2, D_1]}}`; `[D]` is a
column vector, `[]` a scalar); the sizes of defined quantities are inferred from their `given:`
definitions (sums must agree, products chain, activations act elementwise, `^T` transposes). The size of
`\\partial A / \\partial B` follows the exercise's `layout:` (denominator: rows follow B, as in Prince's
book; numerator: rows follow A).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.lower.syntax import single_expression
from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Node
from derive.spec.declarations import Declarations

Shape = tuple[sp.Expr, sp.Expr]
LAYOUTS = ("denominator", "numerator")
SCALAR: Shape = (sp.Integer(1), sp.Integer(1))


class ShapeError(ValueError):
    """A size that cannot be inferred (-> unverified) or an inconsistent expression (-> ill-posed)."""

    def __init__(self, message: str, *, ill_posed: bool = False) -> None:
        super().__init__(message)
        self.ill_posed = ill_posed


def fmt(shape: Shape) -> str:
    return f"{shape[0]} x {shape[1]}"


class ShapeInference:
    def __init__(self, decls: Declarations, given_text: dict[str, Any], layout: str | None) -> None:
        self.decls = decls
        self.low = Lowerer(decls)
        self.given_text = given_text
        self.layout = layout
        self._busy: set[str] = set()

    # ------------------------------------------------------------ quantities
    def of_name(self, name: str) -> Shape:
        name = self.low.declared_name(name)   # A^{(\ell-1)} is declared as A^ellm1, as the lowerer reads it
        if name in self.decls.shapes:
            return self.decls.shapes[name]
        text = self.given_text.get(name)
        if isinstance(text, list) and text:   # given as numbers: a column [..] or a matrix [[..], ..]
            cols = len(text[0]) if isinstance(text[0], list) else 1
            return sp.Integer(len(text)), sp.Integer(cols)
        if isinstance(text, str) and name not in self._busy:
            self._busy.add(name)
            try:
                formula = parse_latex(text)
                return self.of(formula.statements[0].operands[0])
            except (LatexParseError, IndexError) as exc:
                raise ShapeError(f"cannot read the definition of {name}: {exc}") from None
            finally:
                self._busy.discard(name)
        raise ShapeError(f"the size of {name} is neither declared (symbols: shape) nor defined")

    def of(self, node: Node) -> Shape:
        k = node.kind
        if k == "number":
            return SCALAR
        if k in ("paren", "group"):
            return self.of(single_expression(node.args[0]))
        if k in ("neg", "pos"):
            return self.of(node.args[0])
        if k == "sup" and self.low.is_transpose(node.args[1]):
            base = node.args[0]
            if base.kind == "call" and not self._is_function(base.args[0]):
                # \delta (\mathbf{a})^\top is \delta times (\mathbf{a})^\top, as the lowerer reads it
                r, c = self.of(single_expression(base.args[1]))
                return self._product([self.of(base.args[0]), (c, r)])
            r, c = self.of(base)
            return c, r
        if k == "minus":   # a subtracted term of a sum
            return self.of(node.args[0])
        if k == "add":
            a = self.of(node.args[0])
            for term in node.args[1:]:
                b = self.of(term)
                if a != b and SCALAR not in (a, b):
                    raise ShapeError(f"adding sizes {fmt(a)} and {fmt(b)}", ill_posed=True)
                a = a if a != SCALAR else b
            return a
        if k in ("implicit", "mul"):
            return self._product([self.of(f) for f in node.args])
        if k == "frac" and self._derivative_parts(node) is not None:
            return self.derivative(*self._derivative_parts(node))
        if k == "call":
            head, rows = node.args
            if self._is_function(head):
                return self.of(single_expression(rows))   # activations act elementwise
            return self._product([self.of(head), self.of(single_expression(rows))])
        name = self.low.name_of(node)
        if name is not None:
            return self.of_name(name)
        if k == "bold" and self._is_ones(node):   # \mathbf{1}: the all-ones vector given as `ones`
            return self.of_name("ones")
        raise ShapeError(f"cannot infer the size of {node.kind!r}")

    def _is_function(self, head: Node) -> bool:
        name = self.low.name_of(head)
        return name is not None and self.low.function(name) is not None

    def _is_ones(self, node: Node) -> bool:
        try:
            inner = single_expression(node.args[0])
        except LoweringError:
            return False
        return inner.kind == "number" and inner.args[0] == "1" and "ones" in self.given_text

    def _product(self, shapes: list[Shape]) -> Shape:
        out: Shape | None = None
        for s in shapes:
            if s == SCALAR:
                continue
            if out is None:
                out = s
                continue
            if sp.simplify(out[1] - s[0]) != 0:
                raise ShapeError(f"multiplying sizes {fmt(out)} and {fmt(s)}", ill_posed=True)
            out = (out[0], s[1])
        return out or SCALAR

    # ------------------------------------------------------------ derivatives
    def _derivative_parts(self, node: Node) -> tuple[Node, Node] | None:
        try:
            num, den = single_expression(node.args[0]), single_expression(node.args[1])
        except LoweringError:
            return None
        if num.kind == "partial" and den.kind == "partial" and num.args[1] is not None and den.args[1] is not None:
            return num.args[1], den.args[1]
        return None

    def derivative(self, of: Node, wrt: Node) -> Shape:
        if self.layout not in LAYOUTS:
            raise ShapeError("the size of a derivative depends on the layout convention; declare "
                             "`layout: denominator` or `layout: numerator`")
        a, b = self.of(of), self.of(wrt)
        a_vec, b_vec = a[1] == 1, b[1] == 1
        if a == SCALAR:
            return b if self.layout == "denominator" else (b[1], b[0])
        if b == SCALAR:
            return (a[1], a[0]) if self.layout == "denominator" else a
        if a_vec and b_vec:
            return (b[0], a[0]) if self.layout == "denominator" else (a[0], b[0])
        raise ShapeError(f"the derivative of a {fmt(a)} quantity by a {fmt(b)} one is a higher-order tensor")

    # ------------------------------------------------------------ claims
    def claimed_size(self, node: Node) -> Shape:
        while node.kind in ("paren", "group"):
            node = single_expression(node.args[0])
        if node.kind == "sup" and self.low.name_of(node.args[0]) == "bb_R":
            # `\mathbb{R}^{20}` is a column of 20 entries, `\mathbb{R}^{m \times n}` an m x n matrix.
            script = node.args[1]
            node = single_expression(script.args[0]) if script.kind == "group" else script
        factors = list(node.args) if node.kind == "mul" else [node]
        if len(factors) > 2:
            raise ShapeError("a size has at most two factors")
        known = {d for s in self.decls.shapes.values() for d in s if isinstance(d, sp.Symbol)}
        known |= set(numeric_sizes(self.decls))
        dims = []
        plain = self.decls.copy()
        plain.index_ranges = {}   # `D_i` is a size here, not the i-th entry of D
        for f in factors:
            value = Lowerer(plain).expr(f)
            given = self.decls.given.get(value.name) if isinstance(value, sp.Symbol) else None
            if isinstance(given, sp.Basic) and given.is_Integer:
                value = given   # a size the exercise gives a number
            if not (value.is_Integer and value > 0) and value not in known:
                shown = str(value)
                if isinstance(value, sp.Symbol) and value.name.startswith("bb_"):
                    shown = rf"\mathbb{{{value.name[3:]}}}"
                raise ShapeError(f"{shown} is not a declared size (nor a number)", ill_posed=True)
            dims.append(value)
        while len(dims) < 2:
            dims.append(sp.Integer(1))
        return dims[0], dims[1]


def numeric_sizes(decls: Declarations) -> dict[sp.Symbol, sp.Expr]:
    """Size symbols that the exercise gives a number (`D_1: 20`), to compare sizes as numbers."""
    sizes = {d for s in decls.shapes.values() for d in s if isinstance(d, sp.Symbol)}
    return {d: decls.given[d.name] for d in sizes
            if isinstance(decls.given.get(d.name), sp.Basic) and getattr(decls.given[d.name], "is_Integer", False)}

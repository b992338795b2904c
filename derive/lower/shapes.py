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
from derive.lower.syntax import single_expression, split_arguments, walk
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
            name = self.low.name_of(head)
            if name is not None and self.opaque(name):
                return self.decls.shapes.get(name, SCALAR)   # an unspecified map: its declared value size
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

    # ------------------------------------------------------------ maps
    def opaque(self, name: str) -> bool:
        """An unspecified function (`functions: {f: opaque}`)."""
        return getattr(self.decls.functions.get(name), "opaque_head", None) is not None

    def signature(self, name: str) -> tuple[list[Shape], Shape]:
        """(sizes of the arguments, size of the value) of the map `name`: a function given as `name[p, q]`
        (its parameters' sizes, its body's size), or an unspecified one (its arguments' sizes wherever the
        exercise's definitions apply it, all alike; its declared size, else a scalar)."""
        for key, text in self.given_text.items():
            call = _call_of(str(key), self.low)
            if call is not None and call[0] == name and isinstance(text, str):
                args = [self.of(a) for a in call[1]]
                try:
                    body = parse_latex(text).statements[0].operands[0]
                except (LatexParseError, IndexError) as exc:
                    raise ShapeError(f"cannot read the definition of {name}: {exc}") from None
                return args, self.of(body)
        if isinstance(self.given_text.get(name), str):
            return [self._variable_of(name)], self.of_name(name)
        if not self.opaque(name):
            raise ShapeError(f"{name} is neither given nor an unspecified function")
        uses = []
        for text in self.given_text.values():
            if not isinstance(text, str):
                continue
            try:
                tree = parse_latex(text)
            except LatexParseError:
                continue
            for node in walk([st.operands for st in tree.statements]):
                call = _call_of(node, self.low)
                if call is not None and call[0] == name:
                    uses.append([self.of(a) for a in call[1]])
        if not uses:
            raise ShapeError(f"{name} is not applied in any definition (given:), so its arguments are unknown")
        if any(u != uses[0] for u in uses):
            raise ShapeError(f"{name} is applied to arguments of different sizes", ill_posed=True)
        return uses[0], self.decls.shapes.get(name, SCALAR)

    def _variable_of(self, name: str) -> Shape:
        """The size of the one declared vector or matrix a quantity's definition uses (h given as g[f[x], f[x]]
        is a map of x)."""
        tree = parse_latex(self.given_text[name])
        used = []
        for node in walk([st.operands for st in tree.statements]):
            v = self.low.name_of(node) if node.kind == "name" else None
            if v is not None and v in self.decls.shapes and v not in self.decls.functions and v not in used:
                used.append(v)
        if len(used) != 1:
            raise ShapeError(f"{name} is given as an expression of {len(used)} declared vectors or matrices; "
                             "its domain is not one of them")
        return self.of_name(used[0])

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
    def claimed_spaces(self, node: Node) -> list[Shape]:
        """A claimed domain: `\\mathbb{R}^M \\times \\mathbb{R}^M` is two arguments of size M, `\\mathbb{R}^{M \\times M}`
        one M x M matrix, `\\mathbb{R}` a number."""
        while node.kind in ("paren", "group"):
            node = single_expression(node.args[0])
        factors = list(node.args) if node.kind == "mul" and all(self._space(f) for f in node.args) else [node]
        return [SCALAR if self.low.name_of(f) == "bb_R" else self.claimed_size(f) for f in factors]

    def _space(self, node: Node) -> bool:
        base = node.args[0] if node.kind == "sup" else node
        return self.low.name_of(base) == "bb_R"

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


def spaces_text(shapes: list[Shape]) -> str:
    """`R^{M} x R^{M}`-like text of a domain: one space per argument."""
    def one(shape: Shape) -> str:
        if shape == SCALAR:
            return "R"
        return f"R^{shape[0]}" if shape[1] == 1 else f"R^({fmt(shape)})"
    return " x ".join(one(s) for s in shapes)


def _call_of(node: Node | str, low: Lowerer) -> tuple[str, list[Node]] | None:
    """(name, arguments) of an application `f[x, y]` / `f(x)` (a node, or the LaTeX of one), else None."""
    if isinstance(node, str):
        try:
            operands = parse_latex(node).statements[0].operands
        except (LatexParseError, IndexError):
            return None
        if len(operands) != 1:
            return None
        node = operands[0]
    if node.kind != "call":
        return None
    name = low.name_of(node.args[0])
    args = split_arguments(node.args[1])
    if name is None or not args or any(len(a) != 1 for a in args):
        return None
    return name, [a[0] for a in args]


def numeric_sizes(decls: Declarations) -> dict[sp.Symbol, sp.Expr]:
    """Size symbols that the exercise gives a number (`D_1: 20`), to compare sizes as numbers."""
    sizes = {d for s in decls.shapes.values() for d in s if isinstance(d, sp.Symbol)}
    return {d: decls.given[d.name] for d in sizes
            if isinstance(decls.given.get(d.name), sp.Basic) and getattr(decls.given[d.name], "is_Integer", False)}

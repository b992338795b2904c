"""Syntax tree -> SymPy, under an exercise's declarations. One `_lower_<kind>` method per node kind."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from derive.lower.errors import LoweringError, MissingCondition, TooLarge, UndefinedQuantity
from derive.lower.functions import ALIASES, builtin_for
from derive.lower.syntax import (
    ACCENT_NAMES,
    canonical_script,
    depends,
    script_inner,
    script_text,
    single_expression,
    single_item_or_rows,
    split_arguments,
    times,
)
from derive.parse.tree import Node, Statement, is_sep
from derive.spec.declarations import Declarations

MAX_EXPONENT = 1000
MAX_DIGITS = 10_000   # a number written with more digits is refused (too large); fewer are exact
_PROSE_PREFIXES = ("if", "for", "when", "where", "otherwise", "else")


class Lowerer:
    def __init__(self, decls: Declarations) -> None:
        self.decls = decls
        self.bound: list[str] = []   # summation indices in scope, innermost last
        self.index_values: dict[str, int] = {}   # index letters read at one value (derive/index_expansion.py)
        self._depth = 0

    # ------------------------------------------------------------ entry points
    def expr(self, node: Node) -> sp.Expr:
        method = getattr(self, f"_lower_{node.kind}", None)
        if method is None:
            from derive.lower.extensions import extra_lowering  # node kinds lowered outside this module

            method = extra_lowering(self, node.kind)
        if method is None:
            raise LoweringError(f"cannot give a meaning to {node.kind!r} here")
        self._depth += 1
        try:
            if self._depth == 1 and self.decls.index_ranges:
                from derive.lower.index import lower_top  # free indices with integer ranges

                return lower_top(self, node, method)
            return method(node)
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
            if getattr(self, "read_bare_indicator_as_positive", False) and len(operands) == 1:
                return sp.Gt(self.expr(operands[0]), 0)   # only to tell the reader what 1[z] > 0 would give
            raise MissingCondition("an indicator or case without a condition (no relation such as > 0)")
        if len(operands) != len(rels) + 1:
            raise LoweringError("cannot read the condition")
        clauses = []
        values = [self.expr(o) if o.kind != "interval" else o for o in operands]
        for (a, b), rel in zip(zip(values, values[1:], strict=False), rels, strict=True):
            clauses.append(self.relation(a, rel, b))
        return sp.And(*clauses)

    def statement_sides(self, st: Statement) -> list[sp.Expr]:
        return [self.expr(o) for o in st.operands]

    # ------------------------------------------------------------ helpers
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

    def relation(self, a, rel: str, b) -> sp.Basic:
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
        if k == "sup" and self.is_label(node.args[1]):
            base = self.name_of(node.args[0])
            label = script_text(node.args[1]).strip('()')
            if self.index_values:
                from derive.lower.index import valued_label  # h^{(t-1)} at t = 2 is h^1

                label = valued_label(self, label)
            return f"{base}^{label}" if base else None
        return None

    def is_label(self, script: Node) -> bool:
        """`^{(\\ell)}`, `^{\\text{H}}`, `^{\\mathcal{O}}` name a layer; they are not powers."""
        inner = script_inner(script)
        if inner is None:
            return False
        if inner.kind == "paren" and inner.text == "(":
            return True
        if inner.kind in ("text", "style"):
            return True
        if inner.kind == "name" and inner.args[0] in self.decls.labels:
            return True
        return False

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

    def is_transpose(self, script: Node) -> bool:
        inner = script_inner(script)
        if inner is None:
            return False
        return inner.kind == "top" or (inner.kind == "name" and inner.args[0] == "T")

    def function(self, name: str | None):
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

    def symbol(self, name: str) -> sp.Expr:
        if any(c in name for c in "-+*"):
            # `a^{(\ell-1)}`, `w_{t+1}`, `w_*` are declared as a^ellm1, w_tp1, w_star (names hold no - + *)
            alias = name.replace("-", "m").replace("+", "p").replace("*", "star")
            if alias in self.decls.constants or alias in self.decls.given or alias in self.decls.assumptions:
                name = alias
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

    # ------------------------------------------------------------ atoms
    def _lower_number(self, node: Node) -> sp.Expr:
        text = node.args[0]
        if len(text.replace(".", "")) > MAX_DIGITS:
            raise TooLarge(f"number with more than {MAX_DIGITS} digits")
        frac = Fraction(text)
        return sp.Rational(frac.numerator, frac.denominator)

    def _lower_name(self, node: Node) -> sp.Expr:
        name = node.args[0]
        if name == "nabla":
            raise LoweringError("\\nabla needs a gradient recipe, not a formula value")
        return self.symbol(name)

    def _lower_infty(self, node: Node) -> sp.Expr:
        return sp.oo

    def _lower_text(self, node: Node) -> sp.Expr:
        name = self.name_of(node)
        if name is None:
            raise LoweringError(f"prose {node.args[0].strip()!r} is not mathematics")
        return self.symbol(name)

    def _lower_bold(self, node: Node) -> sp.Expr:
        inner = single_expression(node.args[0])
        if inner.kind == "number" and inner.args[0] == "1" and "ones" in self.decls.given:
            return self.decls.given["ones"]   # \mathbf{1}: the all-ones vector, declared as `ones`
        return self.expr(inner)

    def _lower_accent(self, node: Node) -> sp.Expr:
        name = self.name_of(node)
        if name is None:
            raise LoweringError("accent over an expression")
        return self.symbol(name)

    def _lower_style(self, node: Node) -> sp.Expr:
        name = self.name_of(node)
        if name is None:
            raise LoweringError(f"\\{node.args[0]} over an expression")
        return self.symbol(name)

    def _lower_paren(self, node: Node) -> sp.Expr:
        return self.expr(single_expression(node.args[0]))

    _lower_group = _lower_paren

    def _lower_abs(self, node: Node) -> sp.Expr:
        return sp.Abs(self.expr(single_expression(node.args[0])))

    def _lower_norm(self, node: Node) -> sp.Expr:
        value = self.expr(single_expression(node.args[0]))
        if isinstance(value, sp.MatrixBase):
            from derive.lower.index import norm2  # Euclidean / Frobenius norm of a concrete matrix

            return norm2(value)
        return sp.Abs(value)

    def _lower_inner(self, node: Node) -> sp.Expr:
        from derive.lower.index import inner_product  # <a, b>

        return inner_product(self, node)

    def _lower_floor(self, node: Node) -> sp.Expr:
        return sp.floor(self.expr(single_expression(node.args[0])))

    def _lower_ceil(self, node: Node) -> sp.Expr:
        return sp.ceiling(self.expr(single_expression(node.args[0])))

    def _lower_pos(self, node: Node) -> sp.Expr:
        return self.expr(node.args[0])

    def _lower_neg(self, node: Node) -> sp.Expr:
        return -self.expr(node.args[0])

    def _lower_add(self, node: Node) -> sp.Expr:
        return self.expr(node.args[0]) + self.expr(node.args[1])

    def _lower_minus(self, node: Node) -> sp.Expr:
        return self.expr(node.args[0]) - self.expr(node.args[1])

    def _lower_mul(self, node: Node) -> sp.Expr:
        a, b = self.expr(node.args[0]), self.expr(node.args[1])
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and node.text == "odot":
            return a.multiply_elementwise(b)
        if (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and node.text == "cdot"
                and a.shape == b.shape and 1 in a.shape and a.shape != (1, 1)):
            return sum((x * y for x, y in zip(a, b, strict=True)), sp.Integer(0))  # a · b, the dot product
        return times(a, b)

    def _lower_div(self, node: Node) -> sp.Expr:
        deriv = self.derivative_fraction(node.args[0], node.args[1], bare=True)
        if deriv is not None:
            return deriv
        num, den = self.expr(node.args[0]), self.expr(node.args[1])
        if den == 0:
            raise LoweringError("division by zero")
        return num / den

    def _lower_frac(self, node: Node) -> sp.Expr:
        num_node = single_expression(node.args[0])
        den_node = single_expression(node.args[1])
        deriv = self.derivative_fraction(num_node, den_node, bare=False)
        if deriv is not None:
            if isinstance(deriv, _DerivativeOperator):
                raise LoweringError("a derivative operator needs something to act on")
            return deriv
        num, den = self.expr(num_node), self.expr(den_node)
        if den == 0:
            raise LoweringError("division by zero")
        return num / den

    def _lower_binom(self, node: Node) -> sp.Expr:
        return sp.binomial(self.expr(single_expression(node.args[0])), self.expr(single_expression(node.args[1])))

    def _lower_sqrt(self, node: Node) -> sp.Expr:
        return sp.sqrt(self.expr(single_expression(node.args[0])))

    def _lower_root(self, node: Node) -> sp.Expr:
        n = self.expr(single_expression(node.args[0]))
        return sp.root(self.expr(single_expression(node.args[1])), n)

    def _lower_env(self, node: Node) -> sp.Expr:
        name, rows = node.args
        if name in ("cases", "dcases"):
            pieces = []
            for row in rows.args:
                cells: list[list[Node]] = [[]]
                for item in row.args:
                    if is_sep(item, "amp"):
                        cells.append([])
                    elif is_sep(item, "period") or is_sep(item, "comma") and len(cells) == 1:
                        continue   # `1, & z > 0.`: punctuation after a value or at the end of a case
                    else:
                        cells[-1].append(item)   # a comma in a condition joins clauses
                if not cells[0]:
                    continue
                value = self.expr(single_expression(Node("rows", (Node("row", tuple(cells[0])),))))
                cond = self.condition(cells[1]) if len(cells) > 1 else sp.true
                pieces.append((value, cond))
            if not pieces:
                raise LoweringError("empty cases")
            if pieces[-1][1] is not sp.true:
                pieces.append((sp.nan, True))
            return sp.Piecewise(*pieces)
        if name.endswith("matrix") or name == "array":
            from derive.lower.elided import elided_matrix  # a matrix written with \dots and generic entries

            if (elided := elided_matrix(self, rows)) is not None:
                return elided
            matrix = []
            for row in rows.args:
                cells = [[]]
                for item in row.args:
                    if is_sep(item, "amp"):
                        cells.append([])
                    else:
                        cells[-1].append(item)
                if any(cells):
                    matrix.append([self.expr(single_expression(Node("rows", (Node("row", tuple(c)),))))
                                   for c in cells])
            if not matrix or len({len(r) for r in matrix}) != 1:
                raise LoweringError("ragged or empty matrix")
            return sp.ImmutableMatrix(matrix)
        raise LoweringError(f"environment {name} inside an expression")

    # ------------------------------------------------------------ scripts
    def _lower_sup(self, node: Node) -> sp.Expr:
        base, script = node.args
        applied = None   # the value of base when it is an application head(...), computed once
        if base.kind == "call" and not self.is_label(script):
            # x(1-x)^2 is x * (1-x)^2 and \delta (\mathbf{a})^\top is \delta * (\mathbf{a})^\top: the script
            # binds to the last group unless head(...) is an application
            applied = self.application(base)
            if applied is None:
                head, rows = base.args
                group = self.expr(Node("sup", (Node("paren", (rows,)), script)))
                return times(self.expr(head), group) if self.is_transpose(script) else self.expr(head) * group
        if self.is_transpose(script):
            value = applied if applied is not None else self.expr(base)
            return value.T if isinstance(value, sp.MatrixBase) else value
        labelled = self.labelled_indexed(node)
        if labelled is not None:
            return labelled
        if self.is_label(script):
            if base.kind == "sub" and (self.decls.constants or self.decls.given):
                from derive.lower.index import labelled_component  # z_j^{(\ell)} of a concrete z^{(\ell)}

                entry = labelled_component(self, node)
                if entry is not None:
                    return entry
            name = self.name_of(node)
            if name is None:
                raise LoweringError("superscript label on an expression")
            return self.symbol(name)
        if base.kind == "func":
            raise LoweringError(f"\\{base.args[0]} with a power needs an argument")
        exponent = self.script_value(script)
        if exponent.is_number and exponent.is_finite and abs(exponent) > MAX_EXPONENT:
            raise TooLarge(f"exponent {exponent} is larger than {MAX_EXPONENT}")
        value = applied if applied is not None else self.expr(base)
        if isinstance(value, sp.MatrixBase):
            return value ** exponent
        if isinstance(value, sp.Abs) and exponent.is_integer and exponent.is_even:
            return sp.Pow(value.args[0], exponent)   # |v|^2 = v^2: quantities are real (data arrays too)
        return sp.Pow(value, exponent)

    def script_value(self, script: Node) -> sp.Expr:
        if script.kind == "group":
            return self.expr(single_expression(script.args[0]))
        return self.expr(script)

    def _lower_sub(self, node: Node) -> sp.Expr:
        base, script = node.args
        if base.kind == "sup" and not self.is_label(base.args[1]):
            # x^2_i: the subscript belongs to x, the power to the whole.
            inner = Node("sub", (base.args[0], script), text=node.text)
            return self.expr(Node("sup", (inner, base.args[1])))
        if self.decls.index_ranges or base.kind in ("norm", "call", "prime", "paren") or self.index_values:
            from derive.lower.index import lower_subscript  # p-norms, softmax(z)_i, delta_ij, y_j at j=2

            special = lower_subscript(self, node)
            if special is not None:
                return special
        if base.kind in ("paren", "norm", "abs"):
            return self.expr(base)  # `(...)_2`, `\|v\|_2`: the subscript only qualifies the norm
        base_name = self.name_of(base)
        if base_name is None:
            raise LoweringError("subscript on an expression")
        if base.kind == "style" and base.args[0] in ("mathbb", "mathbbm") and base_name.endswith(("_1", "_I")):
            from derive.lower.extensions import (
                indicator_value,  # 1[f > 0] of a vector is a vector of indicators
            )

            return indicator_value(self, self.condition_items(script))
        concrete = self.decls.constants.get(base_name, self.decls.given.get(base_name))
        if isinstance(concrete, sp.MatrixBase) and f"{base_name}_{canonical_script(script)}" not in self.decls.given:
            return self.component(base_name, concrete, script)
        if base_name in self.decls.indexed or self.uses_bound_index(script):
            indices = self.index_letters(script)
            return sp.IndexedBase(base_name)[tuple(indices)]
        return self.symbol(f"{base_name}_{canonical_script(script)}")

    def component(self, name: str, matrix: sp.MatrixBase, script: Node) -> sp.Expr:
        """`z_2`, `w_{12}` of a matrix given concrete sizes; a letter index cannot be instantiated."""
        if self.decls.index_ranges or self.index_values:
            from derive.lower.index import component  # letters with values (p_i at i = 2)

            return component(self, name, matrix, script)
        raw = canonical_script(script)
        parts = raw.split(",") if "," in raw else list(raw)
        if not all(p.isdigit() for p in parts):
            raise LoweringError(f"component {name}_{{{raw}}} with a symbolic index of a quantity checked "
                                f"on concrete sizes")
        idx = [int(p) - 1 for p in parts]
        if matrix.shape[1] == 1 and len(idx) == 1:
            idx.append(0)
        if len(idx) != 2 or not (0 <= idx[0] < matrix.shape[0] and 0 <= idx[1] < matrix.shape[1]):
            raise LoweringError(f"component {name}_{{{raw}}} outside the concrete size {matrix.shape}")
        return matrix[idx[0], idx[1]]

    def condition_items(self, script: Node) -> list[Node]:
        node = script.args[0] if script.kind == "group" else script
        if node.kind == "rows":
            node = single_item_or_rows(node)
        if isinstance(node, Node) and node.kind == "set":
            node = node.args[0]
        if isinstance(node, Node) and node.kind == "rows":
            return [i for r in node.args for i in r.args]
        return [node]

    def uses_bound_index(self, script: Node) -> bool:
        raw = script_text(script)
        letters = set(raw.split(",")) | set(raw)
        return any(b in letters for b in self.bound)

    def _lower_prime(self, node: Node) -> sp.Expr:
        name = self.name_of(node.args[0])
        if name is None:
            raise LoweringError("prime on an expression")
        return self.symbol(name + "_prime")

    # ------------------------------------------------------------ application and products
    def _lower_call(self, node: Node) -> sp.Expr:
        value = self.application(node)
        if value is not None:
            return value
        # Not a function: brackets group, and juxtaposition multiplies.
        head, rows = node.args
        return times(self.expr(head), self.expr(single_expression(rows)))   # u^T (x - x_0) is a number

    def application(self, node: Node) -> sp.Expr | None:
        """The value of `head(args)` when head is a function (or an operator); None when it is a product."""
        head, rows = node.args
        name = self.name_of(head)
        if head.kind == "style" and head.args[0] in ("mathbb", "mathbbm") and name in ("bb_1", "bb_I"):
            from derive.lower.extensions import indicator_value

            return indicator_value(self, self.flat_items(rows))
        if head.kind == "bold" and name == "1":
            from derive.lower.extensions import indicator_value

            return indicator_value(self, self.flat_items(rows))
        if self.decls.distributions and name is not None:
            from derive.lower.expectation import (
                EXPECTATION_NAMES,
                VARIANCE_NAMES,
                ExpectationUndecided,
                expectation,
            )

            if name in EXPECTATION_NAMES | VARIANCE_NAMES:
                try:
                    return expectation(self.expr(single_expression(rows)), self.decls,
                                       variance=name in VARIANCE_NAMES)
                except ExpectationUndecided as exc:
                    raise LoweringError(str(exc)) from None
        if head.kind in ("prime", "sub", "style", "name", "text", "accent", "sup"):
            from derive.lower.index import special_call  # f'(z); \ell(\hat y, y) names the quantity

            special = special_call(self, node)
            if special is not None:
                return special
        from derive.lower.extensions import head_operator  # argmin_phi[...], operators defined outside

        if (special := head_operator(self, head)) is not None:
            return special([self.argument(a) for a in split_arguments(rows)])
        fn = self.function(name) if head.kind != "number" else None
        if fn is None and head.kind == "func":
            raise LoweringError(f"unknown function \\{head.args[0]}")
        if fn is not None:
            args = [self.argument(a) for a in split_arguments(rows)]
            try:
                if args and isinstance(args[0], sp.MatrixBase) and not getattr(fn, "vector_argument", False):
                    from derive.lower.matcalc import elementwise

                    return elementwise(fn, args[0], args[1:])   # activations act elementwise
                return fn(args)
            except (TypeError, ValueError) as exc:
                raise LoweringError(str(exc)) from None
        if head.kind == "frac":  # `\frac{\partial}{\partial f} (\log[...])`: the operator acts on the group
            op = self.operator(head)
            if isinstance(op, _DerivativeOperator):
                return op.apply(self.expr(single_expression(rows)))
        return None

    def flat_items(self, rows: Node) -> list[Node]:
        return [i for r in rows.args for i in r.args]

    def argument(self, items: list[Node]) -> sp.Expr:
        if len(items) == 1:
            return self.expr(items[0])
        if any(is_sep(i, "rel") for i in items):
            return self.condition(items)
        raise LoweringError("cannot read a function argument")

    def _lower_bigop(self, node: Node) -> sp.Expr:
        op, lower, upper, body = node.args
        if op not in ("sum", "prod"):
            raise LoweringError(f"\\{op} is not supported")
        var, start, end = self.bounds(lower, upper)
        if self.decls.index_ranges or self.index_values or self.decls.constants or any(
                isinstance(v, sp.MatrixBase) or isinstance(v, sp.Integer) for v in self.decls.given.values()):
            from derive.lower.index import sum_over  # unrolled over concrete sizes when it must be

            return sum_over(self, op, var, start, end, body)
        self.bound.append(str(var))
        try:
            value = self.expr(body)
        finally:
            self.bound.pop()
        cls = sp.Sum if op == "sum" else sp.Product
        return cls(value, (var, start, end))

    def bounds(self, lower: Node | None, upper: Node | None):
        if lower is None:
            raise LoweringError("a sum needs an index")
        items = self.condition_items(lower)
        if len(items) == 1 and self.name_of(items[0]):
            name = self.name_of(items[0])
            var = self.decls.symbol(name)
            start, end = self.decls.index_range(name)
        elif len(items) == 3 and is_sep(items[1], "rel") and items[1].args[0] == "=":
            name = self.name_of(items[0])
            if not name:
                raise LoweringError("cannot read the summation index")
            self.decls.assumptions.setdefault(name, {"integer": True})
            var = self.decls.symbol(name)
            start = self.expr(items[2])
            if upper is None:
                end = self.decls.index_range(name)[1]
            else:
                bound_name = self.name_of(upper.args[0].args[0].args[0]) if upper.kind == "group" and \
                    len(upper.args[0].args) == 1 and len(upper.args[0].args[0].args) == 1 else self.name_of(upper)
                if bound_name and bound_name not in self.decls._symbols:
                    self.decls.assumptions.setdefault(bound_name, {"integer": True, "positive": True})
                end = self.script_value(upper)
        elif len(items) == 3 and is_sep(items[1], "rel") and items[1].args[0] == "in":
            name = self.name_of(items[0])
            if not name:
                raise LoweringError("cannot read the summation index")
            var = self.decls.symbol(name)
            start, end = self.decls.index_range(name)
        else:
            raise LoweringError("cannot read the summation bounds")
        if not getattr(var, "is_integer", False):
            var = sp.Symbol(str(var), integer=True)
        return var, start, end

    def _lower_implicit(self, node: Node) -> sp.Expr:
        factors = [f for f in node.args if not (f.kind == "text" and self.name_of(f) is None)]
        if not factors:
            raise LoweringError("prose is not mathematics")
        return self.product(factors)

    def product(self, factors: list[Node]) -> sp.Expr:
        result: sp.Expr = sp.Integer(1)
        i = 0
        while i < len(factors):
            f = factors[i]
            if f.kind == "name" and f.args[0] in ("D", "nabla") and i + 1 < len(factors):
                from derive.lower.extensions import function_operator  # D h(x), \nabla g(f(x))^T of functions

                if (found := function_operator(self, f, factors[i + 1])) is not None:
                    result = times(result, found)
                    i += 2
                    continue
            operator_like = f.kind == "sub" and f.args[0].kind in ("func", "name") or (
                f.kind == "name" and f.args[0] == "nabla")
            if operator_like and i + 1 < len(factors):
                from derive.lower.index import index_operator  # \max_k z_k, \nabla_{x} f

                op_value = index_operator(self, f, factors[i + 1:])
                if op_value is not None:
                    value, used = op_value
                    result = times(result, value)
                    i += 1 + used
                    continue
            op = self.operator(f)
            if isinstance(op, _DerivativeOperator):
                rest = factors[i + 1 :]
                if not rest:
                    raise LoweringError("a derivative operator needs something to act on")
                return result * op.apply(self.product(rest))
            if op is not None and i + 1 < len(factors):
                # `\log x_i`: a function name applies to the next factor only.
                arg = self.expr(factors[i + 1])
                value = op([arg])
                result = result * value
                i += 2
                continue
            if op is not None and getattr(op, "names_a_value", False):
                result = times(result, self.expr(f))   # `2 f_5` ends a product: f_5 is the quantity, not f(5, .)
                i += 1
                continue
            if op is not None:
                raise LoweringError("a function name needs an argument")
            result = times(result, self.expr(f))
            i += 1
        return result

    def operator(self, node: Node):
        """A factor that acts on what follows: a derivative operator or a bare function name."""
        from derive.lower.extensions import head_operator

        if (special := head_operator(self, node, applied=False)) is not None:
            return special
        if node.kind == "frac":
            try:
                num, den = single_expression(node.args[0]), single_expression(node.args[1])
            except LoweringError:
                return None
            deriv = self.derivative_fraction(num, den, bare=False)
            return deriv if isinstance(deriv, _DerivativeOperator) else None
        if node.kind == "func":
            fn = self.function(node.args[0])
            if fn is None:
                raise LoweringError(f"unknown function \\{node.args[0]}")
            return fn
        if node.kind == "sup" and node.args[0].kind == "func":
            fn = self.function(node.args[0].args[0])
            power = self.script_value(node.args[1])
            if fn is None:
                return None
            return lambda args, fn=fn, power=power: fn(args) ** power
        if node.kind == "sub" and node.args[0].kind == "func" and node.args[0].args[0] == "log":
            base = self.script_value(node.args[1])
            return lambda args, base=base: sp.log(args[0], base)
        if node.kind == "text":
            name = self.name_of(node)
            fn = builtin_for(name) if name else None
            return fn
        return None

    # ------------------------------------------------------------ derivatives
    def derivative_fraction(self, num: Node, den: Node, *, bare: bool):
        """`\\frac{\\partial L}{\\partial \\phi_0}`, `\\frac{d}{dz}`, `\\partial L / \\partial w`, or None."""
        order, quantity = self.derivative_numerator(num)
        if order is None:
            return None
        variables = self.derivative_denominator(den)
        if variables is None:
            return None
        if sum(n for _, n in variables) != order:
            raise LoweringError("the derivative's order does not match its variables")
        op = _DerivativeOperator(self, variables)
        if quantity is None:
            return op
        return op.apply_quantity(quantity)

    def derivative_numerator(self, node: Node) -> tuple[int | None, Node | None]:
        if node.kind == "partial":
            order = 1 if node.args[0] is None else int(self.script_value(node.args[0]))
            return order, node.args[1]
        if node.kind == "name" and node.args[0] == "d":
            return 1, None
        if node.kind == "sup" and node.args[0].kind == "name" and node.args[0].args[0] == "d":
            return int(self.script_value(node.args[1])), None
        if node.kind == "implicit" and node.args[0].kind == "name" and node.args[0].args[0] == "d":
            rest = node.args[1:]
            return 1, rest[0] if len(rest) == 1 else Node("implicit", rest)
        if node.kind == "implicit" and node.args[0].kind == "partial" and node.args[0].args[1] is None:
            order = 1 if node.args[0].args[0] is None else int(self.script_value(node.args[0].args[0]))
            rest = node.args[1:]
            return order, rest[0] if len(rest) == 1 else Node("implicit", rest)
        return None, None

    def derivative_denominator(self, node: Node) -> list[tuple[sp.Symbol, int]] | None:
        parts = list(node.args) if node.kind == "implicit" else [node]
        out: list[tuple[sp.Symbol, int]] = []
        if parts and all(p.kind == "partial" for p in parts):
            for p in parts:
                if p.args[1] is None:
                    return None
                var, n = self.variable(p.args[1])
                if p.args[0] is not None:
                    n = int(self.script_value(p.args[0]))
                out.append((var, n))
            return out
        # `dz`, `dx^2`
        if len(parts) == 2 and parts[0].kind == "name" and parts[0].args[0] == "d":
            return [self.variable(parts[1])]
        return None

    def variable(self, node: Node) -> tuple[sp.Symbol, int]:
        if node.kind == "sup" and not self.is_label(node.args[1]) and self.labelled_indexed(node) is None:
            var, _ = self.variable(node.args[0])
            return var, int(self.script_value(node.args[1]))
        value = self.expr(node)
        if not isinstance(value, (sp.Symbol, sp.Indexed, sp.MatrixBase)):
            from derive.lower.extensions import intermediate_variable  # d h_3 / d f_2 with f_2 defined

            if (inter := intermediate_variable(self, node, value)) is not None:
                return inter, 1
            raise LoweringError("can only differentiate with respect to a variable")
        return value, 1


class _DerivativeOperator:
    """d/dv applied to what follows; of a named quantity, the quantity's definition is used."""

    def __init__(self, lowerer: Lowerer, variables: list[tuple[sp.Symbol, int]]) -> None:
        self.lowerer = lowerer
        self.variables = variables

    def apply(self, expr: sp.Expr, name: str | None = None) -> sp.Expr:
        spec = [v for var, n in self.variables for v in [var] * n]
        from derive.lower.extensions import Intermediate, intermediate_derivative

        if any(isinstance(v, Intermediate) for v in spec):
            return intermediate_derivative(expr, spec, name or "the expression")
        if any(isinstance(v, sp.MatrixBase) for v in [expr, *spec]):
            return self._matrix(expr, spec)
        if not any(depends(expr, v) for v in spec):
            raise UndefinedQuantity("the expression differentiated does not depend on the variable")
        return sp.diff(expr, *spec)

    def apply_quantity(self, quantity: Node) -> sp.Expr:
        low = self.lowerer
        name = low.name_of(quantity)
        if name is not None and name in low.decls.given:
            return self.apply(low.decls.given[name], name)
        value = low.expr(quantity)
        spec = [v for var, n in self.variables for v in [var] * n]
        from derive.lower.extensions import Intermediate, intermediate_derivative

        if any(isinstance(v, Intermediate) for v in spec):
            return intermediate_derivative(value, spec, name or "the quantity")
        if any(isinstance(v, sp.MatrixBase) for v in [value, *spec]):
            return self._matrix(value, spec)
        if not any(depends(value, v) for v in spec):
            if low.index_values and not isinstance(value, (sp.Symbol, sp.Indexed)):
                return sp.Integer(0)   # a component (z_i at i = 1) of a defined quantity free of b_2
            what = name or "the quantity"
            raise UndefinedQuantity(f"{what} is not defined in terms of {', '.join(map(str, spec))} "
                                    f"(add it under given:)")
        return sp.diff(value, *spec)

    def _matrix(self, value, spec):
        from derive.lower.matcalc import matrix_derivative

        if len(spec) != 1:
            raise LoweringError("only first derivatives of matrix quantities are supported")
        from sympy.matrices.exceptions import ShapeError

        try:
            return matrix_derivative(value, spec[0], self.lowerer.decls.layout)
        except ShapeError:
            raise   # a tensor where a matrix is written: ill-posed, not unreadable
        except ValueError as exc:
            raise LoweringError(str(exc)) from None

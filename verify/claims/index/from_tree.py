"""The grammar's `Node` tree of an index-notation claim -> the small tuple AST the checker evaluates.

The LaTeX is read once, by the one grammar (derive/parse/latex.lark); this module only gives the tree the
index-notation meaning (the AST is documented in verify/claims/index/parse.py):

- a name with subscripts is a tensor component: `W_{jk}` (letter by letter), `x_{1,N_i}` (split at commas),
  `\\mathbf{x}_i` (bold: a row or a whole tensor), with a label superscript `z^{\\mathrm{H}}`, `z^O` kept in
  its name (`z^H`); `^\\top`, `^T`, `^\\mathsf{T}` transpose; any other superscript is a power;
- `\\frac{\\partial A}{\\partial B}` is a derivative, `\\sum_{j}`, `\\sum_{k=1}^{N_h}` a sum over its index;
- `f(z)`, `f'(z)` apply a declared function, `\\exp`, `\\ln`, `e^{...}`, `\\max(a, b)`, `\\operatorname{diag}(...)`;
  a bracket after anything else (`2(z_i - y_i)`, `\\mathbf{X} [\\mathbf{W}]^T`) is a product;
- index lists `i_1, \\dots, i_r` and chains `\\sum_{j_1=0}^{N_1-1} \\cdots \\sum_{j_r=0}^{N_r-1}` are expanded
  for an order letter declared with a size (`size r = 2`);
- `\\begin{bmatrix}`, `array`, `cases` are matrices and cases; `\\text{for}`/`\\text{if}` starts a condition.
"""

from __future__ import annotations

from derive.parse.tree import Node, is_sep
from verify.claims.index.errors import IndexError_
from verify.claims.index.indices import (
    LABELS,
    Reading,
    expand_order,
    index_atoms,
    is_dots_run,
    is_top,
    items_of,
    multi_of_text,
    name_of,
    owner_of,
    peel,
    render,
    single,
    split_at,
    strip_trailing,
    word,
)

_CONDITION_WORDS = frozenset({"if", "for", "when"})
_ELSE_WORDS = frozenset({"else", "otherwise"})
_RELATIONS = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "!=": "\\neq", "=": "="}
_MATRIX_ENVS = frozenset({"bmatrix", "pmatrix", "matrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"})


# ---------------------------------------------------------------- the translation
class Translator:
    """One claim's tree -> tuple AST under a `Reading`."""

    def __init__(self, reading: Reading) -> None:
        self.r = reading

    # ---- claims and conditions
    def claim(self, rows: Node) -> tuple[list, object]:
        """(sides, condition): `A = B = C` with an optional trailing `\\text{for} i \\neq j`."""
        items = strip_trailing(items_of(rows))
        cond_items: list[Node] | None = None
        for k, item in enumerate(items):
            split = _condition_split(item)
            if split is not None:
                before, after = split
                cond_items = after + items[k + 1:]
                items = items[:k] + before
                break
        sides = [self.operand(group) for group in _split_relations(items)]
        cond = self.condition(cond_items) if cond_items is not None else None
        return sides, cond

    def operand(self, items: list[Node]):
        items = strip_trailing(items)
        if not items:
            raise IndexError_("an empty side")
        if len(items) > 1:
            raise IndexError_(f"unexpected {_show(items[1])!r}")
        return self.expr(items[0])

    def condition(self, items: list[Node]):
        rels = []
        for group in split_at(strip_trailing(items), "comma"):
            at = [k for k, n in enumerate(group) if is_sep(n, "rel")]
            if len(at) != 1 or at[0] == 0 or at[0] == len(group) - 1:
                raise IndexError_("expected a relation in the condition")
            op = _RELATIONS.get(group[at[0]].args[0])
            if op is None:
                raise IndexError_(f"expected a relation, got {group[at[0]].args[0]!r}")
            rels.append(("rel", op, self.operand(group[:at[0]]), self.operand(group[at[0] + 1:])))
        return rels[0] if len(rels) == 1 else ("and", rels)

    # ---- expressions
    def expr(self, node: Node):  # noqa: C901 - one dispatch over the node kinds the claims use
        kind = node.kind
        if kind in ("rows", "group"):
            items = strip_trailing(items_of(node) if kind == "rows" else items_of(node.args[0]))
            return self.operand(items)
        if kind == "add":
            return ("add", [("neg", self.expr(t.args[0])) if t.kind == "minus" else self.expr(t) for t in node.args])
        if kind in ("neg", "minus"):
            return ("neg", self.expr(node.args[0]))
        if kind == "pos":
            return self.expr(node.args[0])
        if kind == "implicit":
            return self.product(list(node.args))
        if kind in ("call", "sub", "sup"):
            return self.product([node])
        if kind == "mul":
            if node.text == "cdot":
                out = self.expr(node.args[0])
                for b in node.args[1:]:
                    out = ("tdot", out, self.expr(b))
                return out
            return ("mul", [self.expr(a) for a in node.args])
        if kind == "div":
            return ("div", self.expr(node.args[0]), self.expr(node.args[1]))
        if kind == "frac":
            return self.frac(node)
        if kind == "number":
            return ("num", node.args[0])
        if kind == "paren":
            return self.expr(node.args[0])
        if kind == "norm":
            return ("norm", self.expr(node.args[0]))
        if kind == "env":
            return self.environment(node)
        if kind == "bigop":
            return self.sum(node)
        if kind == "dots":
            return ("dots",)
        if name_of(node) is not None:
            return self.scripted(node)
        raise IndexError_(f"cannot read {_show(node)!r} in index notation")

    def frac(self, node: Node):
        top, bottom = single(node.args[0]), single(node.args[1])
        if top is not None and bottom is not None and top.kind == "partial" and bottom.kind == "partial":
            return ("deriv", self.ref(top), self.ref(bottom))
        return ("div", self.expr(node.args[0]), self.expr(node.args[1]))

    def ref(self, partial: Node):
        order, arg = partial.args
        value = self.scripted(arg) if order is None and arg is not None and name_of(peel(arg)[0]) else None
        if value is None or value[0] != "ref":
            raise IndexError_(f"expected a name after \\partial, got {_show(arg) if arg else 'nothing'!r}")
        return value

    def scripted(self, node: Node):
        base, scripts = peel(node)
        named = name_of(base)
        if base.kind == "name" and base.args[0] == "e" and scripts and scripts[0][0] == "sup":
            value = ("fn", "exp", self.expr(scripts[0][1]))
            scripts = scripts[1:]
        elif named is not None:
            name, bold = named
            idx: tuple[str, ...] = ()
            label = ""
            while scripts:
                kind, script = scripts[0]
                if kind == "sub":
                    idx += index_atoms(script, self.r, name)
                elif word(script) in LABELS:
                    label = word(script) or ""
                else:
                    break
                scripts = scripts[1:]
            value = ("ref", name + (f"^{label}" if label else ""), idx, bold)
        else:
            value = self.expr(base)
        return self.postfix(value, scripts, owner_of(base))

    def postfix(self, value, scripts: list[tuple[str, Node]], owner: str):
        for kind, script in scripts:
            if kind == "sub":
                value = ("comp", value, index_atoms(script, self.r, owner))
            elif is_top(script):
                value = ("transpose", value)
            else:
                value = ("pow", value, self.expr(script))
        return value

    # ---- products and applications
    def product(self, factors: list[Node]):
        out: list = []
        k = 0
        while k < len(factors):
            f = factors[k]
            if f.kind == "func" and k + 1 < len(factors):   # `\ln x`: the next factor is the argument
                out.append(self.apply(f, None, self.expr(factors[k + 1])))
                k += 2
                continue
            out.extend(self.factors(f))
            k += 1
        return out[0] if len(out) == 1 else ("mul", out)

    def factors(self, node: Node) -> list:
        if node.kind == "implicit":
            got = self.product(list(node.args))
            return got[1] if got[0] == "mul" else [got]
        base, scripts = peel(node)
        if base.kind != "call":
            return [self.scripted(node) if node.kind in ("sub", "sup") else self.expr(node)]
        callee, args = base.args
        if self._is_function(callee, base.text):
            return [self.postfix(self.apply(callee, args, None), scripts, "")]
        # a bracket after a quantity multiplies it: `2(z_i - y_i)`, `\mathbf{X} [\mathbf{W}]^T`
        return [*self.factors(callee), self.postfix(self.expr(args), scripts, "]" if base.text == "[" else "")]

    def _is_function(self, callee: Node, bracket: str) -> bool:
        if callee.kind == "func" or (callee.kind == "prime" and callee.args[0].kind == "name"):
            return True
        if callee.kind == "text" and str(callee.args[0]).strip() == "diag":
            return True
        return callee.kind == "name" and callee.args[0] in self.r.funcs and bracket == "("

    def apply(self, callee: Node, args: Node | None, arg):
        if callee.kind == "prime":
            name = callee.args[0].args[0] + "'"
        else:
            name = str(callee.args[0]).strip()
        if name in ("max", "diag"):
            if args is None:
                raise IndexError_(f"\\{name} needs its arguments in brackets")
            parts = split_at(strip_trailing(items_of(args)), "comma")
            if name == "diag":
                return ("diag", [self.cell(p) for p in parts])
            if len(parts) != 2:
                raise IndexError_("\\max takes two arguments here")
            return ("max", self.operand(parts[0]), self.operand(parts[1]))
        value = arg if args is None else self.expr(args)
        if callee.kind == "func":
            if name not in ("exp", "ln", "log"):
                raise IndexError_(f"unknown function \\{name}")
            return ("fn", "exp" if name == "exp" else "log", value)
        return ("fn", name, value)

    # ---- sums, matrices, cases
    def sum(self, node: Node):
        op, lower, upper, body = node.args
        if op != "sum":
            raise IndexError_(f"\\{op} is not read in index notation")
        var, low = _sum_index(lower)
        chain = self._order_chain(var, low, body)
        if chain is not None:
            return chain
        return ("sum", var, self.expr(body), low or None, render(upper) or None)

    def _order_chain(self, var: str, low: str, body: Node):
        """`\\sum_{j_1=0}^{N_1-1} \\cdots \\sum_{j_r=0}^{N_r-1} body` -> one sum per declared index."""
        if body.kind != "implicit" or body.args[0].kind != "dots" or body.args[1].kind != "bigop":
            return None
        inner = body.args[1]
        ivar, ilow = _sum_index(inner.args[1])
        first, last = multi_of_text(var), multi_of_text(ivar)
        if not (first and last and first[0] == last[0] and first[1] == "1" and last[1].isalpha()
                and low == "0" and ilow == "0"):
            return None
        rest = [inner.args[3], *body.args[2:]]
        value = self.expr(rest[0]) if len(rest) == 1 else self.product(rest)
        for v in reversed(expand_order(first[0], last[1], self.r)):
            value = ("sum", v, value, None, None)
        return value

    def cell(self, items: list[Node]):
        items = strip_trailing(items)
        if is_dots_run(items):
            return ("dots",)
        return self.operand(items)

    def environment(self, node: Node):
        name, rows = node.args
        lines = [[i for i in row.args] for row in rows.args]
        lines = [row for row in lines if any(not is_sep(i, "amp") for i in row)]
        if name == "cases":
            return ("cases", [self.case(row) for row in lines])
        if name not in _MATRIX_ENVS:
            raise IndexError_(f"cannot read the {name} environment in index notation")
        return ("matrix", [[self.cell(c) for c in split_at(row, "amp")] for row in lines])

    def case(self, row: list[Node]):
        cells = split_at(row, "amp")
        value = self.cell(cells[0])
        cond = strip_trailing([i for c in cells[1:] for i in c])
        if not cond or word(cond[0]) in _ELSE_WORDS:
            return value, None
        split = _condition_split(cond[0])
        if split is not None:
            cond = split[1] + cond[1:]
        return value, self.condition(cond)


def _sum_index(lower: Node | None) -> tuple[str, str]:
    if lower is None:
        raise IndexError_("a sum without its index")
    if lower.kind != "group":
        return render(lower), ""
    items = items_of(lower.args[0])
    at = [k for k, n in enumerate(items) if is_sep(n, "rel") and n.args[0] == "="]
    if not at:
        return render(Node("row", tuple(items))), ""
    return render(Node("row", tuple(items[:at[0]]))), render(Node("row", tuple(items[at[0] + 1:])))


def _condition_split(item: Node) -> tuple[list[Node], list[Node]] | None:
    """`0 \\text{ for } i` -> ([0], [i]): where a condition starts inside an item, else None."""
    factors = list(item.args) if item.kind == "implicit" else [item]
    for k, f in enumerate(factors):
        if f.kind == "text" and str(f.args[0]).strip() in _CONDITION_WORDS:
            before, after = factors[:k], factors[k + 1:]
            return (_joined(before), _joined(after))
    return None


def _joined(factors: list[Node]) -> list[Node]:
    if not factors:
        return []
    return [factors[0] if len(factors) == 1 else Node("implicit", tuple(factors))]


def _split_relations(items: list[Node]) -> list[list[Node]]:
    groups: list[list[Node]] = [[]]
    for item in items:
        if is_sep(item, "rel"):
            if item.args[0] not in ("=", ":="):
                raise IndexError_(f"unexpected {item.text or item.args[0]!r}")
            groups.append([])
        else:
            groups[-1].append(item)
    return groups


def _show(node: Node) -> str:
    return node.text or node.kind

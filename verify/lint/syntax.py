"""Questions about the parsed LaTeX of a formula that lint asks before giving it any meaning."""

from __future__ import annotations

import re
from collections.abc import Callable

from derive.lower.lowerer import Lowerer
from derive.lower.syntax import has_derivative, split_arguments, walk
from derive.parse.latex import statements_of
from derive.parse.tree import Formula, Node, Statement

# Names that stay what they usually are (Euler's number, pi, the imaginary unit or an index, the
# differential d): a formula that assigns one of them makes its later uses ambiguous instead.
UNDEFINABLE = frozenset({"e", "pi", "i", "d"})
_NAME_KINDS = {"name", "sub", "text", "accent", "style", "bold", "sup"}


def has_kind(*nodes: Node, kinds: set[str]) -> bool:
    return any(n.kind in kinds for node in nodes for n in walk(node))


def has_transpose(*nodes: Node) -> bool:
    for node in nodes:
        for n in walk(node):
            if n.kind == "sup":
                script = n.args[1]
                inner = script.args[0] if script.kind == "group" else script
                if any(x.kind == "top" or (x.kind == "name" and x.args[0] == "T") for x in walk(inner)):
                    return True
    return False


def derivative_quantity(low: Lowerer, node: Node) -> str | None:
    """`\\frac{\\partial L}{\\partial v}` -> 'L'."""
    if node.kind != "frac":
        return None
    num = [i for r in node.args[0].args for i in r.args]
    if len(num) != 1 or num[0].kind != "partial" or num[0].args[1] is None:
        return None
    return low.name_of(num[0].args[1])


def derivative_variables(nodes: list[Node], low: Lowerer) -> set[str]:
    """Names in the denominators of derivatives (`\\partial \\phi_0`, `dz`) anywhere in `nodes`."""
    names: set[str] = set()
    for n in walk(nodes):
        if n.kind != "frac":
            continue
        for d in (i for r in n.args[1].args for i in r.args):
            parts = d.args if d.kind == "implicit" else (d,)
            for p in parts:
                if p.kind == "partial" and p.args[1] is not None:
                    target = p.args[1].args[0] if p.args[1].kind == "sup" else p.args[1]
                    if name := low.name_of(target):
                        names.add(name)
            if d.kind == "implicit" and len(d.args) == 2 and d.args[0].kind == "name" and d.args[0].args[0] == "d":
                target = d.args[1].args[0] if d.args[1].kind == "sup" else d.args[1]
                if name := low.name_of(target):
                    names.add(name)
    return names


def definable(low: Lowerer, node: Node) -> bool:
    """A name (`L`, `h_d`, `\\hat{y}`) or a function head with name parameters (`f[x, \\phi]`)."""
    if node.kind in _NAME_KINDS:
        name = low.name_of(node)
        return name is not None and name not in UNDEFINABLE and (node.kind != "text" or len(name) <= 5)
    if node.kind == "call":
        head = node.args[0]
        if head.kind not in ("name", "text", "sub", "accent", "style") or low.name_of(head) in (None, *UNDEFINABLE):
            return False
        args = split_arguments(node.args[1])
        return bool(args) and all(len(a) == 1 and a[0].kind in ("name", "sub", "bold", "accent")
                                  and low.name_of(a[0]) is not None for a in args)
    return False


def defined_names(low: Lowerer, heads: list[Node]) -> set[str]:
    """The names a run's leading definienda define (`f_a(x)` -> f_a, `L` -> L)."""
    out = set()
    for head in heads:
        name = low.name_of(head.args[0]) if head.kind == "call" else low.name_of(head)
        if name is not None:
            out.add(name)
    return out


def differentiated_names(low: Lowerer, nodes: list[Node]) -> set[str]:
    """Names of the quantities differentiated in `nodes`: f in `\\frac{df}{dx}`, L in `\\frac{\\partial L}{\\partial w}`
    (the operator form `\\frac{d}{dx}(...)` names none: its argument is written out)."""
    out: set[str] = set()
    for n in walk(nodes):
        if n.kind != "frac" or not has_derivative(n):
            continue
        numerator = [i for r in n.args[0].args for i in r.args] if n.args[0].kind == "rows" else [n.args[0]]
        for item in numerator:
            parts = item.args if item.kind == "implicit" else (item,)
            for part in parts:
                if part.kind == "partial" and part.args[1] is not None:
                    out |= used_names(low, part.args[1])
                elif part.kind != "name" or part.args[0] != "d":
                    out |= used_names(low, part) - {"d"}
    return out


def implied_subject(low: Lowerer, nodes: list[Node], defined: set[str]) -> bool:
    """A run after `f_a(x) = ax \\rightarrow` that differentiates another name (`\\frac{df}{dx} = a`): the
    text means the function just defined, so the derivative of the f lint knows is not what is claimed."""
    if not defined:
        return False
    names = differentiated_names(low, nodes)
    return bool(names) and not names & defined


def solved_for(low: Lowerer, ops: list[Node], runs: list[list[int]], n_defs: list[int], r: int) -> set[str]:
    """Names the run after run r assigns (after an arrow) that run r itself uses: run r is an equation solved
    for them (`2.09 = \\frac{\\bar x - 60}{2} \\rightarrow \\bar x = 64.18`), not an identity."""
    if r + 1 >= len(runs) or not n_defs[r + 1]:
        return set()
    assigned = defined_names(low, [ops[k] for k in runs[r + 1][:n_defs[r + 1]]])
    return assigned & used_names(low, *[ops[k] for k in runs[r]])


def assigns_reserved(low: Lowerer, node: Node) -> str | None:
    """`e = ...`, `i = 1`: the reserved name being assigned, else None."""
    if node.kind in ("name", "sub"):
        name = low.name_of(node)
        if name in UNDEFINABLE:
            return name
    return None


def unbox(statements: list[Statement]) -> list[Statement]:
    """`\\boxed{A = B}` holds a whole chain; read it as the chain."""
    out: list[Statement] = []
    for st in statements:
        if not st.relations and len(st.operands) == 1 and st.operands[0].kind == "paren" \
                and st.operands[0].text == "boxed":
            out.extend(unbox(statements_of(st.operands[0].args[0])))
        else:
            out.append(st)
    return out


def relation_reason(rel: str) -> str:
    if rel in ("<", ">", "<=", ">=", "!="):
        return "inequality"
    if rel in ("~", "sim", "propto", "approx", "simeq", "asymp"):
        return "approximation"
    return "other-relation"


def printed_decimals(node: Node) -> str | None:
    """The literal of a bare number (possibly signed or bracketed), else None."""
    while node.kind in ("neg", "pos", "paren", "group") and len(node.args) == 1 and isinstance(node.args[0], Node):
        node = node.args[0]
        if node.kind == "rows":
            items = [i for r in node.args for i in r.args]
            if len(items) != 1:
                return None
            node = items[0]
    if node.kind != "number":
        return None
    return str(node.args[0]).replace("{,}", "")


def split_at_prose(st: Statement, offs: list[int],
                   is_prose: Callable[[Node], bool]) -> list[tuple[Statement, list[int], tuple[bool, bool]]]:
    """Cut a chain where words interrupt it: `A = 1 \\text{ or equivalently } B = C` is the two
    chains `A = 1` and `B = C`. Returns (chain, its relation offsets, (cut before, cut after))."""
    items: list[tuple] = []
    for k, op in enumerate(st.operands):
        if k:
            items.append(("rel", st.relations[k - 1], offs[k - 1] if offs else None))
        for s, seg in enumerate(_segments(op, is_prose)):
            if s:
                items.append(("break",))
            items.append(("op", seg))
    chains: list[list[tuple]] = [[]]
    for item in items:
        if item[0] == "break":
            chains.append([])
        else:
            chains[-1].append(item)
    if len(chains) == 1:
        return [(st, offs, (False, False))]
    out: list[tuple[Statement, list[int], tuple[bool, bool]]] = []
    for n, chain in enumerate(chains):
        if chain and chain[0][1] is None:
            chain = chain[2:]
        if chain and chain[-1][1] is None:
            chain = chain[:-2]
        ops = [c[1] for c in chain if c[0] == "op"]
        if len(ops) >= 2:
            rels = [c[1] for c in chain if c[0] == "rel"]
            rel_offs = [c[2] for c in chain if c[0] == "rel"] if offs else []
            out.append((Statement(ops, rels), rel_offs, (n > 0, n < len(chains) - 1)))
    return out


def _segments(op: Node, is_prose: Callable[[Node], bool]) -> list[Node | None]:
    if op.kind == "text" and is_prose(op):
        return [None, None]
    if op.kind != "implicit":
        return [op]
    segs: list[Node | None] = []
    run: list[Node] = []
    for f in op.args:
        if f.kind == "text" and is_prose(f):
            segs.append(_join(run))
            run = []
        else:
            run.append(f)
    segs.append(_join(run))
    return segs


def _join(factors: list[Node]) -> Node | None:
    if not factors:
        return None
    return factors[0] if len(factors) == 1 else Node("implicit", tuple(factors))


def superscript_labels(formulas: list[Formula]) -> frozenset[str]:
    """Letters that only ever appear as a whole superscript in the document (`z^O`, `W^H`): labels of
    a layer, not powers. A letter also used on its own anywhere (`x^n` and `n x^{n-1}`) is a power."""
    in_script: dict[str, int] = {}
    script_nodes: set[int] = set()
    plain: set[str] = set()
    nodes = [n for f in formulas for st in f.statements for n in walk(st.operands)]
    for n in nodes:
        if n.kind == "sup":
            script = n.args[1]
            inner = script.args[0] if script.kind == "group" else script
            if isinstance(inner, Node) and inner.kind == "rows":
                items = [i for r in inner.args for i in r.args]
                inner = items[0] if len(items) == 1 else None
            if isinstance(inner, Node) and inner.kind == "name" and len(inner.args[0]) == 1:
                in_script[inner.args[0]] = in_script.get(inner.args[0], 0) + 1
                script_nodes.add(id(inner))
    for n in nodes:
        if n.kind == "name" and id(n) not in script_nodes:
            plain.add(n.args[0])
    # Capital letters (`z^O`, `W^H`) are read as labels even when the letter appears elsewhere (`O(n)`);
    # the power reading is always tried before a step is reported.
    return frozenset(x for x in in_script if (x not in plain or x.isupper()) and x not in ("T", "e") and x.isalpha())


_QUANTIFIER = re.compile(r"\b(for\s+some|some|there\s+(is|are|exists?)|exists?)\b", re.I)


def existential_names(statements: list[Statement], low: Lowerer) -> set[str]:
    """Names introduced by words such as `\\text{ for some } \\alpha \\in [a, x]`: a particular value,
    not a variable every value of which must satisfy the formula."""
    out: set[str] = set()
    for st in statements:
        after = False
        for op in st.operands:
            factors = op.args if op.kind == "implicit" else (op,)
            for f in factors:
                if f.kind == "text" and _QUANTIFIER.search(str(f.args[0])):
                    after = True
                elif after:
                    out.update(n for x in walk(f) if (n := _name(low, x)) is not None)
    return out


def _name(low: Lowerer, node: Node) -> str | None:
    return low.name_of(node) if node.kind in ("name", "sub", "accent", "style", "bold", "sup") else None


def used_names(low: Lowerer, *nodes: Node) -> set[str]:
    """The names written in `nodes` (`\\hat{z}_1^{(1)}` is one name, not also z), and function heads."""
    out: set[str] = set()
    stack = list(nodes)
    while stack:
        n = stack.pop()
        if not isinstance(n, Node):
            if isinstance(n, (tuple, list)):
                stack.extend(n)
            continue
        name = _name(low, n) if n.kind != "call" else _name(low, n.args[0])
        if name is not None:
            out.add(name)
            if n.kind != "call":
                continue
            stack.append(n.args[1])
            continue
        stack.extend(a for a in n.args if isinstance(a, (Node, tuple, list)))
    return out


def plain_names(statements: list[Statement], low: Lowerer) -> frozenset[str]:
    """Names written somewhere in the formula without brackets after them (`n` in `\\sum_{i=1}^{n}`)."""
    heads: set[int] = set()
    out: set[str] = set()
    for st in statements:
        for n in walk(st.operands):
            if n.kind == "call":
                heads.add(id(n.args[0]))
            elif n.kind == "name" and id(n) not in heads:
                out.add(n.args[0])
    return frozenset(out)

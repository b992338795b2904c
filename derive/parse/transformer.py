"""Lark parse tree -> `derive.parse.tree.Node` tree, one method per grammar rule.

The transformer walks the parse tree without recursion (a sum of thousands of terms is a parse tree
thousands deep), and it builds flat chains: `a + b - c` is one `add` node whose terms are `a`, `b` and
`minus(c)`, and `a \\cdot b \\cdot c` is one `mul` node, so the depth of a `Node` tree is the nesting the
formula writes, never its length (derive/parse/latex.py refuses a nesting deeper than MAX_DEPTH).
"""

from __future__ import annotations

import re

from lark import Token, Transformer_NonRecursive, v_args

from derive.parse.tree import Node

_GREEK_ALIASES = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho",
                  "varsigma": "sigma", "varpi": "pi"}
_BOLD_STYLES = {"mathbf", "boldsymbol", "bm", "underline", "mathnormal", "pmb", "mathit"}
_REL_NAMES = {
    "\\leq": "<=", "\\le": "<=", "\\geq": ">=", "\\ge": ">=", "\\neq": "!=", "\\ne": "!=",
    "\\approx": "~", "\\sim": "sim", "\\simeq": "~", "\\equiv": "==", "\\propto": "propto",
    "\\to": "->", "\\rightarrow": "->", "\\longrightarrow": "->", "\\mapsto": "->",
    "\\Rightarrow": "=>", "\\Longrightarrow": "=>", "\\implies": "=>", "\\iff": "<=>",
    "\\Leftrightarrow": "<=>", "\\leftarrow": "<-", "\\Leftarrow": "<-", "\\gets": "<-",
    "\\in": "in", "\\notin": "notin", "\\subset": "subset", "\\subseteq": "subset",
    "\\ll": "<", "\\gg": ">", "\\coloneqq": ":=", ":=": ":=",
    "\\gt": ">", "\\lt": "<", "\\geqslant": ">=", "\\leqslant": "<=",
}


def _cmd(token: str) -> str:
    """`\\phi` -> `phi` (also strips a trailing `*`)."""
    return token.lstrip("\\").rstrip("*").strip()


def sum_of(left: Node, right: Node) -> Node:
    """`left + right` as one flat `add` chain (a subtracted term is `minus(term)`)."""
    terms = left.args if left.kind == "add" else (left,)
    more = right.args if right.kind == "add" else (right,)
    return Node("add", (*terms, *more))


def _text_body(token: str) -> str:
    return token[token.index("{") + 1 : token.rindex("}")]


def _group_call(head: Node, rows: Node) -> Node:
    """`head{group}`: a group holding one parenthesis is that parenthesis, so `{\\left(y, x\\right)}` is two
    arguments."""
    items = [i for r in rows.args for i in r.args]
    if len(items) == 1 and items[0].kind == "paren" and items[0].text == "(":
        return Node("call", (head, items[0].args[0]), text="(")
    return Node("call", (head, rows), text="(")

# what may stand between the digit groups of one number (`1{,}000`, `10\,000`, `10 000`, a document's `1,000`)
_DIGIT_SEPARATORS = re.compile(r"\{,\}|\\[,;:]|\\thinspace|\s+|,")


class ToAst(Transformer_NonRecursive):
    """Builds `Node`s. The source text is kept for subscripts (names are built from it)."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def _span(self, meta) -> str:
        if getattr(meta, "empty", True):
            return ""
        return self.source[meta.start_pos : meta.end_pos]

    # ------------------------------------------------------------ structure
    def start(self, children):
        rows = [c for c in children if isinstance(c, Node)]
        return rows[0]

    def rows(self, children):
        return Node("rows", tuple(c for c in children if not isinstance(c, Token)))

    def row(self, children):
        return Node("row", tuple(children))

    def rel(self, children):
        tok = str(children[0])
        # where the relation stands, so a reader can quote the sides of `A = B = C` as written
        return Node("rel", (_REL_NAMES.get(tok, tok),), text=tok, column=getattr(children[0], "start_pos", 0) or 0)

    def amp(self, _):
        return Node("amp")

    def comma(self, _):
        return Node("comma")

    def semi(self, _):
        return Node("semi")

    def mid(self, _):
        return Node("mid")

    def period(self, _):
        return Node("period")

    def colon(self, _):
        return Node("colon")

    def logic(self, children):
        return Node("logic", ("and" if _cmd(str(children[0])) in ("wedge", "land") else "or",))

    # ------------------------------------------------------------ arithmetic
    def add(self, children):
        return sum_of(children[0], children[2])

    def sub(self, children):
        return sum_of(children[0], Node("minus", (children[2],)))

    def neg(self, children):
        return Node("neg", (children[-1],))

    def pos(self, children):
        return Node("pos", (children[-1],))

    def negation(self, children):
        return Node("not", (children[-1],))

    def setop(self, children):
        """`A \\cup B`, `A \\cap B`, `A \\setminus B` -> setop(name, A, B) (`\\smallsetminus` is `setminus`)."""
        name = _cmd(str(children[1]))
        return Node("setop", ("setminus" if name == "smallsetminus" else name, children[0], children[2]))

    def binmul(self, children):
        token = children[1]
        op = "cdot" if token.type == "LDOT" else _cmd(str(token)) if str(token) != "*" else "ast"
        left = children[0]
        if left.kind == "mul" and left.text == op:   # `a \cdot b \cdot c`: one chain of one operator
            return Node("mul", (*left.args, children[2]), text=op)
        return Node("mul", (left, children[2]), text=op)

    def implicit(self, children):
        left, right = children
        factors = left.args if left.kind == "implicit" else (left,)
        return Node("implicit", (*factors, right))

    def div(self, children):
        return Node("div", (children[0], children[2]))

    # ------------------------------------------------------------ scripts and calls
    @v_args(meta=True)
    def subscript(self, meta, children):
        base, _, script = children
        return Node("sub", (base, script), text=self._span(meta))

    @v_args(meta=True)
    def superscript(self, meta, children):
        base, _, script = children
        if script.kind == "top" and script.args and script.args[0] == "prime":
            for _ in script.args:   # x^{\prime\prime} is x''
                base = Node("prime", (base,))
            return base
        return Node("sup", (base, script), text=self._span(meta))

    def prime(self, children):
        return Node("prime", (children[0],))

    def factorial(self, children):
        return Node("factorial", (children[0],))

    def call_paren(self, children):
        return Node("call", (children[0], children[1]), text="(")

    def call_bracket(self, children):
        return Node("call", (children[0], children[1]), text="[")

    def call_group(self, children):
        """`\\log{\\left(x \\right)}`, `\\operatorname{acot}{(x)}` (SymPy's printer): the braced group is the
        argument; a group holding one parenthesis is that parenthesis, so `{\\left(y, x\\right)}` is two."""
        token, rows = children
        head = self.func_name([token]) if token.type == "FUNC" else self.text([token])
        return _group_call(head, rows)

    def call_group_power(self, children):
        """`\\sin^{2}{\\left(x \\right)}`, `\\cosh^{-1}{\\left(e \\right)}`: the powered name applied to the group."""
        token, marker, script, rows = children
        name = self.func_name([token]) if token.type == "FUNC" else self.text([token])
        return _group_call(Node("sup", (name, script), text=f"{token}{marker}{script.text}"), rows)

    @v_args(meta=True)
    def func_power(self, meta, children):
        """`\\tanh^2` followed by anything but a braced group: the name with its power (as `superscript`)."""
        token, _, script = children
        name = self.func_name([token]) if token.type == "FUNC" else self.text([token])
        return Node("sup", (name, script), text=self._span(meta))

    def call_group_sub(self, children):
        """`\\operatorname{atan}_{2}{\\left(y,x \\right)}`: the subscripted name applied to the group."""
        token, marker, script, rows = children
        return _group_call(Node("sub", (self.text([token]), script), text=f"{token}{marker}{script.text}"), rows)

    @v_args(meta=True)
    def func_sub(self, meta, children):
        """`\\operatorname*{argmin}_{\\phi}` followed by anything but a braced group (as `subscript`)."""
        token, _, script = children
        return Node("sub", (self.text([token]), script), text=self._span(meta))

    def call_brace(self, children):
        return Node("call", (children[0], children[2]), text="{")

    @v_args(meta=True)
    def script_group(self, meta, children):
        return Node("group", (children[0],), text=self._span(meta)[1:-1].strip())

    def script_letter(self, children):
        return Node("name", (str(children[0]),), text=str(children[0]))

    def script_number(self, children):
        return Node("number", (str(children[0]),), text=str(children[0]))

    def script_greek(self, children):
        return self.greek(children)

    def script_top(self, _):
        return Node("top")

    def script_prime(self, _):
        return Node("top", ("prime",))

    def script_primes(self, children):
        # `^{\prime\prime}` is x'': a prime mark per \prime (one node, as `x^\prime` gives for one)
        return Node("top", ("prime",) * len(children))

    def script_sign(self, children):
        """`0^+`, `3^{-}`: the side a one-sided limit approaches from (no value by itself)."""
        return Node("side", (str(children[-1]),))

    def script_plus_minus(self, children):
        """`y_{\\pm 1}`: a label (the ±1 encoding of y), the name y_pm1; never a value."""
        sign = str(children[0]).lstrip("\\")
        return Node("name", (f"{sign}{children[1]}",), text=f"\\{sign} {children[1]}")

    def script_star(self, children):
        return Node("name", (str(children[0]).lstrip("\\"),), text=str(children[0]))

    # ------------------------------------------------------------ atoms
    def number(self, children):
        # `1{,}000`, and `1,000` in a document (derive/parse/document.lark): the separator is no digit
        text = str(children[0])
        digits = text if text.replace(".", "").isdigit() else _DIGIT_SEPARATORS.sub("", text)
        return Node("number", (digits,), text=text)

    def letter(self, children):
        return Node("name", (str(children[0]),), text=str(children[0]))

    def greek(self, children):
        name = _cmd(str(children[0]))
        return Node("name", (_GREEK_ALIASES.get(name, name),), text=str(children[0]))

    def func_name(self, children):
        return Node("func", (_cmd(str(children[0])),), text=str(children[0]))

    def text(self, children):
        body = _text_body(str(children[0]))
        if body.strip() == "d":   # an upright differential `\mathrm{d}x`, `\frac{\text{d}}{\text{d} x}` is the d of dx
            return Node("name", ("d",), text=str(children[0]))
        return Node("text", (body,), text=str(children[0]))

    def infty(self, _):
        return Node("infty")

    def dots(self, _):
        return Node("dots")

    def emptyset(self, _):
        return Node("emptyset")

    def styled(self, children):
        style = _cmd(str(children[0]))
        inner = children[1]
        if style in _BOLD_STYLES:
            return Node("bold", (inner,), text=style)
        return Node("style", (style, inner))

    def accent(self, children):
        return Node("accent", (_cmd(str(children[0])), children[1]))

    def accent_letter(self, children):
        letter = Node("name", (str(children[1]),))
        return Node("accent", (_cmd(str(children[0])), Node("rows", (Node("row", (letter,)),))))

    def accent_greek(self, children):   # \hat\theta, as TeX reads a one-token argument
        letter = self.greek([children[1]])
        return Node("accent", (_cmd(str(children[0])), Node("rows", (Node("row", (letter,)),))))

    def frac(self, children):
        return Node("frac", (children[1], children[2]))

    def macro_arg(self, children):
        """`{...}` is its rows; one token (`\\frac12`, `\\frac ab`, `\\sqrt\\pi`) is rows of that one atom."""
        arg = children[0]
        if isinstance(arg, Node):
            return arg
        kind = arg.type
        if kind == "NUMBER":
            atom = self.number([arg])
        elif kind == "LETTER":
            atom = self.letter([arg])
        elif kind == "GREEK":
            atom = self.greek([arg])
        elif kind == "INFTY":
            atom = self.infty([arg])
        else:
            atom = Node("partial", (None, None))
        return Node("rows", (Node("row", (atom,)),))

    def binom(self, children):
        return Node("binom", (children[1], children[2]))

    def sqrt(self, children):
        return Node("sqrt", (children[1],))

    def root(self, children):
        return Node("root", (children[1], children[2]))

    def boxed(self, children):
        return Node("paren", (children[1],), text="boxed")

    def brace_annot(self, children):
        return Node("paren", (children[1],), text="annotated")

    def underset(self, children):
        return Node("underset", (children[1], children[2]), text=_cmd(str(children[0])))

    def paren(self, children):
        return Node("paren", (children[0],), text="(")

    def bracket(self, children):
        return Node("paren", (children[0],), text="[")

    def brace(self, children):
        return Node("paren", (children[0],), text="{")

    def interval_co(self, children):
        return Node("interval", (children[0], "[)"))

    def interval_oc(self, children):
        return Node("interval", (children[0], "(]"))

    def floor(self, children):
        return Node("floor", (children[1],))

    def ceil(self, children):
        return Node("ceil", (children[1],))

    def inner(self, children):
        return Node("inner", (children[1],))

    def set(self, children):
        return Node("set", (children[1],))

    def norm(self, children):
        return Node("norm", (children[1],))

    def abs(self, children):
        return Node("abs", (children[1],))

    def environment(self, children):
        begin = str(children[0])
        name = begin[begin.index("{") + 1 : begin.index("}")].rstrip("*")
        return Node("env", (name, children[1]))

    # ------------------------------------------------------------ operators
    def bigop(self, children):
        op = _cmd(str(children[0]))
        scripts = children[1]
        return Node("bigop", (op, scripts.args[0], scripts.args[1], children[2]))

    def script_list(self, children):
        lower = upper = None
        it = iter(children)
        for marker, script in zip(it, it, strict=True):
            if str(marker) == "_":
                lower = script
            else:
                upper = script
        return Node("scripts", (lower, upper))

    def partial(self, children):
        order = None
        arg = None
        for child in children[1:]:
            if isinstance(child, Node) and child.kind == "partial_order":
                order = child.args[0]
            else:
                arg = child
        return Node("partial", (order, arg))

    def partial_order(self, children):
        return Node("partial_order", (children[-1],))

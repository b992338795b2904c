"""Reader for index-notation claims (`kind: index`): LaTeX -> a small tuple AST.

Never evaluates text.  Node kinds (first element of each tuple):

    ("num", v)  ("ref", name, idx, bold)  ("add", [..])  ("mul", [..])  ("tdot", a, b)  ("neg", a)
    ("pow", a, b)  ("transpose", a)  ("sum", var, body, lower, upper)  ("deriv", ref, ref)
    ("fn", name, arg)  ("max", a, b)  ("div", a, b)  ("norm", a)  ("comp", a, idx)
    ("matrix", rows)  ("diag", items)  ("dots",)  ("cases", [(value, cond | None)])  ("rel", op, a, b)
    ("and", [rel, ..])

`idx` is a tuple of index atoms: a letter (`i`), a multi-index letter (`i_1`), a numeral (`1`) or a
size name (`N`, `N_o`).  A subscript with commas is split at the commas (`x_{1,N_i}`), one without
commas letter by letter (`W_{jk}`, `x_{11}`).
"""

from __future__ import annotations

import re

LABELS = {"H", "O"}
STOP = {None, "+", "-", ")", "}", "]", "=", ",", "&", "\\\\", "\\if", "\\for", "<", ">", "<=", ">=",
        "\\neq", "\\end", "\\|"}
_FONTS = r"mathrm|text|mathcal|rm|mathbf|boldsymbol|mathsf|bm|operatorname"


class IndexError_(ValueError):
    """The claim cannot be read or evaluated as written (shape, index or range problem)."""


def clean(s: str) -> str:
    s = re.sub(r"\\text\s*\{\s*(if|for|when)\s*\}", r" \\if ", s)
    s = re.sub(r"\\text\s*\{\s*(else|otherwise)\s*\}", r" \\else ", s)
    s = re.sub(r"\\operatorname\*?\s*\{\s*diag\s*\}", r" \\diag ", s)
    s = re.sub(r"\\(left|right)\s*\\\|", r" \\| ", s)
    s = re.sub(r"\\(left|right|scriptscriptstyle|displaystyle|rm|,|;|!)(?![a-zA-Z])", " ", s)
    s = re.sub(r"\\hat\s*\{\s*\\(mathbf|boldsymbol|bm)\s*\{\s*y\s*\}\s*\}", "yhat", s)
    # bold names are whole tensors / slices: mark them (`!x_i` is row i of x; plain `W_k` must be complete)
    s = re.sub(r"\\(mathbf|boldsymbol|bm)\s*\{\s*(\\?[A-Za-z]+)\s*\}", r" !\2", s)
    for _ in range(2):
        s = re.sub(rf"\\({_FONTS})\s*\{{([^{{}}]*)\}}", r"\2", s)
    s = re.sub(rf"\\({_FONTS})\s+", "", s)
    s = re.sub(r"\\top(?![a-zA-Z])", "T", s)
    s = s.replace(r"\hat{y}", "yhat").replace(r"\hat y", "yhat")
    s = s.replace(r"\alpha", "alpha").replace(r"\ell", "l").replace(":=", "=")
    s = re.sub(r"\\(cdots|ldots|vdots|ddots|dots)(?![a-zA-Z])|\.\.\.", r" \\dots ", s)
    s = re.sub(r"\\(geq|ge)(?![a-zA-Z])", ">=", s)
    s = re.sub(r"\\(leq|le)(?![a-zA-Z])", "<=", s)
    s = re.sub(r"\\ne(?![a-zA-Z])", r"\\neq", s)
    s = re.sub(r"(\\quad|[,.;\s])*$", "", s)
    return s


_TOK = re.compile(r"\s*(\\begin\{\w+\}(?:\{[^{}]*\})?|\\end\{\w+\}|\\\\|\\\||\\[A-Za-z]+|yhat|alpha"
                  r"|[A-Za-z]'*|\d+\.?\d*|<=|>=|[-+(){}\[\]_^,=<>&|!])")


def tokens(s: str) -> list[str]:
    out, pos, s = [], 0, s.strip()
    while pos < len(s):
        m = _TOK.match(s, pos)
        if not m or not m.group(1):
            if not s[pos:].strip():
                break
            raise IndexError_(f"cannot read {s[pos:pos + 15]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


def expand_orders(s: str, orders: dict[str, int]) -> str:
    """`i_1,...,i_r` -> `i_1,i_2` and `\\sum_{j_1=0}^{N_1-1} \\dots \\sum_{j_r=0}^{N_r-1}` -> r sums,
    for an order letter r declared with a size."""
    def one(m: re.Match) -> str:
        letter, order = m.group(1), m.group(2)
        if order not in orders:
            raise IndexError_(f"the order {order} of {letter}_1, ..., {letter}_{order} is not declared")
        return ",".join(f"{letter}_{k}" for k in range(1, orders[order] + 1))

    s = re.sub(r"\\sum_\{\s*([a-z])_1\s*=\s*0\s*\}\^\{[^{}]*\}\s*\\dots\s*\\sum_\{\s*\1_([a-z])\s*=\s*0\s*\}"
               r"\^\{[^{}]*\}",
               lambda m: " ".join(rf"\sum_{{{v}}}" for v in one(m).split(",")), s)
    return re.sub(r"([a-z])_1\s*,\s*\\dots\s*,\s*\1_([a-z])", one, s)


def _atoms(group: list[str]) -> tuple[str, ...]:
    group = [t for t in group if t not in ("{", "}")]
    if "," in group:
        parts, cur = [], []
        for t in group + [","]:
            if t == ",":
                if cur:
                    parts.append("".join(cur))
                cur = []
            else:
                cur.append(t)
        return tuple(parts)
    out: list[str] = []
    for t in group:
        if out and out[-1].endswith("_"):
            out[-1] += t  # j_1: one index with its own subscript
        elif t == "_" and out:
            out[-1] += "_"
        else:
            out.extend(t if t.isdigit() else [t])
    return tuple(out)


class Parser:
    def __init__(self, toks: list[str], funcs: frozenset[str] = frozenset()) -> None:
        self.t, self.k, self.funcs, self.norm = toks, 0, funcs, 0

    def sub(self, toks: list[str]) -> Parser:
        p = Parser(toks, self.funcs)
        return p

    def peek(self, ahead: int = 0):
        return self.t[self.k + ahead] if self.k + ahead < len(self.t) else None

    def take(self, want=None):
        tok = self.peek()
        if want is not None and tok != want:
            raise IndexError_(f"expected {want!r}, got {tok!r}")
        self.k += 1
        return tok

    def skip_amp(self) -> None:
        while self.peek() == "&":
            self.k += 1

    def group(self) -> list[str]:
        if self.peek() == "{":
            self.take("{")
            depth, start = 1, self.k
            while depth:
                tok = self.take()
                if tok is None:
                    raise IndexError_("unbalanced braces")
                depth += {"{": 1, "}": -1}.get(tok, 0)
            return self.t[start:self.k - 1]
        return [self.take()]

    def until_close(self, close: str) -> list[str]:
        opens = {"(": ")", "[": "]", "{": "}"}
        depth, start = 0, self.k
        while True:
            tok = self.take()
            if tok is None:
                raise IndexError_(f"missing {close!r}")
            if tok in opens:
                depth += 1
            elif tok in opens.values():
                if depth == 0 and tok == close:
                    return self.t[start:self.k - 1]
                depth -= 1

    def expr(self):
        self.skip_amp()
        terms, sign = [], 1
        while self.peek() in ("+", "-"):
            sign = -sign if self.take() == "-" else sign
        terms.append(self.term() if sign > 0 else ("neg", self.term()))
        while self.peek() in ("+", "-"):
            op = self.take()
            t = self.term()
            terms.append(t if op == "+" else ("neg", t))
        return terms[0] if len(terms) == 1 else ("add", terms)

    def term(self):
        fs: list = []
        while self.peek() not in STOP or (self.peek() == "\\|" and not self.norm):
            if self.peek() == "\\cdot":
                self.take()
                if not fs:
                    raise IndexError_("nothing before \\cdot")
                left = fs.pop() if len(fs) == 1 else ("mul", fs[:])
                fs[:] = [("tdot", left, self.factor())]
                continue
            if self.peek() == "\\else":
                break
            fs.append(self.factor())
        if not fs:
            raise IndexError_(f"empty term before {self.peek()!r}")
        return fs[0] if len(fs) == 1 else ("mul", fs)

    def factor(self):
        a = self.atom()
        while self.peek() in ("^", "_"):
            kind = self.take()
            g = self.group()
            if kind == "_":
                a = ("comp", a, _atoms(g))
            elif g in (["T"], ["top"]):
                a = ("transpose", a)
            else:
                a = ("pow", a, self.sub(g).expr())
        return a

    def atom(self):
        tok = self.take()
        if tok in ("(", "["):
            inner = self.sub(self.until_close(")" if tok == "(" else "]"))
            e = inner.expr()
            if inner.peek() is not None:
                raise IndexError_(f"unexpected {inner.peek()!r} in a bracket")
            return e
        if tok == "{":
            self.k -= 1
            return self.sub(self.group()).expr()
        if tok == "\\|":
            self.norm += 1
            e = self.expr()
            self.norm -= 1
            self.take("\\|")
            return ("norm", e)
        if tok is not None and re.fullmatch(r"\d+\.?\d*", tok):
            return ("num", tok)
        if tok == "\\dots":
            return ("dots",)
        if tok == r"\frac":
            a, b = self.group(), self.group()
            if a and a[0] == r"\partial" and b and b[0] == r"\partial":
                return ("deriv", self.sub(a[1:]).ref(), self.sub(b[1:]).ref())
            return ("div", self.sub(a).expr(), self.sub(b).expr())
        if tok == r"\sum":
            self.take("_")
            sub = self.group()
            var, lower = "".join(t for t in sub if t not in "{}").partition("=")[::2]
            upper = None
            if self.peek() == "^":
                self.take()
                upper = "".join(t for t in self.group() if t not in "{}")
            return ("sum", var, self.term(), lower or None, upper)
        if tok in (r"\exp", r"\ln", r"\log"):
            return ("fn", "exp" if tok == r"\exp" else "log", self.factor_arg())
        if tok == r"\max":
            self.take("(")
            inner = self.sub(self.until_close(")"))
            a = inner.expr()
            inner.take(",")
            return ("max", a, inner.expr())
        if tok == r"\diag":
            self.take("(")
            toks = self.until_close(")")
            return ("diag", [self._cell(c) for c in _split(toks, ",")])
        if tok is not None and tok.startswith(r"\begin"):
            return self.environment(tok)
        if tok == "!" and self.peek() in ("(", "["):
            return self.atom()
        if tok == "e" and self.peek() == "^":
            self.take("^")
            return ("fn", "exp", self.sub(self.group()).expr())
        if tok is not None and (re.fullmatch(r"[A-Za-z]'+", tok) or (tok in self.funcs and self.peek() == "(")):
            return ("fn", tok, self.factor_arg())
        self.k -= 1
        return self.ref()

    def factor_arg(self):
        if self.peek() in ("(", "[", "{"):
            return self.atom()
        return self.factor()

    def _cell(self, toks: list[str]):
        toks = [t for t in toks if t != "&"]
        while toks and toks[-1] == ",":
            toks = toks[:-1]
        if toks and all(t == "\\dots" for t in toks):
            return ("dots",)
        p = self.sub(toks)
        e = p.expr()
        if p.peek() is not None:
            raise IndexError_(f"unexpected {p.peek()!r} in a matrix entry")
        return e

    def environment(self, begin: str):
        name = re.match(r"\\begin\{(\w+)\}", begin).group(1)
        depth, start = 1, self.k
        while depth:
            tok = self.take()
            if tok is None:
                break  # an unclosed environment runs to the end
            if tok.startswith(r"\begin"):
                depth += 1
            elif tok.startswith(r"\end"):
                depth -= 1
        body = self.t[start:self.k - 1] if depth == 0 else self.t[start:]
        rows = [r for r in _split(body, "\\\\") if r]
        if name == "cases":
            return ("cases", [self._case(r) for r in rows])
        return ("matrix", [[self._cell(c) for c in _split(r, "&")] for r in rows])

    def _case(self, row: list[str]):
        cells = _split(row, "&")
        value = self._cell(cells[0])
        cond = [t for c in cells[1:] for t in c]
        if not cond or cond[0] == "\\else":
            return value, None
        if cond[0] == "\\if":
            cond = cond[1:]
        return value, self.sub(cond).condition()

    def condition(self):
        rels = []
        while self.peek() is not None:
            a = self.expr()
            op = self.take()
            if op not in ("<", ">", "<=", ">=", "\\neq", "="):
                raise IndexError_(f"expected a relation, got {op!r}")
            rels.append(("rel", op, a, self.expr()))
            if self.peek() == ",":
                self.take()
        return rels[0] if len(rels) == 1 else ("and", rels)

    def ref(self):
        bold = self.peek() == "!"
        if bold:
            self.take()
        name = self.take()
        if name is None or not re.fullmatch(r"[A-Za-z]|yhat|alpha", name):
            raise IndexError_(f"expected a name, got {name!r}")
        idx: tuple[str, ...] = ()
        label = ""
        while self.peek() in ("_", "^"):
            if self.peek() == "^":
                nxt = self.peek(1)
                if nxt == "{" and self.peek(2) in LABELS and self.peek(3) == "}":
                    self.k += 4
                    label = self.t[self.k - 2]
                    continue
                if nxt in LABELS:
                    self.k += 2
                    label = nxt
                    continue
                break
            self.take("_")
            idx += _atoms(self.group())
        return ("ref", name + (f"^{label}" if label else ""), idx, bold)


def _split(toks: list[str], sep: str) -> list[list[str]]:
    """Split at `sep` outside brackets and nested environments."""
    out, cur, depth = [], [], 0
    for t in toks:
        if t in ("(", "[", "{") or t.startswith(r"\begin"):
            depth += 1
        elif t in (")", "]", "}") or t.startswith(r"\end"):
            depth -= 1
        if t == sep and depth == 0:
            out.append(cur)
            cur = []
        else:
            cur.append(t)
    out.append(cur)
    return out


def substitute(toks: list[str], old: list[str], new: list[str]) -> list[str]:
    """Replace every occurrence of the token run `old` by `new`."""
    if not old:
        return toks
    out, k = [], 0
    while k < len(toks):
        if toks[k:k + len(old)] == old:
            out.extend(new)
            k += len(old)
        else:
            out.append(toks[k])
            k += 1
    return out


def parse_claim(toks: list[str], funcs: frozenset[str] = frozenset()):
    """(sides, condition): `A = B = C` with an optional trailing `\\text{for} i \\neq j`."""
    p = Parser(toks, funcs)
    sides = [p.expr()]
    p.skip_amp()
    while p.peek() == "=":
        p.take()
        sides.append(p.expr())
        p.skip_amp()
    cond = None
    if p.peek() in ("\\for", "\\if"):
        p.take()
        cond = p.condition()
    p.skip_amp()
    if p.peek() is not None:
        raise IndexError_(f"unexpected {p.peek()!r}")
    return sides, cond

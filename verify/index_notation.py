"""Index-notation gradients: instantiate small concrete sizes, compare every component.

Claim key `kind: index`; `expect:` is a list of lines (a model, never code)::

    - 'shape W = (3, 4)'            # tensor shapes (scalars need no line)
    - 'function f = sigmoid'        # f(.) and f'(.) in claims
    - 'z_{i} = \\sum_{j} W_{ij} x_{j} + b_{i}'   # definitions in index notation

Every undefined tensor gets random values.  A claim `\\frac{\\partial A_{..}}{\\partial B_{..}} = R_1 = R_2`
is read with a small index-notation reader: the left side is differentiated through the definitions
(quantities not on the path are held fixed), each right side is evaluated for every value of the free
indices, sums run over the full range of the position they index.  On a mismatch the checker tries a
sum over a stray free index and every swap of two index letters, and names the one that fixes it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

LABELS = {"H", "O"}
# ReLU as a Piecewise: sp.Max on symbolic arguments spends seconds looking for dominated arguments.
_FUNCS = {"sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "relu": lambda z: sp.Piecewise((z, z > 0), (0, True)),
          "exp": sp.exp}


class IndexError_(ValueError):
    pass


def _clean(s: str) -> str:
    s = re.sub(r"\\(left|right|scriptscriptstyle|displaystyle|,|;|!)", " ", s)
    s = re.sub(r"\\(mathrm|text|mathcal|rm|mathbf|boldsymbol)\s*\{([^{}]*)\}", r"\2", s)
    s = re.sub(r"\\(mathrm|text|mathcal|rm|mathbf|boldsymbol)\s+", "", s)
    s = s.replace(r"\hat{y}", "yhat").replace(r"\hat y", "yhat").replace(r"\cdot", " ")
    s = re.sub(r"(\\quad|[,.;\s])*$", "", s)
    s = s.replace(r"\alpha", "alpha").replace(r"\ell", "l").replace("&", " ")
    return s


_TOK = re.compile(r"\s*(\\frac|\\partial|\\sum|\\exp|\\ln|\\max|yhat|alpha|[A-Za-z]'?|\d+\.?\d*|[-+(){}_^,=]|\\[A-Za-z]+)")


def _tokens(s: str) -> list[str]:
    out, pos, s = [], 0, _clean(s).strip()
    while pos < len(s):
        m = _TOK.match(s, pos)
        if not m or not m.group(1):
            raise IndexError_(f"cannot read {s[pos:pos + 15]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


# AST: ("num", v) ("ref", name, idx:str) ("add", [..]) ("mul", [..]) ("neg", a) ("pow", a, b)
#      ("sum", var, body) ("d", ref, ref) ("fn", name, arg) ("div", a, b)
class _Parser:
    def __init__(self, toks: list[str]) -> None:
        self.t, self.k = toks, 0

    def peek(self):
        return self.t[self.k] if self.k < len(self.t) else None

    def take(self, want=None):
        tok = self.peek()
        if want is not None and tok != want:
            raise IndexError_(f"expected {want!r}, got {tok!r}")
        self.k += 1
        return tok

    def group(self):
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

    def expr(self):
        terms = []
        sign = 1
        while self.peek() in ("+", "-"):
            sign = -sign if self.take() == "-" else sign
        terms.append(self.term() if sign > 0 else ("neg", self.term()))
        while self.peek() in ("+", "-"):
            op = self.take()
            t = self.term()
            terms.append(t if op == "+" else ("neg", t))
        return terms[0] if len(terms) == 1 else ("add", terms)

    def term(self):
        fs = []
        while self.peek() not in (None, "+", "-", ")", "}", "=", ","):
            fs.append(self.factor())
        if not fs:
            raise IndexError_("empty term")
        return fs[0] if len(fs) == 1 else ("mul", fs)

    def factor(self):
        a = self.atom()
        if self.peek() == "^":
            self.take()
            b = self.group()
            a = ("pow", a, _Parser(b).expr())
        return a

    def atom(self):
        tok = self.take()
        if tok == "(":
            e = self.expr()
            self.take(")")
            return e
        if tok == "{":
            self.k -= 1
            return _Parser(self.group()).expr()
        if re.fullmatch(r"\d+\.?\d*", tok):
            return ("num", sp.nsimplify(tok))
        if tok == r"\frac":
            a, b = self.group(), self.group()
            if a and a[0] == r"\partial" and b and b[0] == r"\partial":
                return ("d", _Parser(a[1:]).ref(), _Parser(b[1:]).ref())
            return ("div", _Parser(a).expr(), _Parser(b).expr())
        if tok == r"\sum":
            self.take("_")
            sub = self.group()
            var = sub[0]
            if self.peek() == "^":
                self.take()
                self.group()
            return ("sum", var, self.term())
        if tok in (r"\exp", r"\ln"):
            return ("fn", "exp" if tok == r"\exp" else "log", self.atom())
        if tok == "e" and self.peek() == "^":
            self.take("^")
            return ("fn", "exp", _Parser(self.group()).expr())
        if re.fullmatch(r"[A-Za-z]'", tok) or (re.fullmatch(r"[a-z]", tok) and self.peek() == "(" and tok == "f"):
            return ("fn", tok, self.atom())
        self.k -= 1
        return self.ref()

    def ref(self):
        name = self.take()
        if name is None or not re.fullmatch(r"[A-Za-z]|yhat|alpha", name):
            raise IndexError_(f"expected a name, got {name!r}")
        idx, label = "", ""
        while self.peek() in ("_", "^"):
            if self.peek() == "^" and "".join(self.t[self.k + 1:self.k + 4]).strip("{}") not in LABELS:
                break
            kind = self.take()
            g = [t for t in self.group() if t not in (",",)]
            if kind == "_":
                idx += "".join(g)
            else:
                label = "".join(g)
        return ("ref", name + (f"^{label}" if label else ""), idx)


def parse(text: str):
    p = _Parser(_tokens(text))
    sides = [p.expr()]
    while p.peek() == "=":
        p.take()
        sides.append(p.expr())
    if p.peek() is not None:
        raise IndexError_(f"unexpected {p.peek()!r}")
    return sides


@dataclass
class Model:
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    defs: dict[str, tuple[str, object]] = field(default_factory=dict)  # name -> (index letters, body)
    funcs: dict[str, str] = field(default_factory=dict)
    syms: dict[tuple, sp.Symbol] = field(default_factory=dict)

    def leaf(self, name: str, idx: tuple[int, ...]) -> sp.Symbol:
        shape = self.shapes.get(name, ())
        if len(idx) != len(shape) or any(not 0 <= v < n for v, n in zip(idx, shape, strict=False)):
            raise IndexError_(f"{name} has shape {shape}; index {tuple(v + 1 for v in idx)} is out of range")
        key = (name, idx)
        if key not in self.syms:
            self.syms[key] = sp.Symbol(f"{name}{list(idx)}")
        return self.syms[key]


def build_model(lines: list[str]) -> Model:
    m = Model()
    for line in lines:
        line = str(line).strip()
        if mm := re.fullmatch(r"shape\s+(\S+)\s*=\s*\(([\d,\s]*)\)", line):
            m.shapes[mm.group(1)] = tuple(int(v) for v in mm.group(2).split(",") if v.strip())
        elif mm := re.fullmatch(r"function\s+(\w)\s*=\s*(\w+)", line):
            m.funcs[mm.group(1)] = mm.group(2)
        else:
            lhs, rhs = parse(line)
            if lhs[0] != "ref":
                raise IndexError_(f"definition must start with a name: {line!r}")
            m.defs[lhs[1]] = (lhs[2], rhs)
    return m


class _Eval:
    def __init__(self, model: Model, hold: frozenset[str] = frozenset()) -> None:
        self.m, self.hold = model, hold
        self.memo: dict[tuple[str, tuple[int, ...]], sp.Expr] = {}  # a defined component is built once

    def size(self, var: str, node) -> int:
        for name, idx in _refs(node):
            if var in idx:
                shape = self.m.shapes.get(name)
                if shape is None and name in self.m.defs:
                    continue
                if shape is not None and len(shape) == len(idx):
                    return shape[idx.index(var)]
        raise IndexError_(f"cannot tell the range of the summation index {var}")

    def ref(self, name: str, idx: str, env: dict[str, int]) -> sp.Expr:
        try:
            vals = tuple(env[c] for c in idx)
        except KeyError as exc:
            raise IndexError_(f"free index {exc.args[0]} in {name}_{idx} is not bound") from None
        if name in self.m.defs and name not in self.hold:
            letters, body = self.m.defs[name]
            shape = self.m.shapes.get(name, ())
            if len(vals) != len(letters) or any(not 0 <= v < n for v, n in zip(vals, shape, strict=False)):
                raise IndexError_(f"{name} has shape {shape}; index {tuple(v + 1 for v in vals)} is out of range")
            if (name, vals) not in self.memo:
                self.memo[(name, vals)] = self.ev(body, dict(zip(letters, vals, strict=True)))
            return self.memo[(name, vals)]
        return self.m.leaf(name, vals)

    def ev(self, node, env: dict[str, int]) -> sp.Expr:
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "ref":
            return self.ref(node[1], node[2], env)
        if kind == "add":
            return sp.Add(*(self.ev(a, env) for a in node[1]))
        if kind == "mul":
            return sp.Mul(*(self.ev(a, env) for a in node[1]))
        if kind == "neg":
            return -self.ev(node[1], env)
        if kind == "pow":
            return self.ev(node[1], env) ** self.ev(node[2], env)
        if kind == "div":
            return self.ev(node[1], env) / self.ev(node[2], env)
        if kind == "sum":
            var, body = node[1], node[2]
            return sp.Add(*(self.ev(body, {**env, var: v}) for v in range(self.size(var, body))))
        if kind == "fn":
            arg = self.ev(node[2], env)
            name = node[1]
            if name in ("exp", "log"):
                return getattr(sp, name)(arg)
            base = self.m.funcs.get(name.rstrip("'"))
            if base not in _FUNCS:
                raise IndexError_(f"unknown function {name}")
            z = sp.Dummy("z")
            f = _FUNCS[base](z)
            return (sp.diff(f, z) if name.endswith("'") else f).subs(z, arg)
        if kind == "d":
            (_, a_name, a_idx), (_, b_name, b_idx) = node[1], node[2]
            held = _Eval(self.m, self.hold | {b_name})
            top = held.ref(a_name, a_idx, env)
            var = self.m.leaf(b_name, tuple(env[c] for c in b_idx)) if b_name in self.m.defs else \
                held.ref(b_name, b_idx, env)
            d = sp.diff(top, var)
            if b_name in self.m.defs:  # put the held quantity back
                d = _unhold(d, self.m, b_name)
            return d
        raise IndexError_(f"cannot evaluate {kind}")


def _unhold(expr: sp.Expr, model: Model, name: str) -> sp.Expr:
    reps = {}
    for (n, idx), sym in list(model.syms.items()):
        if n == name and sym in expr.free_symbols:
            letters = model.defs[name][0]
            reps[sym] = _Eval(model).ev(model.defs[name][1], dict(zip(letters, idx, strict=True)))
    return expr.xreplace(reps)


def _refs(node):
    if node[0] == "ref":
        yield node[1], node[2]
    elif node[0] in ("add", "mul"):
        for a in node[1]:
            yield from _refs(a)
    elif node[0] in ("neg",):
        yield from _refs(node[1])
    elif node[0] in ("pow", "div"):
        yield from _refs(node[1])
        yield from _refs(node[2])
    elif node[0] == "sum":
        yield from _refs(node[2])
    elif node[0] == "fn":
        yield from _refs(node[2])
    elif node[0] == "d":
        yield from _refs(node[1])
        yield from _refs(node[2])


def _free(node, bound=frozenset()) -> set[str]:
    if node[0] == "sum":
        return _free(node[2], bound | {node[1]})
    if node[0] == "ref":
        return set(node[2]) - bound
    if node[0] == "d":
        return (set(node[1][2]) | set(node[2][2])) - bound
    kids = node[1] if node[0] in ("add", "mul") else [c for c in node[1:] if isinstance(c, tuple)]
    return set().union(*(_free(c, bound) for c in kids)) if kids else set()


def _rename(node, a: str, b: str):
    swap = {a: b, b: a}
    if node[0] == "ref":
        return ("ref", node[1], "".join(swap.get(c, c) for c in node[2]))
    if node[0] == "sum":
        return ("sum", swap.get(node[1], node[1]), _rename(node[2], a, b))
    if node[0] in ("add", "mul"):
        return (node[0], [_rename(c, a, b) for c in node[1]])
    return tuple(_rename(c, a, b) if isinstance(c, tuple) else c for c in node)


@dataclass
class IndexVerdict:
    verdict: str
    message: str


def _ranges(lhs, model: Model) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, idx in _refs(lhs):
        shape = model.shapes.get(name, ())
        for pos, c in enumerate(idx):
            if pos < len(shape):
                out.setdefault(c, shape[pos])
    return out


def _agree(lhs, rhs, model: Model, ranges: dict[str, int], values: dict) -> tuple[bool, str]:
    letters = sorted(ranges)
    for combo in itertools.product(*(range(ranges[c]) for c in letters)):
        env = dict(zip(letters, combo, strict=True))
        a, b = _Eval(model).ev(lhs, env), _Eval(model).ev(rhs, env)
        _extend(values, model, np.random.default_rng(len(values)))
        a, b = a.xreplace(values), b.xreplace(values)
        if abs(complex(sp.N(a - b))) > 1e-9 * (1 + abs(complex(sp.N(a)))):
            where = ", ".join(f"{c}={v + 1}" for c, v in env.items())
            return False, f"component {where}: claim {float(sp.N(b)):.6g}, derived {float(sp.N(a)):.6g}"
    return True, ""


def check_index_claim(latex: str, expect, seed: int = 0) -> IndexVerdict:
    try:
        model = build_model(expect if isinstance(expect, list) else [expect])
        sides = parse(latex)
    except IndexError_ as exc:
        return IndexVerdict("unparsed", str(exc))
    if len(sides) < 2:
        return IndexVerdict("unparsed", "expected LHS = RHS")
    lhs = sides[0]
    if lhs[0] == "d" and lhs[1][1] not in model.defs and lhs[1][1] not in model.shapes:
        return _undefined_top(sides, model, seed)
    return check_index_claim_sides(sides, model, seed)


def check_index_claim_sides(sides: list, model: Model, seed: int = 0) -> IndexVerdict:
    """Every right side of a parsed claim against the derivative on its left, component by component."""
    lhs = sides[0]
    ranges = _ranges(lhs, model)
    rng = np.random.default_rng(seed)
    try:
        _Eval(model).ev(lhs, {c: 0 for c in ranges})
        for r in sides[1:]:
            try:
                _Eval(model).ev(r, {c: 0 for c in ranges | {c: 1 for c in _free(r)}})
            except IndexError_:
                pass
    except IndexError_ as exc:
        return IndexVerdict("unverified", str(exc))
    values = {s: sp.Float(rng.normal() * 0.8, 15) for s in model.syms.values()}
    free_l = _free(lhs)
    for k, rhs in enumerate(sides[1:], start=2):
        prefix = f"side {k} of {len(sides)}: "
        stray = _free(rhs) - free_l
        try:
            if stray:
                fixed = rhs
                for c in sorted(stray):
                    fixed = ("sum", c, fixed)
                ok, _ = _agree(lhs, fixed, model, ranges, _extend(values, model, rng))
                hint = f"; with a sum over {', '.join(sorted(stray))} it would be right" if ok else ""
                return IndexVerdict("wrong", prefix + f"free index {', '.join(sorted(stray))} not on the left side "
                                    f"(a missing sum over {', '.join(sorted(stray))}?){hint}")
            ok, why = _agree(lhs, rhs, model, ranges, _extend(values, model, rng))
        except IndexError_ as exc:
            ok, why = False, str(exc)
        if ok:
            continue
        hint = _which_swap(lhs, rhs, model, ranges, values, rng)
        return IndexVerdict("wrong", prefix + why + hint)
    return IndexVerdict("correct", f"every component agrees for sizes {ranges or 'scalar'} with random tensors")


def _undefined_top(sides: list, model: Model, seed: int) -> IndexVerdict:
    """The claim differentiates a quantity the problem never defines (a name carried over from another
    problem): ill-posed as written; say which defined scalar would make every side right."""
    name = sides[0][1][1]
    verdict = IndexVerdict("ill-posed", f"{name} is not defined in this problem")
    for candidate, (letters, _) in model.defs.items():
        if letters:
            continue
        renamed = [_replace_ref(side, name, candidate) for side in sides]
        try:
            ok = check_index_claim_sides(renamed, model, seed).verdict == "correct"
        except IndexError_:
            ok = False
        if ok:
            verdict.message += f"; with {candidate} in place of {name} every side would be right"
            break
    return verdict


def _extend(values: dict, model: Model, rng) -> dict:
    for s in model.syms.values():
        if s not in values:
            values[s] = sp.Float(rng.normal() * 0.8, 15)
    return values


def _which_swap(lhs, rhs, model, ranges, values, rng) -> str:
    letters = sorted({c for _, idx in _refs(rhs) for c in idx})
    for a, b in itertools.combinations(letters, 2):
        # swap the two letters in one tensor reference at a time
        for target in {n for n, idx in _refs(rhs) if a in idx or b in idx}:
            cand = _rename_in(rhs, target, a, b)
            try:
                ok, _ = _agree(lhs, cand, model, ranges, _extend(values, model, rng))
            except IndexError_:
                continue
            if ok:
                return f"; indices {a} and {b} of {target} look swapped"
    return ""


def _replace_ref(node, name: str, scalar: str):
    """Every reference to tensor `name` (any indices) becomes the scalar `scalar`."""
    if node[0] == "ref":
        return ("ref", scalar, "") if node[1] == name else node
    if node[0] in ("add", "mul"):
        return (node[0], [_replace_ref(c, name, scalar) for c in node[1]])
    return tuple(_replace_ref(c, name, scalar) if isinstance(c, tuple) else c for c in node)


def _rename_in(node, target: str, a: str, b: str):
    if node[0] == "ref" and node[1] == target:
        return _rename(node, a, b)
    if node[0] == "ref":
        return node
    if node[0] in ("add", "mul"):
        return (node[0], [_rename_in(c, target, a, b) for c in node[1]])
    if node[0] == "sum":
        return ("sum", node[1], _rename_in(node[2], target, a, b))
    return tuple(_rename_in(c, target, a, b) if isinstance(c, tuple) else c for c in node)

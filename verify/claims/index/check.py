"""Index-notation claims: instantiate small concrete sizes, compare every component.

Claim key `kind: index`; `expect:` is a list of lines (a model, never code)::

    - 'shape W = (3, 4)'            # tensor shapes (scalars need no line)
    - 'size N = 3'                  # a size name used in subscripts / sum bounds / orders (x_{1,N_i}, i_1..i_r)
    - 'function f = sigmoid'        # f(.) and f'(.) in claims (sigmoid, relu, exp)
    - 'value r = [[0, 1], [1, 0]]'  # constant data (e.g. one-hot labels)
    - 'alias g_{\\text{loss}}(\\mathbf{z}_i, y_i) -> g_{i}'   # the notes' notation for a model quantity
    - 'equals before: \\sum_{j} a_{j}'   # read the claim with an '=' the notes left out (reported)
    - 'z_{i} = \\sum_{j} W_{ij} x_{j} + b_{i}'   # definitions in index notation

Every undefined tensor gets random values.  A claim `LHS = R_1 = R_2 [\\text{ for } cond]` is read by the
one grammar (verify/claims/index/parse.py); the left side is evaluated through the definitions (a derivative
`\\frac{\\partial A}{\\partial B}` holds B fixed as an independent quantity), each right side is evaluated
for every value of the free indices (bold names without indices are whole tensors: products are matrix
products, `\\cdot` between derivatives a tensor dot product) and compared component by component; a
disagreement is confirmed with exact rationals to 40 digits.  A free index outside its sum, a tensor with
the wrong number of indices or an undeclared one is ill-posed.  The checker names the repair that fixes
a claim: a sum over a stray index, a swapped or replaced index letter, a dropped sum, another tensor.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy as sp

from derive.gradient import partials
from derive.safe import as_expr, number_list
from verify.claims.context import ClaimContext
from verify.claims.index import hints
from verify.claims.index import parse as reader
from verify.claims.index.errors import IndexError_
from verify.claims.index.hints import IndexVerdict
from verify.claims.index.indices import index_lists
from verify.claims.index.patterns import elementwise as _elementwise
from verify.claims.index.patterns import expand
from verify.claims.index.patterns import mul as _mul
from verify.claims.index.values import agree, precise_value, shown
from verify.result import ClaimResult, Verdict

__all__ = ["IndexError_", "IndexVerdict", "Model", "build_model", "check_index_claim", "parse"]

# ReLU as a Piecewise: sp.Max on symbolic arguments spends seconds looking for dominated arguments.
_FUNCS = {"sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "relu": lambda z: sp.Piecewise((z, z > 0), (0, True)),
          "exp": sp.exp}


class BoundError(IndexError_):
    """A sum's stated range differs from the size of the dimension its index runs over."""


class Undefined(Exception):
    """The claim gives no value here (no `cases` row applies)."""


@dataclass
class Model:
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    defs: dict[str, tuple[tuple[str, ...], object]] = field(default_factory=dict)
    funcs: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    data: dict[str, np.ndarray] = field(default_factory=dict)
    aliases: list[reader.Alias] = field(default_factory=list)
    equals_before: list[tuple[str, object]] = field(default_factory=list)   # (spelling, its tree)
    syms: dict[tuple, sp.Symbol] = field(default_factory=dict)
    valuation: dict[sp.Symbol, sp.Float] = field(default_factory=dict)
    seed: int = 0
    cache: dict[tuple, object] = field(default_factory=dict)  # components and derivatives, built once

    def shape_of(self, name: str) -> tuple[int, ...]:
        if name in self.data:
            return self.data[name].shape
        return self.shapes.get(name, ())

    def exact_valuation(self) -> dict[sp.Symbol, Fraction]:
        """The valuation's floats as the exact binary fractions they are (built once per set of leaves)."""
        key = ("exact", len(self.valuation))
        if key not in self.cache:
            self.cache[key] = {s: Fraction(float(v)) for s, v in self.valuation.items()}
        return self.cache[key]

    def declared(self, name: str) -> bool:
        return name in self.shapes or name in self.defs or name in self.data

    def leaf(self, name: str, idx: tuple[int, ...]) -> sp.Expr:
        if name in self.data:
            return sp.nsimplify(self.data[name][idx])
        key = (name, idx)
        if key not in self.syms:
            sym = sp.Symbol(f"{name}{list(idx)}")
            self.syms[key] = sym
            rng = np.random.default_rng([self.seed, len(self.syms)])
            self.valuation[sym] = sp.Float(rng.normal() * 0.8, 15)
        return self.syms[key]

    def prepare(self, latex: str):
        """The grammar's tree of a formula with the notes' spellings (`alias` lines) replaced."""
        tree = reader.tree_of(latex)
        for a in self.aliases:
            tree = reader.substitute(tree, a)
        return tree

    def reading(self, swap: tuple[frozenset[str], str, str] | None = None) -> reader.Reading:
        return reader.Reading(self.sizes, frozenset(self.funcs) | {"f"}, swap)


def parse(text: str, model: Model | None = None):
    """The sides of a claim `A = B = ...` (tuple AST)."""
    model = model or Model()
    sides, _ = reader.parse_claim(model.prepare(text), model.reading())
    return sides


def build_model(lines: list[str], seed: int = 0) -> Model:
    m = Model(seed=seed)
    for line in lines:
        line = str(line).strip()
        if mm := re.fullmatch(r"shape\s+(\S+)\s*=\s*\(([\d,\s]*)\)", line):
            m.shapes[mm.group(1)] = tuple(int(v) for v in mm.group(2).split(",") if v.strip())
        elif mm := re.fullmatch(r"size\s+(\S+)\s*=\s*(\d+)", line):
            m.sizes[mm.group(1).replace("{", "").replace("}", "")] = int(mm.group(2))
        elif mm := re.fullmatch(r"function\s+(\w)\s*=\s*(\w+)", line):
            m.funcs[mm.group(1)] = mm.group(2)
        elif mm := re.fullmatch(r"value\s+(\S+)\s*=\s*(.+)", line):
            try:
                m.data[mm.group(1)] = np.asarray(number_list(mm.group(2)), dtype=float)
            except (ValueError, SyntaxError):
                raise IndexError_(f"value {mm.group(1)}: not a literal list of numbers") from None
        elif mm := re.fullmatch(r"alias\s+(.+?)\s*->\s*(.+)", line):
            m.aliases.append(reader.alias(mm.group(1), mm.group(2)))
        elif mm := re.fullmatch(r"equals before:\s*(.+)", line):
            m.equals_before.append((mm.group(1).strip(), reader.tree_of(mm.group(1))))
        else:
            sides, _ = reader.parse_claim(m.prepare(line), m.reading())
            if len(sides) != 2 or sides[0][0] != "ref":
                raise IndexError_(f"definition must be `name_{{indices}} = ...`: {line!r}")
            m.defs[sides[0][1]] = (sides[0][2], sides[1])
    for name, (letters, _) in m.defs.items():
        if name in m.shapes and len(letters) != len(m.shapes[name]):
            raise IndexError_(f"definition of {name}: {len(letters)} indices written but {name} has shape "
                              f"{m.shapes[name]}; define it component by component (`{name}_{{i}} = ...`)")
    return m


def _show(name: str, idx=()) -> str:
    base, _, label = name.partition("^")
    sub = f"_{{{','.join(idx) if any(len(a) > 1 for a in idx) else ''.join(idx)}}}" if idx else ""
    return base + sub + (f"^{label}" if label else "")


class Eval:
    def __init__(self, model: Model, hold: frozenset[str] = frozenset(),
                 target: tuple[int, ...] | None = None) -> None:
        self.m, self.hold, self.target = model, hold, target

    def atom_value(self, a: str) -> int | None:
        if a.isdigit():
            return int(a) - 1
        if a in self.m.sizes:
            return self.m.sizes[a] - 1
        return None

    def index(self, a: str, env: dict[str, int]) -> int:
        if a in env:
            return env[a]
        v = self.atom_value(a)
        if v is None:
            raise IndexError_(f"free index {a} is not bound")
        return v

    def ref(self, name: str, idx: tuple[str, ...], env: dict[str, int], bold: bool = True):
        if not idx and name in env and not self.m.declared(name):
            return sp.Integer(env[name] + 1)  # an index letter in a condition (i \neq j)
        shape = self.m.shape_of(name)
        if name in self.m.defs and not shape and self.m.defs[name][0]:
            raise IndexError_(f"the shape of {name} is not declared")
        if len(idx) > len(shape):
            what = f"{_show(name)} is not declared in this problem" if not self.m.declared(name) else \
                f"{_show(name)} has {len(shape)} index(es) (shape {shape})"
            raise IndexError_(f"{what}, but the claim writes {_show(name, idx)}")
        if idx and not bold and len(idx) < len(shape):
            raise IndexError_(f"{_show(name)} has {len(shape)} indices (shape {shape}), but the claim writes "
                              f"{_show(name, idx)}")
        vals = tuple(self.index(a, env) for a in idx)
        for a, v, n in zip(idx, vals, shape, strict=False):
            if not 0 <= v < n:
                raise IndexError_(f"{_show(name, idx)}: index {a} = {v + 1} is out of range (shape {shape})")
        rest = shape[len(vals):]
        if not rest:
            return self.component(name, vals)
        out = np.empty(rest, dtype=object)
        for tail in np.ndindex(*rest):
            out[tail] = self.component(name, vals + tail)
        return out

    def component(self, name: str, vals: tuple[int, ...]) -> sp.Expr:
        if name in self.m.defs and name not in self.hold:
            key = (name, vals, self.hold)
            if key not in self.m.cache:
                letters, body = self.m.defs[name]
                inner = self if self.target is None else Eval(self.m, self.hold)
                self.m.cache[key] = inner.ev(body, dict(zip(letters, vals, strict=True)))
            return self.m.cache[key]
        return self.m.leaf(name, vals)

    def size(self, var: str, node) -> int:
        for name, idx in hints.refs(node):
            shape = self.m.shape_of(name)
            if var in idx and len(shape) >= idx.index(var) + 1:
                return shape[idx.index(var)]
        raise IndexError_(f"cannot tell the range of the summation index {var}")

    def _bound(self, text: str | None, default: int) -> int | None:
        if text is None:
            return default
        if mm := re.fullmatch(r"(\w+)-(\d+)", text):
            base = self._bound(mm.group(1), default)
            return None if base is None else base - int(mm.group(2))
        if text.isdigit():
            return int(text)
        return self.m.sizes.get(text)

    def ev(self, node, env: dict[str, int]):
        kind = node[0]
        if kind == "num":
            return sp.nsimplify(node[1].rstrip("."))
        if kind == "ref":
            return self.ref(node[1], node[2], env, bold=len(node) > 3 and node[3])
        if kind == "add":
            vals = [self.ev(a, env) for a in node[1]]
            shapes = {np.shape(v) for v in vals}
            if len(shapes) > 1:
                raise IndexError_(f"adding terms of shapes {sorted(shapes)}")
            return sum(vals[1:], vals[0])
        if kind == "mul":
            out = self.ev(node[1][0], env)
            for a in node[1][1:]:
                out = _mul(out, self.ev(a, env))
            return out
        if kind == "tdot":
            a, b = self.ev(node[1], env), self.ev(node[2], env)
            left = node[1]
            k = len(self.m.shape_of(left[2][1])) - len(left[2][2]) if left[0] == "deriv" else 0
            if not k:
                return _mul(a, b)
            try:
                return np.tensordot(a, b, axes=k)
            except ValueError as exc:
                raise IndexError_(f"tensor dot product: {exc}") from None
        if kind == "neg":
            return -self.ev(node[1], env)
        if kind in ("pow", "div"):
            a, b = self.ev(node[1], env), self.ev(node[2], env)
            if isinstance(b, np.ndarray) or (kind == "pow" and isinstance(a, np.ndarray)):
                raise IndexError_(f"{'power' if kind == 'pow' else 'division'} of a tensor")
            return a ** b if kind == "pow" else a / b
        if kind == "transpose":
            a = self.ev(node[1], env)
            return a.T if isinstance(a, np.ndarray) else a
        if kind == "comp":
            a = self.ev(node[1], env)
            vals = tuple(self.index(x, env) for x in node[2])
            if not isinstance(a, np.ndarray) or len(vals) > a.ndim:
                raise IndexError_(f"too many indices {','.join(node[2])} for a tensor of shape {np.shape(a)}")
            return a[vals]
        if kind == "sum":
            _, var, body, lower, upper = node
            n = self.size(var, body)
            lo = self._bound(lower, 1)
            hi = self._bound(upper, n - 1 + (lo or 0))
            if upper is not None and lo is not None and hi is not None and hi - lo + 1 != n:
                raise BoundError(f"the sum over {var} runs to {upper} ({hi - lo + 1} terms), but {var} "
                                  f"indexes a dimension of size {n}")
            vals = [self.ev(body, {**env, var: v}) for v in range(n)]
            return sum(vals[1:], vals[0])
        if kind == "fn":
            return _elementwise(self._fn(node[1]), self.ev(node[2], env))
        if kind == "max":
            a, b = self.ev(node[1], env), self.ev(node[2], env)
            return sp.Piecewise((a, a >= b), (b, True))
        if kind == "norm":
            a = self.ev(node[1], env)
            return sp.sqrt(sum(e ** 2 for e in np.asarray(a, dtype=object).flat))
        if kind == "deriv":
            return self._deriv(node[1], node[2], env)
        if kind in ("matrix", "diag"):
            return expand(self, node, env, self.target, self.atom_value)
        if kind == "cases":
            for value, cond in node[1]:
                if cond is None or self.truth(cond, env):
                    return self.ev(value, env)
            raise Undefined
        raise IndexError_(f"cannot evaluate {kind}" if kind != "dots" else "an ellipsis outside a matrix")

    def _fn(self, name: str):
        if name in ("exp", "log"):
            return getattr(sp, name)
        base = self.m.funcs.get(name.rstrip("'"))
        if base not in _FUNCS:
            raise IndexError_(f"unknown function {name}")
        z = sp.Dummy("z")
        f = _FUNCS[base](z)
        f = sp.diff(f, z, name.count("'")) if name.count("'") else f
        return sp.Lambda(z, f)

    def truth(self, cond, env: dict[str, int]) -> bool:
        if cond[0] == "and":
            return all(self.truth(c, env) for c in cond[1])
        _, op, a, b = cond
        x = float(sp.N(as_expr(self.ev(a, env)).xreplace(self.m.valuation)))
        y = float(sp.N(as_expr(self.ev(b, env)).xreplace(self.m.valuation)))
        return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y, "=": x == y, "\\neq": x != y}[op]

    def _deriv(self, num, den, env):
        try:
            key = ("d", num[1], tuple(self.index(a, env) for a in num[2]), den[1],
                   tuple(self.index(a, env) for a in den[2]), self.hold)
        except IndexError_:
            key = None
        if key is None:
            return self._deriv_new(num, den, env)
        if key not in self.m.cache:
            self.m.cache[key] = self._deriv_new(num, den, env)
        return self.m.cache[key]

    def _deriv_new(self, num, den, env):
        held = Eval(self.m, self.hold | {den[1]})
        top = held.ref(num[1], num[2], env)
        var = held.ref(den[1], den[2], env)
        ta, va = np.asarray(top, dtype=object), np.asarray(var, dtype=object)
        out = np.empty(ta.shape + va.shape, dtype=object)
        cells = list(np.ndindex(*va.shape))   # every entry of the variable in one reverse sweep (derive/gradient.py)
        for a in np.ndindex(*ta.shape):
            for b, d in zip(cells, partials(as_expr(ta[a]), [va[b] for b in cells]), strict=True):
                out[a + b] = _unhold(d, self.m, den[1]) if den[1] in self.m.defs else d
        return out[()] if out.shape == () else out


def _unhold(expr: sp.Expr, model: Model, name: str) -> sp.Expr:
    reps = {}
    free = expr.free_symbols   # (computed once: SymPy walks the expression for it every time)
    for (n, idx), sym in list(model.syms.items()):
        if n == name and sym in free:
            reps[sym] = Eval(model).component(name, idx)
    return expr.xreplace(reps)


def check_index_claim(latex: str, expect, seed: int = 0, hint: bool = True,
                      swap: tuple[frozenset[str], str, str] | None = None) -> IndexVerdict:
    """The verdict on one claim; `swap` exchanges two order letters in the index lists of some tensors
    (the order-swap hint reads the claim again with it)."""
    lines = []
    for item in expect if isinstance(expect, list) else [expect]:
        lines.extend(item if isinstance(item, list) else [item])  # a YAML alias inside a list nests
    try:
        model = build_model(lines, seed)
        tree = model.prepare(latex)
        note = ""
        for text, marker in model.equals_before:
            cut = reader.insert_equals(tree, marker, model.aliases)
            if cut is None:
                return IndexVerdict("unparsed", f"equals before: {text!r} is not at the end of the claim")
            tree = cut
            note = "read with the '=' the notes leave out before the last side; "
        sides, cond = reader.parse_claim(tree, model.reading(swap))
    except IndexError_ as exc:
        return IndexVerdict("unparsed", str(exc))
    if len(sides) < 2:
        return IndexVerdict("unparsed", "expected LHS = RHS")
    lhs = sides[0]
    if lhs[0] == "deriv" and not model.declared(lhs[1][1]):
        v = hints.undefined_top(sides, cond, model, check_sides)
    else:
        v = check_sides(sides, cond, model, hint=hint)
    if v.verdict == "ill-posed" and hint:
        v.message += hints.order_swap(list(index_lists(reader.tree_of(latex))), model.sizes,
                                      lambda swap: check_index_claim(latex, lines, seed, False, swap).verdict)
    v.message = note + v.message
    return v


def ranges(lhs, model: Model) -> dict[str, int]:
    """The range of every free index letter of the left side (from the shapes it indexes)."""
    out: dict[str, int] = {}

    def put(idx, shape):
        for pos, c in enumerate(idx):
            if pos < len(shape) and not c.isdigit() and c not in model.sizes:
                out.setdefault(c, shape[pos])

    def walk(node):
        if node[0] == "comp":
            put(node[2], np.shape(values_at(node[1], model, {})))
        for c in hints.kids(node):
            walk(c)
    for name, idx in hints.refs(lhs):
        put(idx, model.shape_of(name))
    walk(lhs)
    return out


def values_at(node, model: Model, env: dict[str, int], target=None):
    return Eval(model, target=target).ev(node, env)


def compare(lhs, rhs, cond, model: Model, rng: dict[str, int]) -> tuple[str, str]:
    """('ok' | 'wrong' | 'undecided', message) over every component."""
    letters = sorted(rng)
    undecided = checked = 0
    for combo in itertools.product(*(range(rng[c]) for c in letters)):
        env = dict(zip(letters, combo, strict=True))
        if cond is not None and not Eval(model).truth(cond, env):
            continue
        a = values_at(lhs, model, env)
        try:
            b = values_at(rhs, model, env, target=np.shape(a))
        except Undefined:
            undecided += 1
            continue
        if np.shape(a) != np.shape(b):
            raise IndexError_(f"shape {np.shape(b)} where the left side has shape {np.shape(a)}")
        aa, bb = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
        for pos in np.ndindex(*aa.shape):
            if bb[pos] is None:
                undecided += 1
                continue
            checked += 1
            # agreement only exactly or to 50 digits (verify/claims/index/values.py)
            exact = model.exact_valuation()
            x, y = precise_value(aa[pos], exact), precise_value(bb[pos], exact)
            if x is None or y is None:
                undecided += 1
                continue
            if agree(x, y):
                continue
            where = "component " + ", ".join(f"{c}={v + 1}" for c, v in env.items()) if env else ""
            if aa.shape:
                where += (", " if where else "") + f"entry {tuple(k + 1 for k in pos)}"
            return "wrong", (f"{where}: " if where else "") + f"claim {shown(y)}, derived {shown(x)}"
    if undecided and not checked:
        return "undecided", "no component is given a value by the claim"
    if undecided:
        return "undecided", f"{undecided} elided or uncovered component(s) could not be read"
    return "ok", ""


def check_sides(sides: list, cond, model: Model, hint: bool = True) -> IndexVerdict:
    """Every right side of a parsed claim against its left side, component by component."""
    lhs = sides[0]
    relabel = (lambda: hints.relabel(sides, cond, model, check_sides)) if hint else (lambda: "")
    try:
        rng = ranges(lhs, model)
        values_at(lhs, model, {c: 0 for c in rng})
    except IndexError_ as exc:
        return IndexVerdict("ill-posed", f"left side: {exc}" + relabel())
    free_l = hints.free(lhs)
    for k, rhs in enumerate(sides[1:], start=2):
        prefix = f"side {k} of {len(sides)}: "
        stray = hints.free(rhs) - free_l - set(model.sizes)
        bound = ""
        try:  # a tensor with the wrong number of indices, or undeclared, comes first
            env0 = {c: 0 for c in rng} | {c: 0 for c in stray}
            values_at(rhs, model, env0, target=np.shape(values_at(lhs, model, {c: 0 for c in rng})))
        except BoundError as exc:
            bound = f"; also {exc}"
        except IndexError_ as exc:
            return IndexVerdict("ill-posed", prefix + str(exc) + relabel())
        except Undefined:
            pass
        if stray:
            names = ", ".join(sorted(stray))
            why = hints.stray(lhs, rhs, stray, cond, model, rng, compare) if hint else ""
            return IndexVerdict("ill-posed", prefix + f"free index {names} outside any sum (not on the left "
                                f"side){why}{bound}")
        try:
            status, why = compare(lhs, rhs, cond, model, rng)
        except IndexError_ as exc:
            return IndexVerdict("ill-posed", prefix + str(exc) + relabel())
        if status == "undecided":
            return IndexVerdict("unverified", prefix + why)
        if status == "wrong":
            fix = hints.repair(lhs, rhs, cond, model, rng, compare) if hint else ""
            return IndexVerdict("wrong", prefix + why + fix)
    where = ", ".join(f"{c}: {n}" for c, n in sorted(rng.items())) or "whole tensors"
    return IndexVerdict("correct", f"every component agrees ({where}; random tensors)")


NAME = "index"
HEAVY = True   # every component on concrete sizes with random tensors


def check(ctx: ClaimContext) -> ClaimResult:
    v = check_index_claim(ctx.claim.latex, ctx.claim.expect, seed=ctx.seed)
    return ctx.result(Verdict(v.verdict), v.message)

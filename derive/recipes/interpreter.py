"""Interpreter of the recipe language (`expect:`): a fixed set of derivation operations.

Recipes are parsed by derive/recipe.lark and walked here; nothing is ever passed to eval/sympify.

A name the exercise never mentions is a plain real symbol (recipes may use undeclared scalars, as in
`subs(diff(y^2, y), y=...)`), except where that silently derives a wrong truth: differentiating by a variable
that neither the exercise (declared, given, or inside a given's value) nor what is differentiated mentions
(`diff(L, zz)`: the derivative is 0), and differentiating a bare name the exercise never defines
(`diff(Q, x)`) are spec errors naming the exercise's closest name.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from fractions import Fraction
from functools import cached_property, lru_cache
from math import comb
from pathlib import Path
from typing import Any

import sympy as sp
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from derive.lower.argmin import RECIPE_OPS as ARGMIN_OPS  # argmin(L, [phi]), argmin_equiv, likelihood_equiv
from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.lower.syntax import depends
from derive.parse.latex import LatexParseError, lark_unwrapped, parse_latex
from derive.recipes.activation import RECIPE_OPS as ACTIVATION_OPS  # active_units, active_regions
from derive.recipes.distributions import RECIPE_OPS as DENSITY_OPS  # poisson_pmf, normal_pdf, ...
from derive.recipes.errors import DerivationFailed, RecipeError
from derive.recipes.kernels import register_kernel_ops  # numeric pipelines: mlp(...).z1, sgd, ...
from derive.recipes.parameters import RECIPE_OPS as PARAMETER_OPS  # solves(model, [params], target, domain)
from derive.recipes.properties import RECIPE_OPS as PROPERTY_OPS  # convex(f, [x]), maximum, overflows
from derive.spec.declarations import Declarations

MAX_LIST = 64


@lru_cache(maxsize=1)
def _parser() -> Lark:
    with lark_unwrapped():   # built on first use, possibly inside a claim's budget
        return Lark(Path(__file__).with_name("recipe.lark").read_text(encoding="utf-8"), parser="lalr")


@lru_cache(maxsize=2048)
def parse_recipe(text: str) -> Tree:
    try:
        return _parser().parse(text)
    except UnexpectedInput as exc:
        raise RecipeError(f"cannot read recipe at column {getattr(exc, 'column', '?')}: {text!r}") from None


def looks_like_recipe(text: str) -> bool:
    """Recipes never contain a backslash outside quotes; LaTeX gold answers usually do."""
    if "\\" in text.replace("'", '"').split('"', 1)[0]:
        return False
    try:
        parse_recipe(text)
    except RecipeError:
        return False
    return True


class Solutions:
    """Result of `solve`: pick a component with `.phi_0` or a solution with `[k]`."""

    def __init__(self, solutions: list[dict[sp.Symbol, sp.Expr]]) -> None:
        self.solutions = solutions

    def component(self, name: str) -> sp.Expr:
        if len(self.solutions) != 1:
            raise DerivationFailed(f"solve found {len(self.solutions)} solutions; pick one with [k]")
        for sym, value in self.solutions[0].items():
            if sym.name == name:
                return value
        raise DerivationFailed(f"solve did not determine {name}")


_LIMIT_SIDES = {"both": "+-", "left": "-", "right": "+"}


class RecipeInterpreter:
    def __init__(self, decls: Declarations) -> None:
        self.decls = decls
        self.ops: dict[str, Callable[..., Any]] = {
            "diff": self.op_diff, "grad": self.op_grad, "hessian": self.op_hessian,
            "jacobian": self.op_jacobian, "solve": self.op_solve, "subs": self.op_subs,
            "simplify": lambda e: sp.simplify(e), "expand": lambda e: sp.expand(e),
            "factor": lambda e: sp.factor(e), "limit": self.op_limit, "sum": self.op_sum,
            "eq": lambda a, b: sp.Eq(a, b, evaluate=False), "latex": self.op_latex,
            "params": self.op_params, "regions": self.op_regions, "det": lambda m: sp.Matrix(m).det(),
            "trace": lambda m: sp.Matrix(m).trace(), "eigenvals": self.op_eigenvals,
            "doit": lambda e: e.doit(), "binomial": lambda n, k: sp.binomial(n, k),
            "matrix": lambda rows: sp.ImmutableMatrix(rows), "transpose": lambda m: sp.Matrix(m).T,
            "abs": lambda e: sp.Abs(e), "exp": lambda e: sp.exp(e), "log": lambda e: sp.log(e),
            "sqrt": lambda e: sp.sqrt(e), "rational": lambda a, b: sp.Rational(a, b),
        }
        self.ops.update({"weights": self.op_weights, "deep_regions": self.op_deep_regions,
                         "factorial": lambda n: sp.factorial(n)})
        self.ops.update(ARGMIN_OPS)
        self.ops.update(DENSITY_OPS)
        self.ops.update(ACTIVATION_OPS)
        self.ops.update(PARAMETER_OPS)
        self.ops.update(PROPERTY_OPS)
        register_kernel_ops(self.ops)

    # ------------------------------------------------------------ walking
    def run(self, text: str) -> Any:
        try:
            return self.eval(parse_recipe(text))
        except RecursionError:   # `1 + 1 + ...` thousands long: eval recurses once per operator
            raise RecipeError("recipe nested too deeply") from None

    def eval(self, node: Tree | Token) -> Any:
        if isinstance(node, Token):
            raise RecipeError(f"unexpected {node!s}")
        method = getattr(self, f"n_{node.data}", None)
        if method is None:
            raise RecipeError(f"unsupported construct {node.data}")
        return method(*node.children)

    def n_number(self, tok: Token) -> sp.Expr:
        frac = Fraction(str(tok))
        return sp.Rational(frac.numerator, frac.denominator)

    def n_string(self, tok: Token) -> sp.Expr:
        return self.op_latex(str(tok)[1:-1])

    def n_name(self, tok: Token) -> Any:
        name = str(tok)
        if name in self.decls.given:
            return self.decls.given[name]
        if name in self.decls.constants:   # a vector / matrix declared with a concrete size
            return self.decls.constants[name]
        constants = {"oo": sp.oo, "pi": sp.pi, "E": sp.E}
        if name in constants and name not in self.decls.assumptions:
            return constants[name]
        return self.decls.symbol(name)

    def n_call(self, name: Token, args: Tree | None = None) -> Any:
        op = self.ops.get(str(name))
        if op is None:
            raise RecipeError(f"unknown operation {str(name)!r} (known: {', '.join(sorted(self.ops))})")
        positional, keywords = self._args(args)
        try:
            return op(*positional, **keywords)
        except (RecipeError, DerivationFailed):
            raise
        except TypeError as exc:
            raise RecipeError(f"{name}: {exc}") from None
        except (ValueError, NotImplementedError, ZeroDivisionError, AttributeError) as exc:
            raise DerivationFailed(f"{name} failed: {exc}") from None

    def _args(self, args: Tree | None) -> tuple[list[Any], dict[str, Any]]:
        positional: list[Any] = []
        keywords: dict[str, Any] = {}
        if args is None:
            return positional, keywords
        for child in args.children:
            if isinstance(child, Tree) and child.data == "kwarg":
                keywords[str(child.children[0])] = self.eval(child.children[1])
            else:
                positional.append(self.eval(child))
        return positional, keywords

    def n_list(self, args: Tree | None = None) -> list[Any]:
        items, kw = self._args(args)
        if kw:
            raise RecipeError("keyword inside a list")
        if len(items) > MAX_LIST:
            raise RecipeError("list too long")
        return items

    def n_tuple(self, first: Tree, args: Tree | None = None) -> tuple:
        rest, _ = self._args(args)
        return (self.eval(first), *rest)

    def n_equation(self, a: Tree, b: Tree) -> sp.Eq:
        return sp.Eq(self.eval(a), self.eval(b), evaluate=False)

    def n_add(self, a, b):
        return self.eval(a) + self.eval(b)

    def n_sub(self, a, b):
        return self.eval(a) - self.eval(b)

    def n_mul(self, a, b):
        return self.eval(a) * self.eval(b)

    def n_div(self, a, b):
        return self.eval(a) / self.eval(b)

    def n_neg(self, a):
        return -self.eval(a)

    def n_pow(self, a, b):
        exponent = self.eval(b)
        if exponent.is_number and abs(exponent) > 1000:
            raise RecipeError("exponent too large")
        return self.eval(a) ** exponent

    def n_attr(self, obj: Tree, name: Token) -> Any:
        value = self.eval(obj)
        if isinstance(value, Solutions) or getattr(value, "recipe_record", False):
            return value.component(str(name))
        raise RecipeError(f".{name} applies to the result of solve or of a kernel pipeline")

    def n_index(self, obj: Tree, idx: Tree) -> Any:
        value, k = self.eval(obj), self.eval(idx)
        if not (isinstance(k, sp.Integer) or isinstance(k, int)):
            raise RecipeError("index must be an integer")
        k = int(k)
        if isinstance(value, Solutions):
            if not 0 <= k < len(value.solutions):
                raise DerivationFailed(f"solve found {len(value.solutions)} solutions, no [{k}]")
            return Solutions([value.solutions[k]])
        if isinstance(value, (list, tuple)):
            return value[k]
        if isinstance(value, sp.MatrixBase):
            return value[k]
        raise RecipeError("cannot index this value")

    # ------------------------------------------------------------ names the exercise knows
    @cached_property
    def exercise_names(self) -> frozenset[str]:
        """Every name the exercise mentions: declared, given (and the names inside given values), constants,
        functions, data arrays and their index letters."""
        d = self.decls
        names = {*d.given, *d.given_functions, *d.constants, *d.assumptions, *d.functions, *d.indexed,
                 *d.shapes, *d.distributions, *d.labels, *d.index_letters()}
        values: list[Any] = [*d.given.values(), *d.constants.values()]
        for params, body in d.given_functions.values():
            names.update(p.name for p in params)
            values.append(body)
        for value in values:
            names.update(_names_in(value))
        return frozenset(names)

    def _undefined(self, what: str, name: str, also: Iterable[str] = ()) -> RecipeError:
        known = sorted(self.exercise_names | set(also))
        hint = _closest(name, known)
        return RecipeError(f"{what}{f' (did you mean {hint!r}?)' if hint else ''}")

    def _check_derivative(self, op: str, subject: Any, variables: Iterable[Any]) -> None:
        """Refuse `diff(Q, x)` of an undefined bare name and `diff(L, zz)` by a variable mentioned nowhere:
        both silently derive 0."""
        inside = _names_in(subject)
        if isinstance(subject, sp.Symbol) and subject.name not in self.exercise_names \
                and not any(subject == v for v in variables):
            raise self._undefined(f"{op}: {subject.name} is neither given nor declared in the exercise",
                                  subject.name)
        for v in variables:
            name = v.name if isinstance(v, sp.Symbol) else str(v.base) if isinstance(v, sp.Indexed) else None
            if name is None or name in self.exercise_names or _mentions(subject, v):
                continue
            raise self._undefined(f"{op} by {name}: {name} appears nowhere in the exercise nor in what is "
                                  "differentiated (its derivative would be 0)", name, inside)

    # ------------------------------------------------------------ operations
    def _var(self, v: Any) -> sp.Symbol:
        if not isinstance(v, (sp.Symbol, sp.Indexed)):
            raise RecipeError(f"expected a variable name, got {v}")
        return v

    def op_diff(self, e: Any, *vs: Any) -> sp.Expr:
        if not vs:
            raise RecipeError("diff needs a variable")
        spec: list[Any] = []
        for v in vs:
            if isinstance(v, sp.Integer) and spec:
                spec.extend([spec[-1]] * (int(v) - 1))
            else:
                spec.append(self._var(v))
        self._check_derivative("diff", e, spec)
        if isinstance(e, sp.MatrixBase):
            return e.diff(*spec)
        return sp.diff(e, *spec)

    def op_grad(self, e: sp.Expr, vs: list) -> sp.Matrix:
        if isinstance(vs, (list, sp.MatrixBase)):
            self._check_derivative("grad", e, [self._var(v) for v in vs])
        if isinstance(vs, sp.MatrixBase):   # grad(L, W): shaped like the concrete vector / matrix W
            return sp.ImmutableMatrix(vs.shape[0], vs.shape[1], lambda i, j: sp.diff(e, self._var(vs[i, j])))
        return sp.ImmutableMatrix([sp.diff(e, self._var(v)) for v in vs])

    def op_hessian(self, e: sp.Expr, vs: list) -> sp.Matrix:
        vs = [self._var(v) for v in vs]
        self._check_derivative("hessian", e, vs)
        return sp.ImmutableMatrix([[sp.diff(e, a, b) for b in vs] for a in vs])

    def op_jacobian(self, es: list, vs: list) -> sp.Matrix:
        es = list(es) if isinstance(es, sp.MatrixBase) else es   # jacobian(p, z) of concrete vectors
        vs = [self._var(v) for v in (list(vs) if isinstance(vs, sp.MatrixBase) else vs)]
        self._check_derivative("jacobian", es, vs)
        return sp.ImmutableMatrix([[sp.diff(e, v) for v in vs] for e in es])

    def op_solve(self, eqs: Any, vs: Any) -> Solutions:
        eqs = eqs if isinstance(eqs, list) else [eqs]
        vs = vs if isinstance(vs, list) else [vs]
        exprs = [e.lhs - e.rhs if isinstance(e, sp.Eq) else e for e in eqs]
        exprs = [expand_sums(e) for e in exprs]
        sols = sp.solve(exprs, [self._var(v) for v in vs], dict=True)
        if not sols:
            raise DerivationFailed("solve found no solution")
        return Solutions(sols)

    def op_subs(self, e: Any, *pairs: Any, **kw: Any) -> Any:
        mapping: dict[Any, Any] = {}
        for k, v in kw.items():
            mapping[self.n_name(Token("NAME", k)) if k not in self.decls.given else self.decls.symbol(k)] = v
        for p in pairs:
            if isinstance(p, tuple) and len(p) == 2:
                mapping[p[0]] = p[1]
            else:
                raise RecipeError("subs takes name=value or (name, value)")
        return e.subs(mapping)

    def op_limit(self, e: sp.Expr, v: Any, point: Any, direction: Any = None) -> sp.Expr:
        """`limit(e, x, a)` is two-sided (SymPy's own default is from the right, which would make the truth of
        `lim 1/x = +oo` at 0 hold); `limit(e, x, a, left)` / `right` approach a from one side."""
        side = "+-" if direction is None else _LIMIT_SIDES.get(str(direction)) \
            if isinstance(direction, sp.Symbol) else None
        if side is None:
            raise RecipeError(f"limit direction must be left, right or both, not {direction}")
        try:
            return sp.limit(e, self._var(v), point, side)
        except ValueError as exc:   # SymPy: the one-sided limits differ
            raise RecipeError(f"limit: {exc} (give a direction: left or right)") from None

    def op_sum(self, e: sp.Expr, limits: tuple) -> sp.Expr:
        if not (isinstance(limits, tuple) and len(limits) == 3):
            raise RecipeError("sum takes (index, low, high)")
        i = limits[0]
        if not isinstance(i, sp.Symbol):
            raise RecipeError("sum index must be a name")
        return sp.Sum(e, limits).doit() if limits[1].is_Integer and limits[2].is_Integer else sp.Sum(e, limits)

    def op_latex(self, text: Any) -> sp.Expr:
        if isinstance(text, sp.Basic):  # a quoted string was already read as LaTeX
            return text
        try:
            formula = parse_latex(text)
        except LatexParseError as exc:
            raise RecipeError(f"LaTeX in recipe: {exc}") from None
        if len(formula.statements) != 1 or len(formula.statements[0].operands) != 1:
            raise RecipeError("LaTeX in a recipe must be one expression")
        try:
            return Lowerer(self.decls).expr(formula.statements[0].operands[0])
        except LoweringError as exc:
            raise RecipeError(f"LaTeX in recipe: {exc}") from None

    def op_params(self, sizes: list) -> sp.Expr:
        """Weights and biases of a fully connected network with these layer sizes."""
        if len(sizes) < 2:
            raise RecipeError("params needs at least input and output sizes")
        return sp.Add(*[(a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False)])

    def op_regions(self, d_in: Any, d_hidden: Any) -> sp.Expr:
        """Zaslavsky's bound: regions of D_i-space cut by D hyperplanes in general position."""
        if d_in.is_Integer and d_hidden.is_Integer:
            return sp.Integer(sum(comb(int(d_hidden), j) for j in range(int(d_in) + 1)))
        j = sp.Symbol("j", integer=True, nonnegative=True)
        return sp.Sum(sp.binomial(d_hidden, j), (j, 0, d_in))

    def op_weights(self, sizes: list) -> sp.Expr:
        """Weights only (no biases) of a fully connected network with these layer sizes."""
        if len(sizes) < 2:
            raise RecipeError("weights needs at least input and output sizes")
        return sp.Add(*[a * b for a, b in zip(sizes, sizes[1:], strict=False)])

    def op_deep_regions(self, d_in: Any, d_hidden: Any, depth: Any) -> sp.Expr:
        """Montufar et al.'s bound (UDL eq. 4.17): K layers of D >= D_i units, D_i inputs."""
        return (d_hidden / d_in + 1) ** (d_in * (depth - 1)) * self.op_regions(d_in, d_hidden)

    def op_eigenvals(self, m: Any) -> list:
        vals = sp.Matrix(m).eigenvals()
        return [v for v, mult in vals.items() for _ in range(mult)]


def _names_in(value: Any) -> set[str]:
    """Names of the symbols and data arrays inside a value (a SymPy value, or a list / tuple of them)."""
    if isinstance(value, (list, tuple)):
        return {n for item in value for n in _names_in(item)}
    if not isinstance(value, (sp.Basic, sp.MatrixBase)):
        return set()
    names = {s.name for s in value.free_symbols if isinstance(s, sp.Symbol)}
    names.update(str(b.label) for b in value.atoms(sp.IndexedBase))
    return names


def _mentions(subject: Any, v: Any) -> bool:
    if isinstance(subject, (list, tuple)):
        return any(_mentions(item, v) for item in subject)
    if isinstance(subject, sp.MatrixBase):
        return any(depends(entry, v) for entry in subject)
    return isinstance(subject, sp.Basic) and depends(subject, v)


def _closest(name: str, known: list[str]) -> str | None:
    """The exercise's name closest to `name` (`zz` -> `z`, `Q` -> `q`, `Loss` -> `L`), else None."""
    by_lower: dict[str, str] = {}
    for k in known:
        by_lower.setdefault(k.lower(), k)
    close = difflib.get_close_matches(name.lower(), sorted(by_lower), n=1, cutoff=0.5)
    if close:
        return by_lower[close[0]]
    prefixes = [k for k in by_lower if name.lower().startswith(k) or k.startswith(name.lower())]
    return by_lower[max(prefixes, key=len)] if prefixes else None


def expand_sums(e: sp.Expr) -> sp.Expr:
    """Σ(a_i + b) -> Σa_i + I·b so that solve can isolate parameters that do not depend on i."""
    if not e.has(sp.Sum):
        return e

    def split(s: sp.Sum) -> sp.Expr:
        var, lo, hi = s.limits[0]
        out = 0
        for term in sp.Add.make_args(sp.expand(s.function)):
            indep, dep = term.as_independent(var, as_Add=False)
            out += indep * (sp.Sum(dep, (var, lo, hi)) if dep != 1 else (hi - lo + 1))
        return out

    return e.replace(lambda x: isinstance(x, sp.Sum) and len(x.limits) == 1, split)

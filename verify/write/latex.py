"""LaTeX for derived answers, in the notes' own notation (a SymPy LatexPrinter subclass).

Settings carry the author's conventions: Prince's square-bracket function application, the
spelling of the sigmoid and ReLU, data written as `x_i`. Every name is written in the notation the
lowering (derive/lower.py) reads back as that same name, so parse(write(e)) is e
(tests/write/test_latex_roundtrip.py checks it on every value the bundled suite derives).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Context, Decimal
from math import gcd
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.ntheory import perfect_power
from sympy.printing.latex import LatexPrinter, translate

from derive.lower.atoms import MAX_DIGITS
from derive.lower.matcalc import entry_of

# The notation of the exercise being checked; `to_latex` writes in it unless told otherwise.
_NOTATION: ContextVar[dict[str, Any] | None] = ContextVar("notation", default=None)

# Name prefixes the lowering gives accents and letter styles (`\hat{y}` -> hat_y, `\mathcal{L}` -> cal_L)
_ACCENTS = frozenset({"hat", "tilde", "bar", "vec", "dot", "ddot", "check", "breve", "acute", "grave"})
_STYLES = {"cal": "mathcal", "bb": "mathbb", "bbm": "mathbbm", "sf": "mathsf", "frak": "mathfrak",
           "scr": "mathscr"}
_NAME = re.compile(r"[A-Za-z0-9_]+(\^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*)?")   # a^ellm1,2: two labels
_SCRIPT_WORDS = {"star": r"\star"}   # `w_\star` is read as w_star
READABLE_DIGITS = 60   # longer numbers are written as powers when they are one
_SIGNIFICANT = 45   # digits of a huge number with no exact short form: more than the 40 of the exact re-check


class NotesLatexPrinter(LatexPrinter):
    _default_settings: dict[str, Any] = {
        **LatexPrinter._default_settings,
        "application": "square",      # 'square' -> a[z] (Prince), 'round' -> a(z)
        "relu_name": r"\text{ReLU}",
        "sigmoid_name": r"\text{sig}",
        "short_sums": False,          # True: \sum_{i} for the default range 1..I
        "functions": (),              # names the exercise applies as functions (f_3 next to a bracket is f(3, ...))
        "families": (),               # its unspecified (opaque) functions: f(1, d, x) is written f_{1,d}[x]
    }

    def _apply(self, name: str, args: str) -> str:
        if self._settings["application"] == "square":
            return f"{name}[{args}]"
        return rf"{name}\left({args}\right)"

    # ------------------------------------------------------------ names
    def _name_tex(self, string: str) -> str:
        """A name as the lowering makes it, written as it reads back: v[1] / a[1,2] (entries of concrete
        quantities, derive/matcalc.py) -> v_{1} / a_{12}, b^2 (a layer label) -> b^{(2)}, hat_y -> \\hat{y}."""
        entry = entry_of(string)
        if entry is not None:
            return self._entry(*entry)
        if "__" in string or not _NAME.fullmatch(string):   # internal names (w__in): SymPy's spelling
            return super()._deal_with_super_sub(string)
        if "^" in string:   # `^{(2)}`, `^{(t)}`, `^{\text{H}}` label a layer: the parentheses say it is no power
            base, label = string.split("^", 1)
            labels = ",".join(f"({self._name(part)})" for part in label.split(","))   # a^ellm1,2: a^{(..),(2)}
            return rf"{self._name(base)}^{{{labels}}}"
        return self._name(string)

    def _name(self, string: str) -> str:
        head, _, sub = string.partition("_")
        if sub and (head in _ACCENTS or head in _STYLES):   # hat_y_1 is \hat{y}_1 (and \hat{y_1})
            inner, _, sub = sub.partition("_")
            head_tex = rf"\{_STYLES.get(head, head)}{{{self._letters(inner)}}}"
        else:
            head_tex = self._letters(head)
        if not sub:
            return head_tex
        return f"{head_tex}_{{{self._script(sub)}}}"

    def _letters(self, word: str) -> str:
        tex = translate(word)
        if tex.startswith("\\") and "{" not in tex:   # greek and \ell; not SymPy's `xhat` modifiers
            return tex
        return word if len(word) == 1 or word.isdigit() else rf"\text{{{word}}}"

    def _script(self, sub: str) -> str:
        """A subscript: letters and digits as written (`10`, `d0`, `ij`), greek by name, star as \\star."""
        parts = []
        for part in sub.split("_"):
            tex = _SCRIPT_WORDS.get(part) or translate(part)
            parts.append(tex if tex.startswith("\\") and "{" not in tex else part)
        return "_".join(parts[:1] + [f"{{{p}}}" for p in parts[1:]])

    def _entry(self, name: str, indices: tuple[int, ...]) -> str:
        """Entry of a concrete vector or matrix; a compound name is parenthesised: (w_t)_1, not w_{t1}."""
        script = "".join(map(str, indices)) if all(k < 10 for k in indices) else ",".join(map(str, indices))
        base = self._name_tex(name)
        if "_" in base or "^" in base:
            base = rf"\left({base}\right)"
        return f"{base}_{{{script}}}"

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        out = self._settings["symbol_names"].get(expr) or self._name_tex(expr.name)
        if expr.name.partition("_")[0] in self._settings["functions"]:
            return f"{{{out}}}"   # {f_3} (x + 1) is a product; f_3 (x + 1) applies f
        return out

    # ------------------------------------------------------------ numbers
    def _print_Rational(self, expr: sp.Rational) -> str:
        digits = max(len(str(abs(expr.p))), len(str(expr.q)))
        if digits <= READABLE_DIGITS:
            return super()._print_Rational(expr)
        # A long number is written as the power it is when it is one (0.9^{100}), else exactly while the parser
        # reads it back (up to MAX_DIGITS digits), else as a rounded decimal
        sign = "- " if expr < 0 else ""
        power = _common_power(abs(expr.p), expr.q)
        if power is not None:
            base, e = power
            return f"{sign}{self._power_base(base)}^{{{e}}}"
        if digits <= MAX_DIGITS:
            return super()._print_Rational(expr)
        mantissa, _, exponent = f"{Context(prec=_SIGNIFICANT).divide(Decimal(abs(expr.p)), Decimal(expr.q)):e}" \
            .partition("e")
        return rf"{sign}{mantissa} \times 10^{{{int(exponent)}}}"

    def _power_base(self, base: sp.Rational) -> str:
        k = len(str(base.q)) - 1
        if base.q == 10 ** k:   # 9/10 -> 0.9
            whole, frac = divmod(base.p, base.q)
            return f"{whole}.{frac:0{k}d}" if k else str(whole)
        return rf"\left({super()._print_Rational(base)}\right)"

    # ------------------------------------------------------------ applications
    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base.label)
        parts = [self._print(i) for i in expr.indices]
        # theta_{10} is Prince's spelling of two indices; with more, only commas are unambiguous
        sep = "" if len(parts) <= 2 and all(len(p) == 1 for p in parts) else ","
        return f"{base}_{{{sep.join(parts)}}}"

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        if not isinstance(expr, AppliedUndef):
            return super()._print_Function(expr, exp)
        name = self._name_tex(expr.func.__name__)
        args = list(expr.args)
        if expr.func.__name__ in self._settings["families"] and len(args) > 2 and all(
                a.is_Integer or (a.is_Symbol and a.is_integer) for a in args[:2]):
            # f(1, d, x, phi) is how the lowering reads the network head f_{1,d}[x, phi] (derive/lower_ext.py)
            name = f"{name}_{{{self._print(args[0])},{self._print(args[1])}}}"
            args = args[2:]
        out = self._apply(name, ", ".join(self._print(a) for a in args))
        return f"{out}^{{{exp}}}" if exp else out

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: str | None = None) -> str:
        a, b = (self._print(x) for x in sorted(expr.args, key=lambda x: x.is_number))  # i = 1, not 1 = i
        out = rf"\mathbb{{1}}[{a} = {b}]"
        return f"{out}^{{{exp}}}" if exp else out

    def _print_Sum(self, expr: sp.Sum) -> str:
        # `\sum_i -2 x_i` reads badly and does not parse back: pull the sign out of the sum
        if expr.function.could_extract_minus_sign():
            return "- " + self._print(sp.Sum(-expr.function, *expr.limits))
        if self._settings.get("short_sums") and len(expr.limits) == 1:
            var, low, high = expr.limits[0]
            if low == 1 and str(high) == str(var).upper():   # the default range: write it as the author does
                body = self._print(expr.function)
                if isinstance(expr.function, sp.Add):
                    body = rf"\left({body}\right)"
                return rf"\sum_{{{self._print(var)}}} {body}"
        return super()._print_Sum(expr)

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        rows = []
        for value, cond in expr.args:
            if cond is sp.true:
                rows.append(rf"{self._print(value)} & \text{{otherwise}}")
            else:
                rows.append(rf"{self._print(value)} & \text{{if }} {self._condition(cond)}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _condition(self, cond: sp.Basic) -> str:
        if isinstance(cond, sp.And):
            return ", ".join(self._condition(c) for c in cond.args)
        return self._print(cond)

    def _print_Max(self, expr: sp.Max, exp: str | None = None) -> str:
        args = list(expr.args)
        if len(args) == 2 and sp.S.Zero in args and self._settings["relu_name"]:
            inner = args[1] if args[0] == 0 else args[0]
            out = self._apply(self._settings["relu_name"], self._print(inner))
            return f"{out}^{{{exp}}}" if exp else out
        return super()._print_Max(expr, exp)

    def _print_Pow(self, expr: sp.Pow) -> str:
        sig = _sigmoid_argument(expr) if self._settings["sigmoid_name"] else None
        if sig is not None:
            return self._apply(self._settings["sigmoid_name"], self._print(sig))
        return super()._print_Pow(expr)

    def _print_Heaviside(self, expr: sp.Heaviside, exp: str | None = None) -> str:
        out = rf"\mathbb{{1}}[{self._print(expr.args[0])} > 0]"
        return f"{out}^{{{exp}}}" if exp else out


def _sigmoid_argument(expr: sp.Pow) -> sp.Expr | None:
    """1/(1 + exp(-z)) -> z."""
    if expr.exp != -1 or not isinstance(expr.base, sp.Add) or len(expr.base.args) != 2:
        return None
    one, other = sorted(expr.base.args, key=lambda a: 0 if a == 1 else 1)
    if one != 1 or not isinstance(other, sp.exp):
        return None
    return -other.args[0]


def _common_power(p: int, q: int) -> tuple[sp.Rational, int] | None:
    """p/q = base^e with e > 1 as large as possible (11^100 / 10^100 -> (11/10, 100)), else None."""
    exponents = []
    for n in (p, q):
        if n != 1:
            found = perfect_power(n)
            if not found:
                return None
            exponents.append(found[1])
    e = gcd(*exponents)
    if e < 2:
        return None
    return sp.Rational(sp.integer_nthroot(p, e)[0], sp.integer_nthroot(q, e)[0]), e


def to_latex(expr: sp.Basic, **settings: Any) -> str:
    """LaTeX of a derived value in the current exercise's notation (see `notation`), `settings` first."""
    return NotesLatexPrinter({**(_NOTATION.get() or {}), **settings}).doprint(expr)


@contextmanager
def notation(settings: dict[str, Any]) -> Iterator[None]:
    """Write derived values in these settings inside the block (one exercise's notation)."""
    token = _NOTATION.set(settings)
    try:
        yield
    finally:
        _NOTATION.reset(token)


_SQUARE_APPLICATION = re.compile(r"(?:\\text\{\w+\}|(?<![\\A-Za-z])[A-Za-z](?:_\{?[\w,]+\}?)?)\[")   # f_{1,d}[x]


_SHORT_SUM = re.compile(r"\\sum_(\{\s*[a-z]\s*\}|[a-z])(?!\s*\^)")
_RANGED_SUM = re.compile(r"\\sum_\{?\s*[a-z]\s*=")


def notation_of(texts: list[str], functions: dict[str, str], quotes: list[str] | None = None) -> dict[str, Any]:
    """The author's conventions, read from their own formulas (the spec's quotes and givens): square-bracket
    application when they write `f[x]` / `\text{ReLU}[z]`, and their names for the sigmoid and ReLU."""
    square = any(_SQUARE_APPLICATION.search(t) for t in texts)
    # Prince spells them \text{sig} and \text{ReLU}; other authors get the plain formula unless they name one
    settings: dict[str, Any] = {"application": "square"} if square else {
        "application": "round", "sigmoid_name": None, "relu_name": None}
    for name, kind in functions.items():
        if kind in ("sigmoid", "sig", "logistic"):
            settings["sigmoid_name"] = _spelled(name)
        elif kind == "relu":
            settings["relu_name"] = _spelled(name)
    # `\sum_i` with the range left implicit (i runs 1..I) is how most of these notes write a sum over data
    # (read from the author's own quotes when given: a spec's definitions may spell ranges out)
    authored = texts if quotes is None else quotes
    settings["short_sums"] = any(_SHORT_SUM.search(t) for t in authored) and not any(
        _RANGED_SUM.search(t) for t in authored)
    settings["functions"] = tuple(functions)
    settings["families"] = tuple(name for name, kind in functions.items() if kind == "opaque")
    return settings


def _spelled(name: str) -> str:
    if len(name) == 1:
        return name
    greek = {"sigma", "phi", "psi", "rho", "eta"}
    return f"\\{name}" if name in greek else rf"\text{{{name}}}"

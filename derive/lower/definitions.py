"""Exercise spec -> Declarations (symbols, functions, given quantities lowered to SymPy)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.functions import BUILTINS, builtin_named, opaque_function
from derive.lower.lowerer import Lowerer
from derive.lower.matcalc import instantiate
from derive.lower.syntax import split_arguments
from derive.parse.latex import LatexParseError, parse_latex
from derive.spec.declarations import NAME_RE, DeclarationError, Declarations, IllPosedValue, declare_symbols
from derive.spec.errors import SpecError
from derive.spec.model import ExerciseSpec
from derive.spec.repairs import run_together


def build_declarations(ex: ExerciseSpec) -> Declarations:
    decls = Declarations(labels=frozenset(ex.labels), layout=getattr(ex, "layout", None))
    try:
        declare_symbols(decls, {written_name(decls, str(k)) or k: v for k, v in ex.symbols.items()})
    except DeclarationError as exc:
        raise SpecError(ex.spec_file, ex.spec_line, str(exc)) from None
    if decls.shapes:
        instantiate(decls)
    for name, kind in ex.functions.items():
        if not NAME_RE.match(name):
            raise SpecError(ex.spec_file, ex.spec_line, f"invalid function name {name!r}")
        builder = opaque_function(name) if kind == "opaque" else builtin_named(kind)
        if builder is None:
            raise SpecError(ex.spec_file, ex.spec_line,
                            f"function {name}: unknown built-in {kind!r} (known: {', '.join(sorted(BUILTINS))})")
        decls.functions[name] = builder
    for key, value in ex.given.items():
        line = ex.given_lines.get(key, ex.spec_line)
        try:
            _define(decls, key, value)
        except (LatexParseError, LoweringError, DeclarationError, ValueError) as exc:
            raise SpecError(ex.spec_file, line, f"given {key}: {exc}") from None
    return decls


def given_value(decls: Declarations, value: Any) -> sp.Basic:
    """A `given:` value: LaTeX text, a number, or nested lists of numbers (a matrix)."""
    if isinstance(value, bool):
        raise ValueError("true/false is not a value")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        frac = Fraction(repr(value))
        return sp.Rational(frac.numerator, frac.denominator)
    if isinstance(value, list):
        rows = [given_value(decls, v) for v in value]
        if rows and all(isinstance(r, sp.MatrixBase) for r in rows):
            return sp.ImmutableMatrix([list(r) for r in rows])
        if any(isinstance(r, sp.MatrixBase) for r in rows):
            raise ValueError("ragged matrix")
        return sp.ImmutableMatrix(rows)
    if isinstance(value, str):
        formula = parse_latex(value)
        if len(formula.statements) != 1 or len(formula.statements[0].operands) != 1:
            raise ValueError("a definition must be one expression")
        return Lowerer(decls).expr(formula.statements[0].operands[0])
    raise ValueError(f"cannot use {type(value).__name__} as a value")


def written_name(decls: Declarations, key: str) -> str | None:
    """The name a spec key stands for, spelt as in the notes or as the name itself: `\\hat{y}` and `hat_y`
    are hat_y, `w^*` and `w^star` are w^star, `x'` is x_prime (one naming rule for keys and claims).
    None when the key is not a name (a function head like `f[x]`, or not LaTeX at all)."""
    if NAME_RE.match(key):
        return key
    try:
        formula = parse_latex(key)
    except LatexParseError:
        return None
    if len(formula.statements) != 1 or len(formula.statements[0].operands) != 1:
        return None
    name = Lowerer(decls).name_of(formula.statements[0].operands[0])
    return name if name is not None and NAME_RE.match(name) else None


def _define(decls: Declarations, key: str, value: Any) -> None:
    key = written_name(decls, key) or key
    if NAME_RE.match(key):
        problem = garbled_entry(value) or ragged_rows(value)  # malformed data: claims using it are ill-posed
        decls.given[key] = IllPosedValue(key, problem) if problem else given_value(decls, value)
        return
    # A function definition written as in the notes: `f[x, \phi]`, `\text{sig}[z]`.
    formula = parse_latex(key)
    head = formula.statements[0].operands[0] if formula.statements else None
    if head is None or head.kind != "call" or len(formula.statements[0].operands) != 1:
        raise ValueError("a given key is a name or a function head like f[x, \\phi]")
    low = Lowerer(decls)
    name = low.name_of(head.args[0])
    if name is None:
        raise ValueError("cannot read the function name")
    params = []
    for arg in split_arguments(head.args[1]):
        if len(arg) != 1:
            raise ValueError("function parameters must be names")
        p = low.expr(arg[0])
        if not isinstance(p, sp.Symbol):
            raise ValueError("function parameters must be names")
        params.append(p)
    decls.given_functions[name] = (tuple(params), given_value(decls, value))


def garbled_entry(value: Any) -> str | None:
    """`entry 0.30.4 is two numbers run together` for a given with such an entry (read as LaTeX it would be
    the product 0.30 · .4), else None."""
    text = run_together(value)
    return f"entry {text} is two numbers run together" if text is not None else None


def ragged_rows(value: Any) -> str | None:
    """`ragged matrix: rows with 1, 3 entries` for a list of rows of unequal length, else None."""
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        return None
    lengths = [len(r) for r in value]
    if len(set(lengths)) == 1:
        return None
    return f"ragged matrix: rows with {', '.join(map(str, lengths))} entries"

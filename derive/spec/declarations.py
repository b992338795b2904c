"""What an exercise declares: symbol assumptions, data arrays, sizes, distributions, functions and given quantities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derive.lower.functions import Builder

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\^[A-Za-z0-9(),]+)?$")   # z^ell,i: two labels
_ASSUMPTION_KEYS = {"real", "positive", "negative", "nonnegative", "nonpositive", "integer", "nonzero"}


class DeclarationError(ValueError):
    """A malformed declaration in a spec (bad symbol name, unknown assumption, ...)."""


class IllPosedValue:
    """A malformed `given:` value (e.g. a ragged matrix), kept so that claims using it are ill-posed."""

    def __init__(self, name: str, problem: str) -> None:
        self.name, self.problem = name, problem

    def __repr__(self) -> str:
        return f"IllPosedValue({self.name}: {self.problem})"


@dataclass
class Declarations:
    assumptions: dict[str, dict[str, bool]] = field(default_factory=dict)
    indexed: dict[str, tuple[str, ...]] = field(default_factory=dict)   # data arrays: x -> (i,)
    index_ranges: dict[str, tuple[sp.Expr, sp.Expr]] = field(default_factory=dict)
    functions: dict[str, Builder] = field(default_factory=dict)
    given: dict[str, sp.Expr] = field(default_factory=dict)
    given_functions: dict[str, tuple[tuple[sp.Symbol, ...], sp.Expr]] = field(default_factory=dict)
    labels: frozenset[str] = frozenset()   # superscripts that name, not raise to a power (H, O)
    constants: dict[str, sp.Expr] = field(default_factory=dict)
    shapes: dict[str, tuple[sp.Expr, sp.Expr]] = field(default_factory=dict)   # matrix sizes (rows, cols)
    layout: str | None = None   # derivative layout convention: denominator | numerator
    distributions: dict[str, tuple] = field(default_factory=dict)   # a -> ("normal", mean, std)

    _symbols: dict[str, sp.Symbol] = field(default_factory=dict, repr=False)

    def symbol(self, name: str) -> sp.Symbol:
        """The one Symbol object for `name`, with its declared assumptions."""
        sym = self._symbols.get(name)
        if sym is None:
            flags = dict(self.assumptions.get(name, {}))
            letters = self.index_letters()
            if name in letters:
                flags.setdefault("integer", True)
            elif name not in self.assumptions and name in {x.upper() for x in letters}:
                flags.update(integer=True, positive=True)
            flags.setdefault("real", True)
            sym = sp.Symbol(name, **flags)
            self._symbols[name] = sym
        return sym

    def has_symbol(self, name: str) -> bool:
        """Whether the Symbol for `name` was already made (its assumptions can no longer change)."""
        return name in self._symbols

    def index_letters(self) -> set[str]:
        letters = set(self.index_ranges)
        for idx in self.indexed.values():
            letters.update(idx)
        return letters

    def index_range(self, letter: str) -> tuple[sp.Expr, sp.Expr]:
        """Range of an index: declared, else Prince's convention (i runs 1..I, d runs 1..D)."""
        if letter in self.index_ranges:
            return self.index_ranges[letter]
        upper = letter.upper() if len(letter) == 1 else f"N_{letter}"
        if upper == letter:
            upper = f"N_{letter}"
        bound = self._symbols.get(upper)
        if bound is None:
            self.assumptions.setdefault(upper, {"integer": True, "positive": True})
            bound = self.symbol(upper)
        return sp.Integer(1), bound

    def copy(self) -> Declarations:
        return Declarations(
            assumptions={k: dict(v) for k, v in self.assumptions.items()},
            indexed=dict(self.indexed),
            index_ranges=dict(self.index_ranges),
            functions=dict(self.functions),
            given=dict(self.given),
            given_functions=dict(self.given_functions),
            labels=self.labels,
            constants=dict(self.constants),
            shapes=dict(self.shapes),
            layout=self.layout,
            distributions=dict(self.distributions),
        )


def declare_symbols(decls: Declarations, spec: dict[str, Any]) -> None:
    """Apply a spec's `symbols:` mapping (name -> 'real' | 'positive' | {assumptions, indexed: i})."""
    for name, value in spec.items():
        name = str(name)
        if not NAME_RE.match(name):
            raise DeclarationError(f"invalid symbol name {name!r} (letters, digits and _ only)")
        flags: dict[str, bool] = {}
        if value == "imaginary_unit":   # `i: imaginary_unit`: e^{i\pi} = -1 (i is an index otherwise)
            decls.constants[name] = sp.I
            continue
        if isinstance(value, str):
            words = [w.strip() for w in value.replace(",", " ").split()]
            for w in words:
                if w not in _ASSUMPTION_KEYS:
                    raise DeclarationError(f"symbol {name}: unknown assumption {w!r} (known: "
                                           f"{', '.join(sorted(_ASSUMPTION_KEYS))}, imaginary_unit)")
                flags[w] = True
        elif isinstance(value, dict):
            for key, val in value.items():
                if key == "indexed":
                    letters = val if isinstance(val, list) else [val]
                    if not all(isinstance(x, str) and NAME_RE.match(x) for x in letters):
                        raise DeclarationError(f"symbol {name}: indexed takes index letters, got {val!r}")
                    decls.indexed[name] = tuple(letters)
                elif key == "range":
                    if not (isinstance(val, list) and len(val) == 2):
                        raise DeclarationError(f"symbol {name}: range takes [low, high]")
                    decls.index_ranges[name] = (_bound(decls, val[0]), _bound(decls, val[1]))
                elif key == "label":
                    continue
                elif key == "normal":
                    try:
                        decls.distributions[name] = declared_distribution(val)
                    except ValueError as exc:
                        raise DeclarationError(f"symbol {name}: {exc}") from None
                elif key == "shape":
                    try:
                        decls.shapes[name] = declared_shape(decls, val)
                    except ValueError as exc:
                        raise DeclarationError(f"symbol {name}: {exc}") from None
                elif key in _ASSUMPTION_KEYS:
                    if not isinstance(val, bool):
                        raise DeclarationError(f"symbol {name}: {key} takes true/false")
                    flags[key] = val
                else:
                    raise DeclarationError(f"symbol {name}: unknown key {key!r}")
        elif value is None:
            pass
        else:
            raise DeclarationError(f"symbol {name}: expected assumptions, got {value!r}")
        decls.assumptions[name] = flags


def _bound(decls: Declarations, value: Any) -> sp.Expr:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DeclarationError(f"range bound must be an integer or a symbol name, got {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if not NAME_RE.match(value):
        raise DeclarationError(f"invalid range bound {value!r}")
    decls.assumptions.setdefault(value, {"integer": True, "positive": True})
    return decls.symbol(value)


def declared_shape(decls: Declarations, value: Any) -> tuple[sp.Expr, sp.Expr]:
    """`shape: [D_2, D_1]` -> (D_2, D_1); `[D]` -> (D, 1), a column; `[]` -> (1, 1), a scalar."""
    if not isinstance(value, list) or len(value) > 2:
        raise ValueError("shape takes a list of at most two sizes")
    dims = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            raise ValueError(f"a size is an integer or a name, got {v!r}")
        if isinstance(v, int):
            dims.append(sp.Integer(v))
        else:
            decls.assumptions.setdefault(v, {"integer": True, "positive": True})
            dims.append(decls.symbol(v))
    while len(dims) < 2:
        dims.append(sp.Integer(1))
    return dims[0], dims[1]


def declared_distribution(value: Any) -> tuple[str, Any, Any]:
    """`normal: [mean, standard deviation]` (numbers or names) -> ("normal", mean, std)."""
    if not (isinstance(value, list) and len(value) == 2):
        raise ValueError("normal takes [mean, standard deviation]")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(f"a distribution parameter is a number or a name, got {v!r}")
    return ("normal", value[0], value[1])

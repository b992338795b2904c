"""Kernel expressions: recipes evaluated on NumPy arrays, the reference a code claim is compared with.

A code claim's `outputs:` gives each variable the snippet writes as an expression in the recipe language
(derive/recipes/recipe.lark), e.g. `dense_forward(X, W, b)` or `softmax(Z)`: names are the snippet's
inputs, earlier outputs and declared generic activations; calls are the kernels of derive/kernels listed in
:data:`FUNCTIONS`; `+ - * / ^` and numbers are elementwise. The text is parsed by the recipe grammar and
walked here; it is never handed to eval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

import numpy as np
from lark import Token, Tree

from derive import kernels as K
from derive.recipes.interpreter import RecipeError, parse_recipe


def threshold(z: np.ndarray) -> np.ndarray:
    """The hard threshold 1[z >= 0] (the kernels have no step function: it has no useful gradient)."""
    return (np.asarray(z, dtype=np.float64) >= 0).astype(np.float64)


#: Elementwise / row-wise activations a code claim may name, or leave open as a generic activation.
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": K.identity, "relu": K.relu, "sigmoid": K.sigmoid, "tanh": K.tanh, "softmax": K.softmax,
    "threshold": threshold,
}

#: Every function a kernel expression may call, with its number of arguments.
FUNCTIONS: dict[str, tuple[Callable[..., np.ndarray], int]] = {
    "dense_forward": (K.dense_forward, 3),   # x @ W.T + b, W stored (out, in)
    "matmul": (np.matmul, 2),                # A @ B, for weights stored (in, out)
    **{name: (fn, 1) for name, fn in ACTIVATIONS.items()},
}

_ARITHMETIC: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "pow": np.power,
}


def parse_kernel_expression(text: str, names: set[str], generic: set[str]) -> Tree:
    """The recipe tree of `text`, checked: every name is in `names`, every call a kernel of
    :data:`FUNCTIONS` (with its number of arguments) or one of the `generic` activations."""
    if not isinstance(text, str):
        raise RecipeError("a kernel expression must be text, e.g. dense_forward(X, W, b)")
    tree = parse_recipe(text)
    _check(tree, names, generic)
    return tree


def _check(node: Tree, names: set[str], generic: set[str]) -> None:
    kind = node.data
    if kind == "name":
        name = str(node.children[0])
        if name not in names:
            hint = " (an activation is called: name(...))" if name in generic or name in FUNCTIONS else ""
            raise RecipeError(f"unknown name {name!r}{hint}; known: {', '.join(sorted(names)) or 'none'}")
        return
    if kind == "number":
        return
    if kind == "call":
        name, args = str(node.children[0]), node.children[1]
        arguments = list(args.children) if args is not None else []
        if name in generic:
            arity = 1
        elif name in FUNCTIONS:
            arity = FUNCTIONS[name][1]
        else:
            raise RecipeError(f"unknown kernel {name!r}; known: {', '.join(sorted({*FUNCTIONS, *generic}))}")
        if len(arguments) != arity:
            raise RecipeError(f"{name} takes {arity} argument(s), got {len(arguments)}")
        for arg in arguments:
            if isinstance(arg, Tree) and arg.data == "kwarg":
                raise RecipeError(f"{name}: keyword arguments are not kernel arguments")
            _check(arg, names, generic)
        return
    if kind in _ARITHMETIC or kind == "neg":
        for child in node.children:
            _check(child, names, generic)
        return
    raise RecipeError(f"a kernel expression has names, numbers, kernel calls and + - * / ^, not {kind}")


def evaluate(node: Tree | Token, env: Mapping[str, np.ndarray | float],
             generic: Mapping[str, str]) -> np.ndarray:
    """The value of a checked kernel expression; `generic` binds each open activation to one of
    :data:`ACTIVATIONS`. Shapes that do not fit raise ValueError (NumPy's message)."""
    kind = node.data
    if kind == "name":
        return np.asarray(env[str(node.children[0])], dtype=np.float64)
    if kind == "number":
        return np.asarray(float(Fraction(str(node.children[0]))))
    if kind == "neg":
        return -evaluate(node.children[0], env, generic)
    if kind in _ARITHMETIC:
        a, b = (evaluate(c, env, generic) for c in node.children)
        return _ARITHMETIC[kind](a, b)
    name, args = str(node.children[0]), node.children[1]
    values = [evaluate(a, env, generic) for a in args.children]
    fn = ACTIVATIONS[generic[name]] if name in generic else FUNCTIONS[name][0]
    return np.asarray(fn(*values), dtype=np.float64)

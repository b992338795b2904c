"""Code claims (`code:`): what the snippet reads and writes, and the kernels it is compared with.

    code: "Z = X @ W.T + b\\nH = act(Z)\\n"
    inputs: {X: [N, D], W: [M, D], b: [M]}              # variables the snippet reads: shapes of size names
    activations: {act: [sigmoid, relu, threshold]}      # optional: a function the question leaves open
    outputs:                                            # variables it writes: kernel expressions
      Z: dense_forward(X, W, b)
      H: act(Z)
    sizes: [{N: 5, D: 3, M: 4}]                         # optional: else several generated size sets

Inputs are drawn at random for each size set; the snippet must give every output (shape and values) for
each size set and each choice of the open activations. The output expressions are kernel expressions
(derive/recipes/arrays.py); they are checked here, at load time, by running them on the declared shapes.
"""

from __future__ import annotations

import itertools
import keyword
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from lark import Tree

from derive.recipes.arrays import ACTIVATIONS, evaluate, parse_kernel_expression
from derive.recipes.interpreter import RecipeError
from derive.spec.claim_data import ClaimDataError, line_of, mapping

CODE_KEYS = ("inputs", "outputs", "activations", "sizes")
MAX_SIZE = 64           # a size set is for finding bugs on small arrays, not for load
DEFAULT_RUNS = 3        # size sets with distinct sizes (so that a transposed axis shows), then all ones
_RESERVED = {"np", "numpy"}

Shape = tuple[str | int, ...]


@dataclass(frozen=True)
class CodeClaim:
    inputs: dict[str, Shape]                 # in the order declared
    outputs: dict[str, Tree]                 # in order; an expression may use earlier outputs
    output_text: dict[str, str]
    activations: dict[str, tuple[str, ...]]  # generic activation -> the activations it is run with
    sizes: tuple[dict[str, int], ...]

    def bindings(self) -> list[dict[str, str]]:
        """Every choice of the open activations ([{}] when there is none)."""
        names = list(self.activations)
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(self.activations[n] for n in names))]

    def reference(self, inputs: Mapping[str, np.ndarray | float], binding: Mapping[str, str]
                  ) -> dict[str, np.ndarray]:
        """Every output computed by the kernels from `inputs`."""
        env: dict[str, np.ndarray | float] = dict(inputs)
        out: dict[str, np.ndarray] = {}
        with np.errstate(all="ignore"):
            for name, tree in self.outputs.items():
                try:
                    out[name] = env[name] = evaluate(tree, env, binding)
                except ValueError as exc:   # NumPy's message on shapes that do not go together
                    raise ValueError(f"{name}: {self.output_text[name]}: {exc}") from None
        return out


def shape_of(shape: Shape, sizes: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(sizes[d] if isinstance(d, str) else d for d in shape)


def default_sizes(names: list[str]) -> tuple[dict[str, int], ...]:
    """Size sets for the declared size names: a few with all sizes distinct (2, 3, ... rotated, so every
    name takes several values), then one with every size 1 (a degenerate batch or layer)."""
    n = len(names)
    runs = [{name: 2 + (k + r) % n + r for k, name in enumerate(names)} for r in range(DEFAULT_RUNS)]
    return (*runs, dict.fromkeys(names, 1)) if n else ({},)


def read_code_claim(claim: Mapping[str, Any]) -> CodeClaim | None:
    """The declaration of a code claim (None for a claim without `code:`); ClaimDataError if malformed."""
    if "code" not in claim:
        stray = [k for k in CODE_KEYS if k in claim]
        if stray:
            raise ClaimDataError(f"`{stray[0]}:` belongs to a code claim (one with `code:`)",
                                 line_of(claim, stray[0]))
        return None
    if not isinstance(claim["code"], str) or not claim["code"].strip():
        raise ClaimDataError("code must be the quoted snippet (text)", line_of(claim, "code"))
    if "expect" in claim:
        raise ClaimDataError("a code claim names its kernels under `outputs:` (name: kernel expression), "
                             "not `expect:`", line_of(claim, "expect"))
    for key in ("inputs", "outputs"):
        if key not in claim:
            raise ClaimDataError(f"a code claim needs `{key}:`", line_of(claim))
    inputs = _inputs(claim["inputs"], line_of(claim, "inputs"))
    activations = _activations(claim.get("activations"), line_of(claim, "activations"), set(inputs))
    outputs, texts = _outputs(claim["outputs"], line_of(claim, "outputs"), set(inputs), set(activations))
    size_names = list(dict.fromkeys(d for shape in inputs.values() for d in shape if isinstance(d, str)))
    sizes = _sizes(claim["sizes"], line_of(claim, "sizes"), size_names) if "sizes" in claim \
        else default_sizes(size_names)
    code = CodeClaim(inputs, outputs, texts, activations, sizes)
    _dry_run(code, line_of(claim, "outputs"))
    return code


def _variable(name: Any, what: str, line: int | None) -> str:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name in _RESERVED:
        raise ClaimDataError(f"{what}: {name!r} is not a variable name a snippet can use", line)
    return name


def _inputs(value: Any, line: int | None) -> dict[str, Shape]:
    out: dict[str, Shape] = {}
    for name, shape in mapping(value, "inputs", line).items():
        at = line_of(value, name)
        _variable(name, "inputs", at)
        if not isinstance(shape, list):
            raise ClaimDataError(f"inputs: {name} needs a shape, a list of sizes such as [N, N_i] "
                                 "([] for a number)", at)
        for d in shape:
            ok_name = isinstance(d, str) and d.isidentifier()
            ok_int = isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= MAX_SIZE
            if not (ok_name or ok_int):
                raise ClaimDataError(f"inputs: {name}: a size is a name or a whole number 1..{MAX_SIZE}, "
                                     f"got {d!r}", at)
        out[name] = tuple(shape)
    return out


def _activations(value: Any, line: int | None, inputs: set[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name, choices in mapping(value, "activations", line).items():
        at = line_of(value, name)
        _variable(name, "activations", at)
        if name in inputs:
            raise ClaimDataError(f"activations: {name} is also an input", at)
        if isinstance(choices, str):
            choices = [choices]
        if not isinstance(choices, list) or not choices:
            raise ClaimDataError(f"activations: {name} needs a list of activations to run it with", at)
        for c in choices:
            if c not in ACTIVATIONS:
                raise ClaimDataError(f"activations: unknown activation {c!r} for {name} "
                                     f"(known: {', '.join(ACTIVATIONS)})", at)
        out[name] = tuple(choices)
    return out


def _outputs(value: Any, line: int | None, inputs: set[str], generic: set[str]
             ) -> tuple[dict[str, Tree], dict[str, str]]:
    trees: dict[str, Tree] = {}
    texts: dict[str, str] = {}
    known = set(inputs)
    for name, text in mapping(value, "outputs", line).items():
        at = line_of(value, name)
        _variable(name, "outputs", at)
        if name in generic:
            raise ClaimDataError(f"outputs: {name} is also an activation", at)
        try:
            trees[name] = parse_kernel_expression(text, known, generic)
        except RecipeError as exc:
            raise ClaimDataError(f"outputs: {name}: {exc}", at) from None
        texts[name] = text
        known.add(name)
    if not trees:
        raise ClaimDataError("outputs: name at least one variable the snippet writes", line)
    return trees, texts


def _sizes(value: Any, line: int | None, names: list[str]) -> tuple[dict[str, int], ...]:
    if not isinstance(value, list) or not value:
        raise ClaimDataError("sizes must be a non-empty list of size sets ({N: 5, N_i: 3, ...})", line)
    out = []
    for item in value:
        at = line_of(item) or line
        sizes = mapping(item, "each entry of sizes", at)
        missing = [n for n in names if n not in sizes]
        if missing:
            raise ClaimDataError(f"sizes: no value for {', '.join(missing)}", at)
        for name, v in sizes.items():
            if name not in names:
                raise ClaimDataError(f"sizes: {name} is no size of the inputs", at)
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_SIZE:
                raise ClaimDataError(f"sizes: {name} must be a whole number 1..{MAX_SIZE}, got {v!r}", at)
        out.append({n: sizes[n] for n in names})
    return tuple(out)


def _dry_run(code: CodeClaim, line: int | None) -> None:
    """Run the kernels once per size set on zeros: shapes that cannot go together are a spec error."""
    binding = {name: choices[0] for name, choices in code.activations.items()}
    for sizes in code.sizes:
        inputs = {name: np.zeros(shape_of(shape, sizes)) for name, shape in code.inputs.items()}
        try:
            code.reference(inputs, binding)
        except ValueError as exc:
            where = ", ".join(f"{k}={v}" for k, v in sizes.items())
            raise ClaimDataError(f"outputs: the kernels do not fit the declared input shapes "
                                 f"(with {where}): {exc}", line) from None

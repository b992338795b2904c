"""Region claims (`kind: regions`): the small network a claim is about, declared as data.

    network:
      input: t                          # one letter: t (one input) or t_1, t_2 (two)
      layers:
        - weights: [[1], [-1]]          # one row per unit
          bias: [-1, 2]
          activation: threshold         # threshold 1[z >= 0] | relu | identity
          names: {pre: a, post: v, units: m, function: g}
        - weights: [[1, 1]]
          bias: -1.5                    # a number for a single unit
          activation: threshold
          names: {pre: s, post: '\\hat{y}', function: g}   # layers may share a function's name
      aliases: {z: a}                   # other spellings in the notes -> the declared ones
    expect: s                           # the quantity the claim states (a declared name; default: the output)
    at: [0, 1.5, 3]                     # or: a statement / table row checked at these inputs
    data: {y: [0, 1, 0]}                # named data, one value per input of `at`
    where: 't \\ge 1'                   # or: a statement checked inside this region

`names` says how the notes write each quantity of a layer: `pre` the pre-activation, `post` the
activation output, `units` the number of units, `function` the activation function. Nothing here is
evaluated: numbers are read as data, names are compared as text and read by the claim checker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from derive.spec.claim_data import ClaimDataError, line_of, mapping, number, numbers

REGION_KEYS = ("network", "at", "data", "where")
ACTIVATION_KINDS = ("threshold", "relu", "identity")
QUANTITY_ROLES = ("pre", "post", "units")
NAME_ROLES = (*QUANTITY_ROLES, "function")
MAX_INPUTS = 2      # the region checker samples a line or a plane
MAX_POINTS = 64

Number = int | float


@dataclass(frozen=True)
class Layer:
    weights: tuple[tuple[Number, ...], ...]   # one row per unit
    bias: tuple[Number, ...]
    activation: str
    names: dict[str, str]                     # role -> the notes' spelling

    @property
    def units(self) -> int:
        return len(self.weights)


@dataclass(frozen=True)
class Network:
    input: str
    layers: tuple[Layer, ...]
    aliases: tuple[tuple[str, str], ...]      # (spelling in the notes, declared spelling)

    @property
    def inputs(self) -> int:
        return len(self.layers[0].weights[0])

    def quantities(self) -> dict[str, tuple[int, str]]:
        """Declared name -> (layer index, role) of every quantity (pre, post, units)."""
        return {layer.names[role]: (k, role) for k, layer in enumerate(self.layers)
                for role in QUANTITY_ROLES if role in layer.names}

    def functions(self) -> dict[str, str]:
        """Declared name of an activation function -> its kind."""
        return {layer.names["function"]: layer.activation for layer in self.layers if "function" in layer.names}


@dataclass(frozen=True)
class RegionClaim:
    network: Network
    quantity: str | None                      # a declared name; None: the network's output
    at: tuple[tuple[Number, ...], ...] | None  # inputs at which a statement or table row is checked
    data: dict[str, tuple[Number, ...]]       # name -> one value per input of `at`
    where: str | None                         # LaTeX condition: a statement checked inside this region


def read_region_claim(claim: Mapping[str, Any]) -> RegionClaim | None:
    """The network and options of a `kind: regions` claim (None for another kind); ClaimDataError if
    malformed."""
    if claim.get("kind") != "regions":
        stray = [k for k in REGION_KEYS if k in claim]
        if stray:
            raise ClaimDataError(f"`{stray[0]}:` belongs to a `kind: regions` claim", line_of(claim, stray[0]))
        return None
    if "network" not in claim:
        raise ClaimDataError("a `kind: regions` claim needs `network:` (its weights, biases and names)",
                             line_of(claim))
    net = read_network(claim["network"], line_of(claim, "network"))
    quantity = claim.get("expect")
    if quantity is not None:
        declared = net.quantities()
        if not isinstance(quantity, str) or quantity.strip() not in declared:
            raise ClaimDataError(f"expect: {quantity!r} is not a quantity the network declares "
                                 f"(declared: {', '.join(declared)})", line_of(claim, "expect"))
        quantity = quantity.strip()
    at = _points(claim["at"], line_of(claim, "at"), net.inputs) if "at" in claim else None
    data = _data(claim.get("data"), line_of(claim, "data"), at)
    where = claim.get("where")
    if where is not None and (not isinstance(where, str) or not where.strip()):
        raise ClaimDataError("where must be a LaTeX condition such as 'x_1 \\ge 0, x_2 < 1'",
                             line_of(claim, "where"))
    return RegionClaim(net, quantity, at, data, where)


def read_network(value: Any, line: int | None) -> Network:
    net = mapping(value, "network", line)
    unknown = set(net) - {"input", "layers", "aliases"}
    if unknown:
        key = sorted(unknown)[0]
        raise ClaimDataError(f"unknown network key {key!r}", line_of(net, key))
    name = net.get("input")
    if not isinstance(name, str) or len(name) != 1 or not name.isalpha() or not name.isascii():
        raise ClaimDataError("network: input must be one letter (two inputs are written x_1, x_2)",
                             line_of(net, "input"))
    raw_layers = net.get("layers")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise ClaimDataError("network: layers must be a non-empty list", line_of(net, "layers"))
    layers: list[Layer] = []
    for item in raw_layers:
        layers.append(_layer(item, line_of(item) or line_of(net, "layers"), layers))
    if layers[0].weights and len(layers[0].weights[0]) > MAX_INPUTS:
        raise ClaimDataError(f"network: region checks support 1 to {MAX_INPUTS} inputs", line_of(raw_layers[0]))
    _distinct_names(layers, line_of(net, "layers"))
    return Network(name, tuple(layers), _aliases(net.get("aliases"), line_of(net, "aliases")))


def _distinct_names(layers: list[Layer], line: int | None) -> None:
    """Each quantity has its own name; layers may share an activation function's name (the notes' `g` of
    every layer) when the function is the same."""
    quantities = [layer.names[r] for layer in layers for r in QUANTITY_ROLES if r in layer.names]
    functions: dict[str, str] = {}
    for layer in layers:
        name = layer.names.get("function")
        if name is not None and functions.setdefault(name, layer.activation) != layer.activation:
            raise ClaimDataError(f"network: the function {name!r} is declared with two activations", line)
    for name in quantities:
        if quantities.count(name) > 1 or name in functions:
            raise ClaimDataError(f"network: the name {name!r} is declared twice", line)


def _layer(value: Any, line: int | None, before: list[Layer]) -> Layer:
    layer = mapping(value, "each layer", line)
    unknown = set(layer) - {"weights", "bias", "activation", "names"}
    if unknown:
        key = sorted(unknown)[0]
        raise ClaimDataError(f"unknown layer key {key!r}", line_of(layer, key))
    at = line_of(layer, "weights")
    rows = layer.get("weights")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise ClaimDataError("weights must be a list of rows, one per unit ([[1], [1]]: two units, one input)", at)
    weights = tuple(numbers(r, "weights", at) for r in rows)
    if len({len(r) for r in weights}) != 1:
        raise ClaimDataError("weights: every row needs the same length", at)
    if before and len(weights[0]) != before[-1].units:
        raise ClaimDataError(f"weights: rows of length {len(weights[0])}, but the layer before has "
                             f"{before[-1].units} units", at)
    b = layer.get("bias")
    at = line_of(layer, "bias")
    bias = (number(b, "bias", at),) if not isinstance(b, list) else numbers(b, "bias", at)
    if len(bias) != len(weights):
        raise ClaimDataError(f"bias: {len(bias)} entries for {len(weights)} units", at)
    activation = layer.get("activation")
    if activation not in ACTIVATION_KINDS:
        raise ClaimDataError(f"activation must be one of {', '.join(ACTIVATION_KINDS)}, got {activation!r}",
                             line_of(layer, "activation"))
    names = mapping(layer.get("names", {}), "names", line_of(layer, "names"))
    for role, spelling in names.items():
        if role not in NAME_ROLES:
            raise ClaimDataError(f"names: unknown role {role!r} (known: {', '.join(NAME_ROLES)})",
                                 line_of(names, role))
        if not isinstance(spelling, str) or not spelling.strip():
            raise ClaimDataError(f"names: {role} must be the LaTeX the notes write for it", line_of(names, role))
    return Layer(weights, bias, activation, {role: s.strip() for role, s in names.items()})


def _aliases(value: Any, line: int | None) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    out = []
    for spelling, meant in mapping(value, "aliases", line).items():
        if not isinstance(meant, str) or not meant.strip() or not spelling.strip():
            raise ClaimDataError("aliases: each is 'spelling in the notes': 'declared spelling'",
                                 line_of(value, spelling))
        out.append((spelling, meant))
    return tuple(out)


def _points(value: Any, line: int | None, inputs: int) -> tuple[tuple[Number, ...], ...]:
    if not isinstance(value, list) or not value or len(value) > MAX_POINTS:
        raise ClaimDataError(f"at must be a list of 1 to {MAX_POINTS} inputs", line)
    points = tuple(numbers(p, "at", line) if isinstance(p, list) else (number(p, "at", line),) for p in value)
    if any(len(p) != inputs for p in points):
        raise ClaimDataError(f"at: each input has {inputs} component(s) (the network's inputs)", line)
    return points


def _data(value: Any, line: int | None, at: tuple | None) -> dict[str, tuple[Number, ...]]:
    if value is None:
        return {}
    if at is None:
        raise ClaimDataError("data needs `at:` (the inputs its values belong to)", line)
    out = {}
    for name, values in mapping(value, "data", line).items():
        row = numbers(values, f"data: {name}", line_of(value, name))
        if len(row) != len(at):
            raise ClaimDataError(f"data: {name} has {len(row)} values for {len(at)} inputs (at:)",
                                 line_of(value, name))
        out[name] = row
    return out

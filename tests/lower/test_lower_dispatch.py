"""The dispatch table covers every node kind the grammar produces, and each construct is reached by a formula."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import (
    BRACKET_VECTORS,
    CONSTRUCTS,
    LITERAL_DECIMALS,
    PARTS,
    STRICT,
    Lowerer,
    constructs_for,
)
from derive.lower.settings import LoweringSettings
from derive.parse.latex import parse_latex
from derive.parse.tree import Node
from derive.spec.declarations import Declarations

PARSE = Path(__file__).resolve().parents[2] / "derive" / "parse"

# One formula per construct whose outermost node has that kind, with its value under empty declarations.
x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
EXAMPLES: dict[str, tuple[str, object]] = {
    "number": ("2.5", sp.Rational(5, 2)),
    "name": ("x", x),
    "infty": (r"\infty", sp.oo),
    "text": (r"\text{cost}", sp.Symbol("cost", real=True)),
    "bold": (r"\mathbf{x}", x),
    "accent": (r"\hat{y}", sp.Symbol("hat_y", real=True)),
    "style": (r"\mathcal{L}", sp.Symbol("cal_L", real=True)),
    "paren": ("(x + 1)", x + 1),
    "abs": (r"\lvert x \rvert", sp.Abs(x)),
    "norm": (r"\| x \|", sp.Abs(x)),
    "inner": (r"\langle x, y \rangle", x * y),
    "floor": (r"\lfloor x \rfloor", sp.floor(x)),
    "ceil": (r"\lceil x \rceil", sp.ceiling(x)),
    "pos": ("+x", x),
    "neg": ("-x", -x),
    "add": ("x + y", x + y),
    "minus": ("x - y", x - y),
    "mul": (r"x \cdot y", x * y),
    "div": ("x / y", x / y),
    "frac": (r"\frac{x}{2}", x / 2),
    "binom": (r"\binom{4}{2}", 6),
    "sqrt": (r"\sqrt{4}", 2),
    "root": (r"\sqrt[3]{8}", 2),
    "factorial": ("3!", 6),
    "sup": ("x^2", x ** 2),
    "sub": ("x_1", sp.Symbol("x_1", real=True)),
    "prime": ("x'", sp.Symbol("x_prime", real=True)),
    "call": (r"\exp(x)", sp.exp(x)),
    "implicit": ("2 x y", 2 * x * y),
    "bigop": (r"\prod_{k=1}^{3} k", 6),
    "env": (r"\begin{pmatrix} 1 & 2 \end{pmatrix}", sp.ImmutableMatrix([[1, 2]])),
}


def kinds_made_by_the_parser() -> set[str]:
    """Every literal kind in `Node("kind", ...)` in the parser's source (the transformer, and latex.py for
    the empty side of `= x`)."""
    made = set()
    for path in (PARSE / "transformer.py", PARSE / "latex.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        made |= {call.args[0].value for call in ast.walk(tree)
                 if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "Node"
                 and call.args and isinstance(call.args[0], ast.Constant)}
    return made


def test_every_kind_of_the_grammar_is_a_construct_or_a_part_of_one() -> None:
    made = kinds_made_by_the_parser()
    assert "call" in made and "bigop" in made   # the scan finds the kinds
    assert made - set(CONSTRUCTS) - PARTS == set(), "a node kind nobody lowers: add it to CONSTRUCTS or PARTS"
    assert set(CONSTRUCTS) & PARTS == set()
    assert (set(CONSTRUCTS) | PARTS) - made == set()


def test_variants_only_replace_constructs_that_exist() -> None:
    for table in (STRICT, LITERAL_DECIMALS, BRACKET_VECTORS):
        assert set(table) <= set(CONSTRUCTS)
    strict = constructs_for(LoweringSettings(strict=True))
    assert all(strict[k] is STRICT[k] for k in STRICT)
    assert all(strict[k] is CONSTRUCTS[k] for k in set(CONSTRUCTS) - set(STRICT))


@pytest.mark.parametrize("kind", sorted(set(CONSTRUCTS) - {"group"}))   # a group is only a script
def test_each_construct_is_reached_by_a_formula(kind: str) -> None:
    latex, expected = EXAMPLES[kind]
    node = parse_latex(latex).statements[0].operands[0]
    assert node.kind == kind
    value = Lowerer(Declarations()).expr(node)
    assert value == expected or sp.simplify(value - expected) == 0


def test_a_script_group_is_the_expression_inside() -> None:
    script = parse_latex("x^{y + 1}").statements[0].operands[0].args[1]
    assert script.kind == "group"
    assert Lowerer(Declarations()).expr(script) == y + 1


@pytest.mark.parametrize("kind", sorted(PARTS))
def test_parts_are_never_values_by_themselves(kind: str) -> None:
    with pytest.raises(LoweringError, match="cannot give a meaning"):
        Lowerer(Declarations()).expr(Node(kind))

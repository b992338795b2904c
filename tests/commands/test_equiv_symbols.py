"""`equiv --symbols`: declarations as in a spec, braces optional, shapes instantiated as a spec's are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from verify.commands.equiv import UsageError, check_pair, parse_symbols_option

SIZES = parse_symbols_option("z: {shape: [3]}, i: {range: [1, 3]}, j: {range: [1, 3]}")


def test_braces_are_optional_and_a_bad_mapping_says_where() -> None:
    assert parse_symbols_option("{x: positive}") == parse_symbols_option("x: positive") == {"x": "positive"}
    with pytest.raises(UsageError, match=r"not a YAML mapping \(.*column \d+\)"):
        parse_symbols_option("{z: {shape: [3]}")


def test_a_declared_shape_makes_the_name_a_vector_of_entries() -> None:
    right = check_pair(r"\operatorname{softmax}(\mathbf{z})_2", r"\frac{e^{z_2}}{\sum_{j=1}^{3} e^{z_j}}", SIZES)
    assert right["equivalent"] is True, right
    by_letter = check_pair(r"\operatorname{softmax}(z)_i", r"\frac{e^{z_i}}{\sum_{j} e^{z_j}}", SIZES)
    assert by_letter["equivalent"] is True, by_letter
    wrong = check_pair(r"\operatorname{softmax}(z)_i", r"\frac{e^{z_i}}{\sum_{j} e^{z_i}}", SIZES)
    assert wrong["equivalent"] is False and wrong["counterexample"], wrong
    # a scalar z would make softmax(z) = 1: the declaration is what makes this a vector identity
    assert check_pair(r"\operatorname{softmax}(z)_2", "1", SIZES)["equivalent"] is False


def test_a_letter_index_without_a_range_asks_for_one() -> None:
    out = check_pair(r"\operatorname{softmax}(z)_i", r"e^{z_i}", parse_symbols_option("z: {shape: [3]}"))
    assert out["equivalent"] is None and "declare its range: `i: {range: [1, N]}`" in out["error"]


def test_infinite_sides_are_compared_as_the_values_they_are() -> None:
    assert check_pair(r"\lim_{x \to 3^{+}} \frac{1}{x-3}", r"\infty", None)["equivalent"] is True
    wrong = check_pair(r"\lim_{x \to 3^{-}} \frac{1}{x-3}", r"\infty", None)
    assert wrong["equivalent"] is False and wrong["counterexample"]["claimed"] == "-oo", wrong
    assert check_pair(r"\lim_{x \to \infty} x^2", "1", None)["equivalent"] is False
    assert check_pair(r"\infty", "x", None)["equivalent"] is None


def test_a_formula_that_starts_with_a_minus_is_told_to_come_after_double_dash() -> None:
    cli = Path(__file__).resolve().parents[2] / "cli.py"
    out = subprocess.run([sys.executable, str(cli), "equiv", "x", r"-\infty"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2
    assert r"put `--` before formulas that start with '-' (derivcheck equiv -- '-\infty' ...)" in out.stderr


def test_an_option_after_double_dash_is_told_to_come_before_it(capsys) -> None:
    assert main(["equiv", "--", "-a", "b", "--symbols", "a: positive"]) == 2
    assert "--symbols comes after `--`, where everything is a formula: put options before `--`" in \
        capsys.readouterr().err
    assert main(["equiv", "--symbols", "a: positive", "--", "-a", "-a"]) == 0


def test_a_function_letter_before_a_bracket_decides_only_when_both_readings_agree() -> None:
    """`f(x + y)` against `f(x) + f(y)`: an identity if f is a factor, not one if f is a function. Neither
    reading is assumed: the answer stands when both give it (undecided otherwise)."""
    for a, b in ((r"f(x + y)", r"f(x) + f(y)"), (r"g'(x)", r"x g'"), (r"\sigma(-x)", r"1 - \sigma(x)")):
        answer = check_pair(a, b, None)
        assert answer["equivalent"] is None and "reads two ways" in answer["error"], (a, b)
    assert check_pair(r"f(x + y)", r"f(y + x)", None)["equivalent"] is True
    assert check_pair(r"a(b + c)", r"ab + ac", None)["equivalent"] is True   # not a function letter: a product
    assert check_pair(r"f(x + y)", r"f(x) + f(y)", {"f": "real"})["equivalent"] is True   # declared a factor

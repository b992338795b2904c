"""A fixed file of formulas printed by `sympy.latex()` (tests/parse/sympy_printed.jsonl, written by
make_sympy_printed.py) is read 100 %, each to the value SymPy's expression has (issue 15, acceptance)."""

from __future__ import annotations

import json
from pathlib import Path

from sympy_printer_cases import agree, compared, read, values

from derive.lower.errors import LoweringError
from derive.parse.latex import LatexParseError
from verify.compare.budget import time_limit

FILE = Path(__file__).with_name("sympy_printed.jsonl")
LINES = [json.loads(line) for line in FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_file_holds_at_least_300_printed_formulas_of_every_family() -> None:
    assert len(LINES) >= 300
    sources = " ".join(line["source"] for line in LINES)
    for family in ("asech(", "acoth(", "Abs(", "factorial(", "binomial(", "floor(", "ceiling(", "Min(", "Max(",
                   "Piecewise(", "Sum(", "Product(", "Derivative(", "Integral(", "Limit(", "Matrix(", "gamma("):
        assert family in sources, family
    printed = {json.dumps(line["options"], sort_keys=True) for line in LINES}
    assert len(printed) >= 8   # the printer's options, not only its defaults


def test_every_formula_printed_by_sympy_reads_back_to_its_value() -> None:
    failures = []
    for line in LINES:
        try:
            with time_limit(20.0):
                got = values(compared(read(line["latex"])))
        except (LatexParseError, LoweringError, TimeoutError) as exc:
            failures.append(f"{line['id']}: {line['latex']}: {type(exc).__name__}: {exc}")
            continue
        if not agree(line["values"], got):
            failures.append(f"{line['id']}: {line['latex']}: values {line['values']} read as {got}")
    assert not failures, "\n".join(failures)

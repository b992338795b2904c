"""The value of one operand of a chain, as lint reads it: the strict Lowerer under a time limit.

Lint reads with `Lowerer(decls, LoweringSettings(strict=True, ...))` (verify/lint/scope.py makes the reader;
derive/lower/strict.py says what the strict reading refuses). A reading that refuses, fails or takes too long
is a reason to skip the step, never a verdict.
"""

from __future__ import annotations

import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.tree import Node
from verify.compare.budget import time_limit
from verify.lint.steps import STEP_SECONDS


def operand_value(low: Lowerer, node: Node) -> sp.Expr | sp.MatrixBase:
    """The value of one operand of a chain (a number, an expression, or a matrix written out or defined);
    raises LoweringError when it has none."""
    if node.kind == "empty":
        raise LoweringError("incomplete")
    with time_limit(STEP_SECONDS):
        v = low.expr(node)
    if isinstance(v, sp.MatrixBase):
        return sp.ImmutableMatrix(v)
    if not isinstance(v, sp.Expr):
        raise LoweringError("not a value")
    return v


def value_or_reason(low: Lowerer, node: Node) -> sp.Expr | LoweringError:
    """The value of one operand, or the reason it has none (never an exception)."""
    try:
        return operand_value(low, node)
    except LoweringError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a reading the lowerer cannot give is a skip, never a crash
        err = LoweringError(f"{type(exc).__name__}: {exc}")
        err.kind = "timeout" if isinstance(exc, TimeoutError) else "unsupported"
        return err

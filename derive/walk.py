"""The walk the exact and high-precision evaluators share: each distinct subexpression evaluated once (under the
same loop-index values), and the terms of a sum or product evaluated with its index bound in turn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sympy as sp


class MemoWalk:
    """Subclasses define `_leaf(e)` (a value for an atom, or None to go on) and `_node(e)`."""

    def __init__(self) -> None:
        self._memo: dict[Any, Any] = {}
        self._bound: dict[sp.Symbol, int] = {}

    def _leaf(self, e: sp.Basic) -> Any:
        return None

    def _node(self, e: sp.Basic) -> Any:
        raise NotImplementedError

    def _ev(self, e: sp.Basic) -> Any:
        leaf = self._leaf(e)
        if leaf is not None:
            return leaf
        key = (e, tuple(self._bound.items())) if self._bound else e   # (binding order: outer index first)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._node(e)
            self._memo[key] = hit
        return hit

    def _connective(self, e: sp.Basic) -> bool | None:
        """The truth of `and`, `or`, `not` of conditions (and of true/false); None for anything else."""
        if e is sp.true or e is sp.false:
            return bool(e)
        if isinstance(e, sp.And):
            return all(self._ev(a) for a in e.args)
        if isinstance(e, sp.Or):
            return any(self._ev(a) for a in e.args)
        if isinstance(e, sp.Not):
            return not self._ev(e.args[0])
        return None

    def _terms(self, var: sp.Symbol, start: int, end: int, inner: sp.Basic) -> Iterator[Any]:
        """The value of `inner` with `var` bound to start, ..., end in turn (restored afterwards)."""
        saved = self._bound.get(var)
        try:
            for k in range(start, end + 1):
                self._bound[var] = k
                yield self._ev(inner)
        finally:
            if saved is None:
                self._bound.pop(var, None)
            else:
                self._bound[var] = saved


__all__ = ["MemoWalk"]

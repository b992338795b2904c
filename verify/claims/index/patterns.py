"""Matrices and lists with elided entries (`\\cdots`, `\\vdots`, `\\ddots`) on a concrete size.

A pattern is laid out on the shape the left side of the claim has: entries before an ellipsis take the
first positions, entries after it the last ones.  Every shown entry is compared where it stands.  An
elided entry is filled from the shown entries of its kind (on, above or below the diagonal): each shown
entry is turned into a template by replacing the index numerals that equal its own row / column
(`1`, `2`, or a size name such as `N`) by the row / column variable; the elided entry is filled when the
templates agree, and left undecided (None) otherwise.
"""

from __future__ import annotations

import numpy as np

from verify.claims.index.errors import IndexError_

ROW, COL = "§r", "§c"


def _is_dots(cell) -> bool:
    return cell == ("dots",)


def _positions(cells: list, n: int, what: str) -> list[tuple[int, object]]:
    """[(position, cell)] for a row of cells laid out on n positions (one ellipsis allowed)."""
    dots = [k for k, c in enumerate(cells) if _is_dots(c)]
    if not dots:
        if len(cells) != n:
            raise IndexError_(f"{what}: {len(cells)} entries where the left side has {n}")
        return list(enumerate(cells))
    if len(dots) > 1:
        raise IndexError_(f"{what}: more than one ellipsis")
    a, b = dots[0], len(cells) - dots[0] - 1
    if a + b > n:
        raise IndexError_(f"{what}: {a + b} shown entries do not fit in {n}")
    return [(k, cells[k]) for k in range(a)] + [(n - b + k, cells[a + 1 + k]) for k in range(b)]


def _template(node, pos: tuple[int, ...], atom_value):
    """`node` with index atoms equal to its own row / column replaced by ROW / COL."""
    def walk(n):
        if not isinstance(n, tuple) or not n or not isinstance(n[0], str):
            return n
        if n[0] == "ref":
            idx = []
            for a in n[2]:
                v = atom_value(a)
                idx.append(ROW if v == pos[0] else COL if len(pos) > 1 and v == pos[1] else a)
            return ("ref", n[1], tuple(idx), *n[3:])
        if n[0] in ("add", "mul", "diag", "and"):
            return (n[0], [walk(c) for c in n[1]])
        return tuple(walk(c) if isinstance(c, tuple) else c for c in n)
    return walk(node)


def _kind(pos: tuple[int, ...]) -> int:
    return 0 if len(pos) == 1 else (pos[0] > pos[1]) - (pos[0] < pos[1])


def _fill(shown: dict[tuple[int, ...], object], shape: tuple[int, ...], atom_value) -> dict:
    """Templates for the elided positions (None where the shown entries disagree)."""
    temps = {p: _template(n, p, atom_value) for p, n in shown.items()}
    out = {}
    for pos in np.ndindex(*shape):
        if pos in shown:
            continue
        same = {repr(t): t for p, t in temps.items() if _kind(p) == _kind(pos)}
        if not same:
            same = {repr(t): t for t in temps.values()}
        out[pos] = next(iter(same.values())) if len(same) == 1 else None
    return out


def expand(ev, node, env: dict, target: tuple[int, ...] | None, atom_value):
    """The value of a ("matrix", rows) or ("diag", items) node; None entries are undecided."""
    if node[0] == "diag":
        if target is None or len(target) != 2 or target[0] != target[1]:
            raise IndexError_("diag(...) needs a square left side")
        n = target[0]
        vec = _vector(ev, [(p, c) for p, c in _positions(node[1], n, "diag(...)")], (n,), env, atom_value)
        out = np.full((n, n), 0, dtype=object)
        for k in range(n):
            out[k, k] = vec[k]
        return out
    rows = node[1]
    has_dots = any(_is_dots(c) for r in rows for c in r)
    if target is None:
        if has_dots:
            raise IndexError_("an ellipsis in a matrix needs the left side's shape")
        target = (len(rows), len(rows[0])) if len(rows[0]) > 1 else (len(rows),)
    row_cells = [None if all(_is_dots(c) for c in r) else r for r in rows]
    marked = [("dots",) if r is None else r for r in row_cells]
    placed = _positions(marked, target[0], "rows")
    if len(target) == 1 or all(len(r) == 1 for r in rows if r is not None and not all(map(_is_dots, r))):
        entries = [(p, r[0]) for p, r in placed]
        if len(target) == 1:
            return _array({(k,): v for k, v in enumerate(_vector(ev, entries, target, env, atom_value))}, target)
        # one column of row vectors: stack them
        vec = _vector(ev, entries, (target[0],), env, atom_value)
        out = np.empty(target, dtype=object)
        for k, v in enumerate(vec):
            if v is None:
                out[k, :] = None
                continue
            v = np.asarray(v, dtype=object).reshape(-1)
            if v.shape != (target[1],):
                raise IndexError_(f"row {k + 1} has {v.shape[0]} entries where the left side has {target[1]}")
            out[k, :] = v
        return out
    shown = {}
    for p, r in placed:
        for c, cell in _positions(r, target[1], f"row {p + 1}"):
            shown[(p, c)] = cell
    return _array(_build(ev, shown, target, env, atom_value), target)


def _vector(ev, entries, shape, env, atom_value) -> list:
    got = _build(ev, dict(((p,), c) for p, c in entries), shape, env, atom_value)
    return [got[(k,)] for k in range(shape[0])]


def _build(ev, shown: dict, shape: tuple[int, ...], env: dict, atom_value) -> dict:
    out = {pos: ev.ev(node, env) for pos, node in shown.items()}
    for pos, temp in _fill(shown, shape, atom_value).items():
        if temp is None:
            out[pos] = None
            continue
        local = {**env, ROW: pos[0]}
        if len(pos) > 1:
            local[COL] = pos[1]
        out[pos] = ev.ev(temp, local)
    return out


def _array(values: dict, shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    for pos, v in values.items():
        if isinstance(v, np.ndarray):
            raise IndexError_(f"entry {tuple(k + 1 for k in pos)} is a tensor, not a number")
        out[pos] = v
    return out


def mul(a, b):
    """Juxtaposition: a matrix product of two tensors, else a scalar multiple."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        try:
            return np.dot(a, b)
        except ValueError:
            raise IndexError_(f"product of tensors of shapes {a.shape} and {b.shape}") from None
    if isinstance(b, np.ndarray):
        return b * a
    return a * b


def elementwise(f, a):
    if isinstance(a, np.ndarray):
        out = np.empty(a.shape, dtype=object)
        for k in np.ndindex(*a.shape):
            out[k] = f(a[k])
        return out
    return f(a)

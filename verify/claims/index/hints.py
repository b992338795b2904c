"""Tree helpers for index-notation claims and the repairs the checker names.

A repair is only named when the repaired claim agrees with the derivation on every component, so a
hint never guesses: "with a sum over i it would be right", "indices i and k of z look swapped",
"with z_{ij} in place of z_{ik} ...", "without the sum over i ...", "with x in place of u ...",
"with W^O in place of W ...".
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from verify.claims.index.errors import IndexError_


@dataclass
class IndexVerdict:
    """What the index-notation checker concludes about a claim: a verdict name and its message."""

    verdict: str
    message: str


def kids(node) -> list:
    kind = node[0]
    if kind in ("ref", "num", "dots"):
        return []
    if kind in ("add", "mul", "diag", "and"):
        return list(node[1])
    if kind == "matrix":
        return [c for row in node[1] for c in row]
    if kind == "cases":
        return [x for v, c in node[1] for x in (v, c) if x is not None]
    if kind == "sum":
        return [node[2]]
    if kind == "comp":
        return [node[1]]
    return [c for c in node[1:] if isinstance(c, tuple)]


def rebuild(node, f):
    """`node` with f applied to every child node."""
    kind = node[0]
    if kind in ("ref", "num", "dots"):
        return node
    if kind in ("add", "mul", "diag", "and"):
        return (kind, [f(c) for c in node[1]])
    if kind == "matrix":
        return (kind, [[f(c) for c in row] for row in node[1]])
    if kind == "cases":
        return (kind, [(f(v), None if c is None else f(c)) for v, c in node[1]])
    if kind == "sum":
        return (kind, node[1], f(node[2]), node[3], node[4])
    if kind == "comp":
        return (kind, f(node[1]), node[2])
    return tuple(f(c) if isinstance(c, tuple) else c for c in node)


def refs(node):
    if node[0] == "ref":
        yield node[1], node[2]
    for c in kids(node):
        yield from refs(c)


def free(node, bound: frozenset[str] = frozenset()) -> set[str]:
    if node[0] == "sum":
        return free(node[2], bound | {node[1]})
    if node[0] == "ref":
        return {a for a in node[2] if not a.isdigit()} - bound
    out = set().union(*(free(c, bound) for c in kids(node))) if kids(node) else set()
    if node[0] == "comp":
        out |= {a for a in node[2] if not a.isdigit()} - bound
    return out


def _map_refs(node, f):
    if node[0] == "ref":
        return f(node)
    return rebuild(node, lambda c: _map_refs(c, f))


def _ref_sites(node) -> list:
    """Every distinct ref node (by identity of content)."""
    seen = []
    for name, idx in refs(node):
        if (name, idx) not in seen:
            seen.append((name, idx))
    return seen


def rename_all(node, name: str, other: str):
    """Every reference to tensor `name` (whatever its indices) becomes `other`."""
    return _map_refs(node, lambda r: ("ref", other, *r[2:]) if r[1] == name else r)


def _with_ref(node, old: tuple, new_idx: tuple[str, ...] | None = None, new_name: str | None = None):
    def f(r):
        if (r[1], r[2]) != old:
            return r
        return ("ref", new_name or r[1], r[2] if new_idx is None else new_idx, *r[3:])
    return _map_refs(node, f)


def _ok(lhs, cand, cond, model, rng, compare) -> bool:
    try:
        return compare(lhs, cand, cond, model, rng)[0] == "ok"
    except (IndexError_, ValueError, TypeError):
        return False


def _show(name: str, idx) -> str:
    base, _, label = name.partition("^")
    sub = ",".join(idx) if any(len(a) > 1 for a in idx) else "".join(idx)
    return f"{base}_{{{sub}}}" + (f"^{label}" if label else "")


def stray(lhs, rhs, letters: set[str], cond, model, rng, compare) -> str:
    """A hint for a right side with free indices the left side does not have."""
    fixed = rhs
    for c in sorted(letters):
        fixed = ("sum", c, fixed, None, None)
    if _ok(lhs, fixed, cond, model, rng, compare):
        names = ", ".join(sorted(letters))
        return f"; with a sum over {names} (or under the summation convention) it would be right"
    free_l = free(lhs)
    if len(letters) == 1:
        s = next(iter(letters))

        def rebind(node, v):
            if node[0] == "sum" and node[1] == v:
                return ("sum", s, node[2], node[3], node[4])
            return rebuild(node, lambda c: rebind(c, v))
        for v in sorted(free_l):
            if _ok(lhs, rebind(rhs, v), cond, model, rng, compare):
                return f"; summing over {s} instead of {v} would make it right"
        for name, idx in _ref_sites(rhs):
            if s in idx:
                for t in sorted(free_l):
                    new = tuple(t if a == s else a for a in idx)
                    if _ok(lhs, _with_ref(rhs, (name, idx), new), cond, model, rng, compare):
                        return f"; with {_show(name, new)} in place of {_show(name, idx)} it would be right"
    return ""


def repair(lhs, rhs, cond, model, rng, compare) -> str:
    """A hint for a numerically wrong right side (first repair that makes every component agree)."""
    sites = _ref_sites(rhs)
    for name, idx in sites:
        for a, b in itertools.combinations(sorted({x for x in idx if not x.isdigit()}), 2):
            new = tuple(b if x == a else a if x == b else x for x in idx)
            if _ok(lhs, _with_ref(rhs, (name, idx), new), cond, model, rng, compare):
                return f"; indices {a} and {b} of {name} look swapped"
    free_l = sorted(free(lhs))
    for name, idx in sites:
        for pos, a in enumerate(idx):
            for t in free_l:
                if t == a or a.isdigit():
                    continue
                new = idx[:pos] + (t,) + idx[pos + 1:]
                if _ok(lhs, _with_ref(rhs, (name, idx), new), cond, model, rng, compare):
                    return f"; with {_show(name, new)} in place of {_show(name, idx)} it would be right"

    def drop(node, v):
        if node[0] == "sum" and node[1] == v:
            return node[2]
        return rebuild(node, lambda c: drop(c, v))
    for v in free_l:
        if _ok(lhs, drop(rhs, v), cond, model, rng, compare):
            return f"; without the sum over {v} (a free index of the left side) it would be right"
    for name in dict.fromkeys(n for n, _ in sites):
        for other in _candidates(name, model, any_letter=True):
            if len(model.shape_of(other)) == len(model.shape_of(name)):
                cand = rename_all(rhs, name, other)
                if _ok(lhs, cand, cond, model, rng, compare):
                    return f"; with {other} in place of {name} it would be right"
    return ""


def _candidates(name: str, model, any_letter: bool = False) -> list[str]:
    """Other quantities for `name`: the same letter with another label first, then (any_letter) the rest."""
    base = name.partition("^")[0]
    names = sorted(n for n in set(model.shapes) | set(model.defs) | set(model.data) if n != name)
    same = [n for n in names if n.partition("^")[0] == base]
    return same + [n for n in names if n not in same] if any_letter else same


def relabel(sides: list, cond, model, check) -> str:
    """An undeclared tensor (or one of the wrong shape) that another label of the same letter would fix."""
    for name, _ in {(n, i) for s in sides for n, i in refs(s)}:
        for other in _candidates(name, model):
            new = [rename_all(s, name, other) for s in sides]
            try:
                if check(new, cond, model, hint=False).verdict == "correct":
                    return f"; with {other} in place of {name} it would be right"
            except (IndexError_, ValueError, TypeError):
                continue
    return ""


def undefined_top(sides: list, cond, model, check):
    """The claim differentiates a quantity the problem never defines (a name carried over from another
    problem): ill-posed as written; say which defined scalar would make every side right."""
    name = sides[0][1][1]
    verdict = IndexVerdict("ill-posed", f"{name} is not defined in this problem")
    scalars = [c for c, (letters, _) in model.defs.items() if not letters]
    for candidate in scalars:
        renamed = [_map_refs(s, lambda r, c=candidate: ("ref", c, (), False) if r[1] == name else r) for s in sides]
        try:
            other = check(renamed, cond, model)
        except IndexError_:
            continue
        if other.verdict == "correct":
            verdict.message += f"; with {candidate} in place of {name} every side would be right"
            break
        if len(scalars) == 1:
            verdict.message += f"; with {candidate} in place of {name}: {other.verdict}, {other.message}"
    return verdict


def order_swap(lists: list[tuple[str, list[str]]], orders: dict[str, int], run) -> str:
    """Index lists `i_1, ..., i_r` whose order letters look exchanged: try swapping two order letters in
    the lists of some tensors. `lists` are (owner, order letters) of the claim's elided index lists (the
    owner is the tensor's letter, `]` for a bracket); `run((owners, a, b))` gives the verdict of the claim
    read with a and b exchanged in the lists of those owners."""
    used = sorted({o for _, letters in lists for o in letters} & set(orders))
    names = sorted({owner for owner, _ in lists})
    for a, b in itertools.combinations(used, 2):
        for size in range(1, len(names) + 1):
            for subset in itertools.combinations(names, size):
                if run((frozenset(subset), a, b)) == "correct":
                    which = ", ".join("the bracket" if n == "]" else n for n in subset)
                    return f"; with {a} and {b} exchanged in the index lists of {which} it would be right"
    return ""

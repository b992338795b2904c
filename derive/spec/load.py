"""Spec format v1: YAML exercise files -> validated `ExerciseSpec` / `ClaimSpec` objects.

Every problem is a `SpecError` naming the file and line. Claim kinds are validated against the registry the
caller passes in (`kinds`: verify/claims/registry.py owns the list), so a misspelled `kind:` stops the run
before any checking, with a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

from derive.spec.claim_data import ClaimDataError
from derive.spec.code_claims import CODE_KEYS, read_code_claim
from derive.spec.declarations import NAME_RE
from derive.spec.errors import SpecError
from derive.spec.files import SPEC_SUFFIXES, spec_files
from derive.spec.model import ClaimRef, ClaimSpec, Definition, ExerciseSpec
from derive.spec.networks import REGION_KEYS, read_region_claim
from derive.spec.yaml_lines import Located, load_yaml

_EXERCISE_KEYS = {"id", "title", "symbols", "functions", "given", "claims", "status", "reason", "notes",
                  "context", "unknowns", "labels", "layout", "definitions"}
_CLAIM_KEYS = {"id", "line", "latex", "expect", "context", "tol", "notes", "reason", "unknowns", "status",
               "code", "kind", "symbols", "given",
               # `from_claim: {name: claim-id}` (or `exercise-id#claim-id`): in `expect`, `name` is the value
               # derived for that earlier claim; a wrong number that is right from the value the notes
               # *printed* there is reported as propagated (verify/claims/numeric.py). `tol:` is an
               # absolute tolerance for numeric claims (default: from the printed decimals).
               "from_claim",
               # `summation: einstein`: an index repeated among the factors of a product side and not on the
               # left side is summed over its declared range (derive/lower/index.py `einstein`).
               "summation",
               # `points: 2`: what a correct answer to the claim scores in `derivcheck grade` (default 1)
               "points",
               # code claims' kernels and region claims' networks (derive/spec/code_claims.py, networks.py)
               *CODE_KEYS, *REGION_KEYS}
STATUSES = ("unfinished",)

__all__ = ["SPEC_SUFFIXES", "ClaimSpec", "ExerciseSpec", "SpecError", "load_specs", "parse_spec_file",
           "spec_files"]


def _str(value: Any, file: Path, line: int, what: str) -> str:
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        raise SpecError(file, line, f"{what} must be text")
    return str(value)


def _mapping(value: Any, file: Path, line: int, what: str) -> Located:
    if value is None:
        empty = Located()
        empty.line, empty.key_lines = line, {}
        return empty
    if not isinstance(value, Located):
        raise SpecError(file, line, f"{what} must be a mapping")
    return value


def _names(value: Any, file: Path, line: int, what: str) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for v in items:
        if not isinstance(v, str) or not NAME_RE.match(v):
            raise SpecError(file, line, f"{what}: invalid name {v!r}")
        out.append(v)
    return out


def _suggest(word: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(known))})"


def _status(mapping: Located, path: Path) -> str | None:
    status = mapping.get("status")
    if status is not None and status not in STATUSES:
        raise SpecError(path, mapping.line_of("status"),
                        f"unknown status {status!r}{_suggest(str(status), STATUSES)}")
    return status


def parse_spec_file(path: Path, *, kinds: Collection[str]) -> list[ExerciseSpec]:
    """The exercises of one spec file; `kinds` are the claim kinds a `kind:` may name."""
    data = load_yaml(path)
    if not isinstance(data, Located):
        raise SpecError(path, 1, "a spec file is a mapping with an `exercises:` list")
    unknown = set(data) - {"notes", "exercises", "collection", "version"}
    if unknown:
        raise SpecError(path, data.line_of(sorted(unknown)[0]), f"unknown top-level key {sorted(unknown)[0]!r}")
    default_notes = data.get("notes")
    exercises = data.get("exercises")
    if not isinstance(exercises, list) or not exercises:
        raise SpecError(path, data.line_of("exercises"), "`exercises:` must be a non-empty list")
    parsed = [_exercise(path, ex, default_notes, kinds) for ex in exercises]
    _link_references(path, parsed)
    return parsed


def _reject_unknown_keys(path: Path, mapping: Located, allowed: set[str], what: str) -> None:
    unknown = set(mapping) - allowed
    if unknown:
        key = sorted(unknown)[0]
        raise SpecError(path, mapping.line_of(key), f"unknown {what} key {key!r}{_suggest(key, allowed)}")


def _exercise(path: Path, ex: Any, default_notes: Any, kinds: Collection[str]) -> ExerciseSpec:
    if not isinstance(ex, Located):
        raise SpecError(path, None, "each exercise must be a mapping")
    _reject_unknown_keys(path, ex, _EXERCISE_KEYS, "exercise")
    if "id" not in ex:
        raise SpecError(path, ex.line, "exercise without id")
    ex_id = _str(ex["id"], path, ex.line_of("id"), "id")
    if "/" not in ex_id or "#" in ex_id or any(c.isspace() for c in ex_id):
        raise SpecError(path, ex.line_of("id"), f"exercise id {ex_id!r} must look like <collection>/<number>")
    status = _status(ex, path)
    symbols = _mapping(ex.get("symbols"), path, ex.line_of("symbols"), "symbols")
    functions = _mapping(ex.get("functions"), path, ex.line_of("functions"), "functions")
    given = _mapping(ex.get("given"), path, ex.line_of("given"), "given")
    notes = ex.get("notes", default_notes)
    spec = ExerciseSpec(
        id=ex_id,
        title=ex.get("title"),
        notes=None if notes is None else _str(notes, path, ex.line_of("notes"), "notes"),
        spec_file=str(path),
        spec_line=ex.line,
        symbols=dict(symbols),
        functions={str(k): _str(v, path, functions.line_of(k), f"function {k}") for k, v in functions.items()},
        given=dict(given),
        given_lines={k: given.line_of(k) for k in given},
        status=status,
        reason=ex.get("reason"),
        context=ex.get("context"),
        unknowns=_names(ex.get("unknowns"), path, ex.line_of("unknowns"), "unknowns"),
        labels=_names(ex.get("labels"), path, ex.line_of("labels"), "labels"),
        layout=_layout(ex.get("layout"), path, ex.line_of("layout")),
        definitions=_definitions(path, ex),
    )
    claims = ex.get("claims") or []
    if not isinstance(claims, list):
        raise SpecError(path, ex.line_of("claims"), "`claims:` must be a list")
    seen: set[str] = set()
    for c in claims:
        claim = _claim(path, c, ex_id, kinds)
        if claim.id in seen:
            raise SpecError(path, claim.spec_line, f"duplicate claim id {claim.id!r} in {ex_id}")
        seen.add(claim.id)
        spec.claims.append(claim)
    if not spec.claims and status != "unfinished":
        raise SpecError(path, ex.line, f"exercise {ex_id} has no claims (mark it `status: unfinished`?)")
    return spec


def _line(value: Any, file: Path, line: int) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise SpecError(file, line, "line must be a positive integer")
    return value


def _definitions(path: Path, ex: Located) -> list[Definition]:
    raw = ex.get("definitions")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SpecError(path, ex.line_of("definitions"), "`definitions:` must be a list of {line, latex}")
    out = []
    for d in raw:
        if not isinstance(d, Located):
            raise SpecError(path, ex.line_of("definitions"), "each definition must be a mapping {line, latex}")
        _reject_unknown_keys(path, d, {"line", "latex", "notes"}, "definition")
        for key in ("line", "latex"):
            if key not in d:
                raise SpecError(path, d.line, f"definition without {key}")
        line = _line(d.get("line"), path, d.line_of("line"))
        assert line is not None
        notes = d.get("notes")
        out.append(Definition(line=line, latex=_str(d["latex"], path, d.line_of("latex"), "latex"), spec_line=d.line,
                              notes=None if notes is None else _str(notes, path, d.line_of("notes"), "notes")))
    return out


def _layout(value: Any, file: Path, line: int) -> str | None:
    if value not in (None, "denominator", "numerator"):
        raise SpecError(file, line, f"layout must be denominator or numerator, got {value!r}")
    return value


def _kind(path: Path, c: Located, kinds: Collection[str]) -> str | None:
    kind = c.get("kind")
    if kind is None:
        return "code" if c.get("code") is not None else None
    if not isinstance(kind, str) or kind not in kinds:
        raise SpecError(path, c.line_of("kind"), f"unknown claim kind {kind!r}{_suggest(str(kind), kinds)}")
    if c.get("code") is not None and kind != "code":
        raise SpecError(path, c.line_of("kind"), f"a claim with code: is kind code, not {kind}")
    return kind


def _from_claim(path: Path, c: Located, ex_id: str) -> dict[str, ClaimRef]:
    raw = c.get("from_claim")
    if raw is None:
        return {}
    line = c.line_of("from_claim")
    if not isinstance(raw, dict) or not raw:
        raise SpecError(path, line, f"claim {c.get('id')}: from_claim maps recipe names to claim ids")
    refs = {}
    for name, ref in raw.items():
        if not NAME_RE.match(str(name)) or not isinstance(ref, str) or not ref:
            raise SpecError(path, line, f"claim {c.get('id')}: from_claim values are claim ids "
                                        f"([exercise-id#]claim-id)")
        exercise, _, claim = ref.rpartition("#")
        refs[str(name)] = ClaimRef(exercise or ex_id, claim)
    return refs


def _optional_mapping(path: Path, c: Located, key: str) -> dict[str, Any] | None:
    value = c.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SpecError(path, c.line_of(key), f"claim {c.get('id')}: {key} must be a mapping")
    return dict(value)


def _claim(path: Path, c: Any, ex_id: str, kinds: Collection[str]) -> ClaimSpec:
    if not isinstance(c, Located):
        raise SpecError(path, None, "each claim must be a mapping")
    _reject_unknown_keys(path, c, _CLAIM_KEYS, "claim")
    for key in ("id", "latex"):
        if key not in c:
            raise SpecError(path, c.line, f"claim without {key}")
    line = _line(c.get("line"), path, c.line_of("line"))
    tol = c.get("tol")
    if tol is not None and (isinstance(tol, bool) or not isinstance(tol, (int, float)) or tol < 0):
        raise SpecError(path, c.line_of("tol"), "tol must be a non-negative number")
    expect = c.get("expect")
    if expect is not None and (isinstance(expect, bool) or not isinstance(expect, (str, int, float, list))):
        raise SpecError(path, c.line_of("expect"), "expect must be a recipe, LaTeX or a number")
    points = c.get("points")
    if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float))
                               or not points >= 0 or points == float("inf")):
        raise SpecError(path, c.line_of("points"), "points must be a non-negative number")
    if c.get("summation") not in (None, "einstein"):
        raise SpecError(path, c.line_of("summation"), "summation must be einstein")
    try:   # read here so that a malformed kernel or network is a spec error before anything runs
        data = read_code_claim(c) or read_region_claim(c)
    except ClaimDataError as exc:
        raise SpecError(path, exc.line or c.line, str(exc)) from None
    code = c.get("code")
    given = _optional_mapping(path, c, "given")
    return ClaimSpec(
        id=_str(c["id"], path, c.line_of("id"), "claim id"),
        latex=_str(c["latex"], path, c.line_of("latex"), "latex"),
        line=line,
        expect=expect,
        spec_line=c.line,
        notes=c.get("notes"),
        context=c.get("context"),
        tol=float(tol) if tol is not None else None,
        status=_status(c, path),
        reason=c.get("reason"),
        unknowns=_names(c.get("unknowns"), path, c.line_of("unknowns"), "unknowns"),
        kind=_kind(path, c, kinds),
        code=None if code is None else _str(code, path, c.line_of("code"), "code"),
        symbols=_optional_mapping(path, c, "symbols"),
        given=given,
        given_lines={k: c.line for k in (given or {})},
        from_claim=_from_claim(path, c, ex_id),
        summation=c.get("summation"),
        points=float(points) if points is not None else None,
        data=data,
        raw=dict(c),
    )


def _link_references(path: Path, exercises: list[ExerciseSpec]) -> None:
    """Check every `from_claim` target exists in this file and attach the exercises each one needs."""
    by_id = {ex.id: ex for ex in exercises}
    direct: dict[str, set[str]] = {}
    for ex in exercises:
        direct[ex.id] = set()
        for claim in ex.claims:
            for ref in claim.from_claim.values():
                target = by_id.get(ref.exercise)
                if target is None:
                    raise SpecError(path, claim.spec_line,
                                    f"claim {claim.id}: from_claim: no exercise {ref.exercise} in this file")
                found = target.claim(ref.claim)
                if found is None or found is claim:
                    raise SpecError(path, claim.spec_line,
                                    f"claim {claim.id}: from_claim: no claim {ref.exercise}#{ref.claim}")
                if ref.exercise != ex.id:
                    direct[ex.id].add(ref.exercise)
    for ex in exercises:
        reached: list[str] = []
        todo = sorted(direct[ex.id])
        while todo:
            other = todo.pop()
            if other == ex.id:
                raise SpecError(path, ex.spec_line, f"exercise {ex.id}: from_claim references go in a circle")
            if other not in reached:
                reached.append(other)
                todo.extend(sorted(direct[other]))
        # Referenced exercises carry no references of their own here: `ex.references` is already transitive.
        ex.references = [_without_references(by_id[other]) for other in reached]


def _without_references(ex: ExerciseSpec) -> ExerciseSpec:
    return replace(ex, references=[])


def load_specs(paths: list[Path], *, kinds: Collection[str]) -> list[ExerciseSpec]:
    """Every exercise under `paths`, ids unique across the whole suite."""
    exercises: list[ExerciseSpec] = []
    seen: dict[str, str] = {}
    for f in spec_files(paths):
        for ex in parse_spec_file(f, kinds=kinds):
            if ex.id in seen:
                raise SpecError(f, ex.spec_line, f"exercise id {ex.id} already defined in {seen[ex.id]}")
            seen[ex.id] = f"{f}:{ex.spec_line}"
            exercises.append(ex)
    return exercises

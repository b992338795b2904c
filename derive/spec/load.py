"""Spec format v1: YAML exercise files, loaded with the line of every field for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from derive.spec.claim_data import ClaimDataError
from derive.spec.code_claims import CODE_KEYS, read_code_claim
from derive.spec.declarations import NAME_RE
from derive.spec.networks import REGION_KEYS, read_region_claim

SPEC_SUFFIXES = (".yaml", ".yml")
_EXERCISE_KEYS = {"id", "title", "symbols", "functions", "given", "claims", "status", "reason", "notes",
                  "context", "unknowns", "labels", "layout"}
_CLAIM_KEYS = {"id", "line", "latex", "expect", "context", "tol", "notes", "reason", "unknowns", "status",
               "code", "kind", "symbols", "given",
               # `from_claim: {name: claim-id}` (or `exercise-id#claim-id`): in `expect`, `name` is the value
               # derived for that earlier claim; a wrong number that is right from the value the notes
               # *printed* there is reported as propagated (verify/numeric_claims.py). `tol:` is an
               # absolute tolerance for numeric claims (default: from the printed decimals).
               "from_claim",
               # `summation: einstein`: an index repeated among the factors of a product side and not on the
               # left side is summed over its declared range (derive/index_expansion.py `einstein`).
               "summation",
               # code claims' kernels and region claims' networks (derive/spec/code_claims.py, networks.py)
               *CODE_KEYS, *REGION_KEYS}
MAX_SPEC_BYTES = 2_000_000


class SpecError(ValueError):
    """A problem in a spec file; str() is `file:line: message`."""

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.message = message
        super().__init__(f"{self.file}:{line or 1}: {message}")

    def __reduce__(self):  # keep file/line when raised in a worker process
        return (SpecError, (self.file, self.line, self.message))


class Located(dict):
    """A mapping from YAML that remembers its own line and the line of each key."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _to_python(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Located()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _to_python(loader, key_node)
            if not isinstance(key, (str, int, float)):
                raise SpecError(loader.name, key_node.start_mark.line + 1, "mapping keys must be plain text")
            key = str(key)
            if key in out:
                raise SpecError(loader.name, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = _to_python(loader, value_node)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(loader, item) for item in node.value]
    return loader.construct_object(node, deep=True)


def load_yaml(path: Path) -> Any:
    """Safe YAML (no tags that build objects) with line information kept."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(path, None, f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(path, None, "spec file too large")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(path, None, "not UTF-8 text") from None
    loader = yaml.SafeLoader(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _to_python(loader, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SpecError(path, line, f"broken YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SpecError(path, None, f"broken YAML: {exc}") from None
    finally:
        loader.dispose()


@dataclass
class ClaimSpec:
    id: str
    latex: str
    line: int | None
    expect: Any
    spec_line: int
    notes: str | None = None
    context: str | None = None
    tol: float | None = None
    status: str | None = None
    reason: str | None = None
    unknowns: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExerciseSpec:
    id: str
    title: str | None
    notes: str | None
    spec_file: str
    spec_line: int
    symbols: dict[str, Any] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    given: dict[str, Any] = field(default_factory=dict)
    given_lines: dict[str, int] = field(default_factory=dict)
    claims: list[ClaimSpec] = field(default_factory=list)
    status: str | None = None
    reason: str | None = None
    context: str | None = None
    unknowns: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    layout: str | None = None

    @property
    def collection(self) -> str:
        return self.id.split("/", 1)[0]


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


def parse_spec_file(path: Path) -> list[ExerciseSpec]:
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
    return [_exercise(path, ex, default_notes) for ex in exercises]


def _reject_unknown_keys(path: Path, mapping: Located, allowed: set[str], what: str) -> None:
    unknown = set(mapping) - allowed
    if unknown:
        key = sorted(unknown)[0]
        raise SpecError(path, mapping.line_of(key), f"unknown {what} key {key!r}")


def _exercise(path: Path, ex: Any, default_notes: Any) -> ExerciseSpec:
    if not isinstance(ex, Located):
        raise SpecError(path, None, "each exercise must be a mapping")
    _reject_unknown_keys(path, ex, _EXERCISE_KEYS, "exercise")
    if "id" not in ex:
        raise SpecError(path, ex.line, "exercise without id")
    ex_id = _str(ex["id"], path, ex.line_of("id"), "id")
    if "/" not in ex_id or any(c.isspace() for c in ex_id):
        raise SpecError(path, ex.line_of("id"), f"exercise id {ex_id!r} must look like <collection>/<number>")
    status = ex.get("status")
    if status not in (None, "unfinished"):
        raise SpecError(path, ex.line_of("status"), f"unknown status {status!r} (only 'unfinished')")
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
    )
    claims = ex.get("claims") or []
    if not isinstance(claims, list):
        raise SpecError(path, ex.line_of("claims"), "`claims:` must be a list")
    seen: set[str] = set()
    for c in claims:
        claim = _claim(path, c)
        if claim.id in seen:
            raise SpecError(path, claim.spec_line, f"duplicate claim id {claim.id!r} in {ex_id}")
        seen.add(claim.id)
        spec.claims.append(claim)
    if not spec.claims and status != "unfinished":
        raise SpecError(path, ex.line, f"exercise {ex_id} has no claims (mark it `status: unfinished`?)")
    return spec


def _layout(value: Any, file: Path, line: int) -> str | None:
    if value not in (None, "denominator", "numerator"):
        raise SpecError(file, line, f"layout must be denominator or numerator, got {value!r}")
    return value


def _claim(path: Path, c: Any) -> ClaimSpec:
    if not isinstance(c, Located):
        raise SpecError(path, None, "each claim must be a mapping")
    _reject_unknown_keys(path, c, _CLAIM_KEYS, "claim")
    for key in ("id", "latex"):
        if key not in c:
            raise SpecError(path, c.line, f"claim without {key}")
    line = c.get("line")
    if line is not None and (isinstance(line, bool) or not isinstance(line, int) or line < 1):
        raise SpecError(path, c.line_of("line"), "line must be a positive integer")
    tol = c.get("tol")
    if tol is not None and (isinstance(tol, bool) or not isinstance(tol, (int, float)) or tol < 0):
        raise SpecError(path, c.line_of("tol"), "tol must be a non-negative number")
    expect = c.get("expect")
    if expect is not None and (isinstance(expect, bool) or not isinstance(expect, (str, int, float, list))):
        raise SpecError(path, c.line_of("expect"), "expect must be a recipe, LaTeX or a number")
    if c.get("summation") not in (None, "einstein"):
        raise SpecError(path, c.line_of("summation"), "summation must be einstein")
    try:   # read here so that a malformed kernel or network is a spec error before anything runs
        read_code_claim(c)
        read_region_claim(c)
    except ClaimDataError as exc:
        raise SpecError(path, exc.line or c.line, str(exc)) from None
    return ClaimSpec(
        id=_str(c["id"], path, c.line_of("id"), "claim id"),
        latex=_str(c["latex"], path, c.line_of("latex"), "latex"),
        line=line,
        expect=expect,
        spec_line=c.line,
        notes=c.get("notes"),
        context=c.get("context"),
        tol=float(tol) if tol is not None else None,
        status=c.get("status"),
        reason=c.get("reason"),
        unknowns=_names(c.get("unknowns"), path, c.line_of("unknowns"), "unknowns"),
        raw=dict(c),
    )


def spec_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in SPEC_SUFFIXES and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise SpecError(p, None, "no such file or directory")
    return files


def load_specs(paths: list[Path]) -> list[ExerciseSpec]:
    """Every exercise under `paths`, ids unique across the whole suite."""
    exercises: list[ExerciseSpec] = []
    seen: dict[str, str] = {}
    for f in spec_files(paths):
        for ex in parse_spec_file(f):
            if ex.id in seen:
                raise SpecError(f, ex.spec_line, f"exercise id {ex.id} already defined in {seen[ex.id]}")
            seen[ex.id] = f"{f}:{ex.spec_line}"
            exercises.append(ex)
    return exercises

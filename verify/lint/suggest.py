"""`lint --suggest-spec`: a starter spec (format v1) from what lint read in a notes file.

One exercise per section, its definitions as `given`, one claim per judged step (no `expect`: a
chain's sides are compared with each other, as lint did). `validated` loads the result the way
`derivcheck verify` will and drops any definition `verify` could not read, so the file always loads.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from derive.lower.definitions import build_declarations
from derive.spec.errors import SpecError
from verify.claims.registry import load_file
from verify.lint.scope import Scope
from verify.run.check import check_exercise

_GIVEN_ERROR = re.compile(r"given (.+?): ")


def suggested_spec(scopes: list[tuple[str, Scope]], file: str | None, stem: str) -> dict[str, Any]:
    """The spec as plain data (YAML-ready)."""
    exercises: list[dict[str, Any]] = []
    ids: set[str] = set()
    for title, scope in scopes:
        claims = [_claim(c, scope.given_latex) for c in scope.claims if c.get("latex")]
        if not claims:
            continue
        ex_id = base = f"{slug(stem)}/{slug(title)}"
        n = 1
        while ex_id in ids:
            n += 1
            ex_id = f"{base}-{n}"
        ids.add(ex_id)
        ex: dict[str, Any] = {"id": ex_id, "title": title}
        if scope.indexed:
            ex["symbols"] = {name: {"indexed": letter} for name, letter in sorted(scope.indexed.items())}
        if scope.given_latex:
            ex["given"] = dict(scope.given_latex)
        ex["claims"] = claims
        exercises.append(ex)
    return {"version": 1, "notes": Path(file).name if file else "notes.md", "exercises": exercises}


def _claim(claim: dict[str, Any], final: dict[str, str]) -> dict[str, Any]:
    """The claim, with its own `given` where the section's definitions were different at its line:
    a later redefinition is undone, and a name defined only later is a plain symbol (`x: x`)."""
    at_claim = claim.get("given", {})
    out = {k: v for k, v in claim.items() if k != "given"}
    override = {k: v for k, v in at_claim.items() if final.get(k) != v}
    override.update({k: k for k in final if k not in at_claim and _plain_name(k)})
    if override:
        out["given"] = override
    return out


def _plain_name(key: str) -> bool:
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key) is not None


def validated(spec: dict[str, Any], attempts: int = 50, claim_seconds: float = 5.0) -> dict[str, Any]:
    """The spec `derivcheck verify` loads and agrees with: every `given` entry verify cannot build is
    removed, and every claim lint judged right that verify (reading without lint's caution) calls
    wrong, ill-posed or unparsed is dropped, so that a starter spec never starts with a false alarm."""
    exercises = []
    for original in spec.get("exercises", []):
        lint_said = {c["id"]: c.pop("verdict", None) for c in original["claims"]}
        given = dict(original.get("given", {}))
        for _ in range(attempts):
            ex = {k: v for k, v in original.items() if k != "given"}
            if given:
                ex = {**{k: v for k, v in ex.items() if k != "claims"}, "given": dict(given), "claims": ex["claims"]}
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "spec.yaml"
                    path.write_text(dump({"notes": spec["notes"], "exercises": [ex]}), encoding="utf-8")
                    for parsed in load_file(path):
                        build_declarations(parsed)
                        disagree = {r.claim for r in check_exercise(parsed, timeout=claim_seconds)
                                    if r.verdict.value in ("wrong", "ill-posed", "unparsed")
                                    and lint_said.get(r.claim) == "correct"}
            except SpecError as exc:
                m = _GIVEN_ERROR.search(exc.message)
                if m and m.group(1) in given:
                    del given[m.group(1)]
                    continue
                break
            except Exception:  # noqa: BLE001 - a definition verify chokes on is left out, never written
                break
            ex["claims"] = [c for c in ex["claims"] if c["id"] not in disagree]
            if ex["claims"]:
                exercises.append(ex)
            break
    return {**spec, "exercises": exercises}


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", title.lower()).strip("-") or "section"

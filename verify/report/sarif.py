"""SARIF 2.1.0 log (for GitHub code scanning and other static-analysis viewers).

One run; one rule per finding kind (ids are the stable `FINDING_CODES`); one result per
non-correct claim. A wrong claim with a `corrected_latex` carries a fix that replaces the claim's
line; viewers present fixes as suggestions, nothing is applied automatically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from verify.report import finding_location, non_correct
from verify.result import FINDING_CODES, ClaimResult, Report, Verdict

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

_RULE_TEXT: dict[Verdict, tuple[str, str]] = {
    Verdict.WRONG: (
        "The claimed result disagrees with the derivation.",
        "The claim was compared with the result derived from the exercise and they differ; "
        "a counterexample point is given where the two were evaluated.",
    ),
    Verdict.ILL_POSED: (
        "The exercise or claim is ill-posed.",
        "The claim cannot be judged as stated, e.g. its variables or assumptions do not match the exercise.",
    ),
    Verdict.UNPARSED: (
        "The claimed LaTeX could not be parsed.",
        "The claim's LaTeX was found in the notes but could not be turned into an expression.",
    ),
    Verdict.UNVERIFIED: (
        "The claim could be neither confirmed nor refuted.",
        "The claim and the derivation could not be shown equal or different within the checker's limits.",
    ),
    Verdict.INCOMPLETE: (
        "The claim is incomplete.",
        "Part of the claim or of its derivation is missing from the notes.",
    ),
}

# A fingerprint of our own so code scanning tracks a claim across edits that move its line.
FINGERPRINT_KEY = "derivcheckClaim/v1"


def _level(verdict: Verdict) -> str:
    return "error" if verdict.is_failure else "warning"


def _rules() -> list[dict[str, Any]]:
    rules = []
    for verdict, code in FINDING_CODES.items():
        short, full = _RULE_TEXT[verdict]
        rules.append(
            {
                "id": code,
                "name": verdict.value,
                "shortDescription": {"text": short},
                "fullDescription": {"text": full},
                "defaultConfiguration": {"level": _level(verdict)},
            }
        )
    return rules


def _message(result: ClaimResult) -> str:
    text = f"{result.exercise} {result.claim}: {result.message}".rstrip()
    if result.expected_latex:
        text += f"\nDerived: {result.expected_latex}"
    return text


def _properties(result: ClaimResult) -> dict[str, Any]:
    props: dict[str, Any] = {
        "exercise": result.exercise,
        "claim": result.claim,
        "verdict": result.verdict.value,
    }
    if result.claimed_latex:
        props["claimed"] = result.claimed_latex
    if result.expected_latex:
        props["derived"] = result.expected_latex
    if result.diagnosis:
        props["diagnosis"] = result.diagnosis
    if result.counterexample is not None:
        props["counterexample"] = result.counterexample.to_dict()
    return props


def _result(
    result: ClaimResult, rule_index: dict[Verdict, int], root: Path | None, notes_dir: Path | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": FINDING_CODES[result.verdict],
        "ruleIndex": rule_index[result.verdict],
        "level": _level(result.verdict),
        "message": {"text": _message(result)},
    }
    path, line = finding_location(result, root=root, notes_dir=notes_dir)
    if path:
        physical: dict[str, Any] = {"artifactLocation": {"uri": path}}
        if line:
            physical["region"] = {"startLine": line}
        out["locations"] = [{"physicalLocation": physical}]
    out["partialFingerprints"] = {FINGERPRINT_KEY: f"{result.exercise}:{result.claim}"}
    if result.verdict is Verdict.WRONG and result.corrected_latex and path and line:
        out["fixes"] = [
            {
                "description": {
                    "text": f"Replace the claim with the derived result: {result.corrected_latex}"
                },
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": path},
                        # A region with only startLine spans that whole line (without its
                        # newline), per the SARIF region rules.
                        "replacements": [
                            {
                                "deletedRegion": {"startLine": line},
                                "insertedContent": {"text": result.corrected_latex},
                            }
                        ],
                    }
                ],
            }
        ]
    out["properties"] = _properties(result)
    return out


def sarif_log(report: Report, *, root: Path | None = None, notes_dir: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    rule_index = {verdict: i for i, verdict in enumerate(FINDING_CODES)}
    driver: dict[str, Any] = {"name": "derivcheck"}
    if report.tool_version:  # SARIF forbids nothing here, but an empty version string says nothing
        driver["version"] = report.tool_version
    driver["rules"] = _rules()
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "results": [_result(r, rule_index, root, notes_dir) for r in non_correct(report)],
        "properties": {"seed": report.seed},
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(
    report: Report, stream: TextIO, *, root: Path | None = None, notes_dir: Path | None = None
) -> None:
    """Write the SARIF log as indented JSON."""
    # default=str: counterexample values are typed `Any`; see json_format.
    stream.write(json.dumps(sarif_log(report, root=root, notes_dir=notes_dir), indent=2, default=str) + "\n")

"""A saved `verify --format json` report read back (`report --from`): untrusted input, validated strictly.

Anything that is not a complete derivcheck report of this major version, with every field of every result of
the documented type, is refused with one line `file: message` (ReportFileError); nothing is guessed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from verify.result import ClaimResult, Report, ResultFormatError


class ReportFileError(Exception):
    """A one-line reason (starting with the file name) why a saved report cannot be used."""


def _json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportFileError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); "
                              "not a derivcheck JSON report") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFileError(f"{path}:{exc.lineno}: not a complete JSON document (truncated?): {exc.msg}") \
            from None
    except RecursionError:
        raise ReportFileError(f"{path}: JSON nested too deeply; not a derivcheck JSON report") from None


def load_report(path: Path, *, tool_version: str) -> Report:
    """The Report saved in `path` by derivcheck `tool_version`'s major version; ReportFileError otherwise."""
    data = _json(path)
    if not isinstance(data, dict) or data.get("tool") != "derivcheck":
        tool = data.get("tool") if isinstance(data, dict) else None
        made_by = f"made by {tool!r}" if tool else "no 'tool': 'derivcheck' field"
        raise ReportFileError(f"{path}: not a derivcheck JSON report ({made_by})")
    version = data.get("version")
    # The JSON contract only adds fields within a major version; another major may mean anything.
    if not isinstance(version, str) or version.split(".")[0] != tool_version.split(".")[0]:
        raise ReportFileError(f"{path}: written by derivcheck {version!r}, this is {tool_version}; "
                              "re-run `derivcheck verify --format json`")
    results = data.get("results")
    if not isinstance(results, list):
        raise ReportFileError(f"{path}: no 'results' list")
    parsed = []
    for k, item in enumerate(results):
        try:
            parsed.append(ClaimResult.from_dict(item))
        except ResultFormatError as exc:
            raise ReportFileError(f"{path}: result {k + 1} is not a derivcheck claim result: {exc}") from None
    summary = data.get("summary")
    if not isinstance(summary, dict) or isinstance(summary.get("claims"), bool) \
            or not isinstance(summary.get("claims"), int):
        raise ReportFileError(f"{path}: no 'summary' with a number of claims")
    if summary["claims"] != len(parsed):
        raise ReportFileError(f"{path}: summary counts {summary['claims']} claims but {len(parsed)} results "
                              "are present (truncated?)")
    seed = data.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ReportFileError(f"{path}: 'seed' must be an integer")
    return Report(results=parsed, tool_version=version, seed=seed)


__all__ = ["ReportFileError", "load_report"]

"""The safety net: every bundled claim's verdict and diagnosis kind, pinned.

Any change to the engine that changes a verdict of the bundled suite fails here. When the change is intended,
regenerate the table on purpose and say why in the commit:

    DERIVCHECK_PIN_VERDICTS=1 python -m pytest tests/suite/test_verdicts.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from verify.result import Report, diagnosis_kind

TABLE = Path(__file__).with_name("verdicts.json")


def verdict_table(report: Report) -> dict[str, dict[str, str | None]]:
    return {f"{r.exercise}#{r.claim}": {"verdict": r.verdict.value, "diagnosis": diagnosis_kind(r.diagnosis)}
            for r in report.results}


def test_bundled_verdicts_are_pinned(bundled_report: Report) -> None:
    table = verdict_table(bundled_report)
    if os.environ.get("DERIVCHECK_PIN_VERDICTS"):
        TABLE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(TABLE.read_text(encoding="utf-8"))
    changed = [f"{key}: {pinned.get(key)} -> {table.get(key)}"
               for key in sorted(set(pinned) | set(table)) if pinned.get(key) != table.get(key)]
    assert not changed, (f"{len(changed)} pinned verdicts changed (regenerate with DERIVCHECK_PIN_VERDICTS=1 "
                         "only when intended):\n" + "\n".join(changed))


def test_diagnosis_kinds_ignore_the_expressions_they_name() -> None:
    assert diagnosis_kind("missing term -2 y_{i} inside the sum") == "missing term"
    assert diagnosis_kind("entry (1,2): off by factor \\frac{1}{2}") == "factor"
    assert diagnosis_kind("the claim is 0 where x is derived") == "zero"
    assert diagnosis_kind("324 where 60466176 is derived") == "value"
    assert diagnosis_kind("something new") == "differs"
    assert diagnosis_kind(None) is None

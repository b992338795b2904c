"""What a grading run adds up to, read back from `results.jsonl` one line at a time:

- `summary.csv`: one row per student, one column per exercise (the points of its correct answers; a claim is
  worth its spec's `points:`, 1 by default), and the total;
- `histogram.txt` and `report.html`: per exercise and claim, how the answers went (correct, and each
  diagnosis of the wrong ones: "sign error ... 31 %"), most common first.

Memory grows with students x exercises and with the distinct diagnoses (at most MAX_DIAGNOSES kept per claim),
never with the number of answers.
"""

from __future__ import annotations

import csv
import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify.result import diagnosis_kind

SUMMARY = "summary.csv"
HISTOGRAM = "histogram.txt"
REPORT = "report.html"
MAX_DIAGNOSES = 1000    # distinct diagnosis texts counted per claim; more are counted under their kind
SHOWN = 8               # lines of a claim's histogram


def _label(result: dict[str, Any]) -> tuple[str, str]:
    """(coarse kind, full text) of an answer's outcome: `correct`, a diagnosis, or its verdict."""
    verdict = result.get("verdict", "")
    if verdict == "correct":
        return "correct", "correct"
    diagnosis = result.get("diagnosis")
    if diagnosis:
        return diagnosis_kind(diagnosis) or verdict, diagnosis
    return verdict, verdict


@dataclass
class ClaimTally:
    answers: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    texts: Counter[str] = field(default_factory=Counter)

    def add(self, result: dict[str, Any]) -> None:
        self.answers += 1
        kind, text = _label(result)
        self.kinds[kind] += 1
        if text in self.texts or len(self.texts) < MAX_DIAGNOSES:
            self.texts[text] += 1
        else:
            self.texts[f"other {kind}"] += 1


@dataclass
class Tally:
    scores: dict[str, dict[str, float]] = field(default_factory=dict)     # student -> exercise -> points
    claims: dict[tuple[str, str], ClaimTally] = field(default_factory=dict)

    def add(self, result: dict[str, Any]) -> None:
        student, exercise = result["student"], result["exercise"]
        row = self.scores.setdefault(student, {})
        row[exercise] = row.get(exercise, 0.0) + float(result.get("points") or 0.0)
        self.claims.setdefault((exercise, result["claim"]), ClaimTally()).add(result)


def _number(x: float) -> str:
    return f"{x:g}"


def write_summary(path: Path, tally: Tally, max_points: dict[str, float]) -> None:
    """The student x exercise table: exercises in spec order (those answered at all), students sorted."""
    answered = {ex for row in tally.scores.values() for ex in row}
    exercises = [ex for ex in max_points if ex in answered]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["student", *exercises, "total"])
        for student in sorted(tally.scores):
            row = tally.scores[student]
            w.writerow([student, *(_number(row.get(ex, 0.0)) for ex in exercises),
                        _number(sum(row.get(ex, 0.0) for ex in exercises))])


def _percent(n: int, total: int) -> str:
    return f"{100 * n / total:5.1f} %" if total else "  -  "


def histogram_lines(tally: Tally, max_points: dict[str, float]) -> list[str]:
    order = {ex: k for k, ex in enumerate(max_points)}
    lines: list[str] = []
    for (exercise, claim), t in sorted(tally.claims.items(), key=lambda kv: (order.get(kv[0][0], len(order)),
                                                                             kv[0][0], kv[0][1])):
        right = t.kinds.get("correct", 0)
        lines.append(f"{exercise}#{claim}: {t.answers} answers, {right} correct ({_percent(right, t.answers).strip()})")
        for text, n in sorted(t.texts.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN]:
            if text != "correct":
                lines.append(f"  {_percent(n, t.answers)}  {n:>6}  {text}")
        kinds = [(k, n) for k, n in sorted(t.kinds.items(), key=lambda kv: (-kv[1], kv[0])) if k != "correct"]
        if len(kinds) > 1 or len(t.texts) > SHOWN:
            lines.append("  by kind: " + ", ".join(f"{k} {_percent(n, t.answers).strip()}" for k, n in kinds))
    return lines


def write_report(path: Path, tally: Tally, max_points: dict[str, float], *, title: str) -> None:
    """One self-contained HTML page: the class's totals and each claim's histogram as bars."""
    order = {ex: k for k, ex in enumerate(max_points)}
    rows = []
    for (exercise, claim), t in sorted(tally.claims.items(), key=lambda kv: (order.get(kv[0][0], len(order)),
                                                                             kv[0][0], kv[0][1])):
        bars = []
        for text, n in sorted(t.texts.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN]:
            share = 100 * n / t.answers if t.answers else 0
            cls = "ok" if text == "correct" else "bad"
            bars.append(f'<tr><td class="bar"><span class="{cls}" style="width:{share:.1f}%"></span></td>'
                        f'<td class="num">{share:.1f} %</td><td class="num">{n}</td><td>{html.escape(text)}</td></tr>')
        rows.append(f'<section><h2>{html.escape(exercise)} <small>#{html.escape(claim)}</small></h2>'
                    f'<p>{t.answers} answers</p><table>{"".join(bars)}</table></section>')
    students = len(tally.scores)
    answers = sum(t.answers for t in tally.claims.values())
    path.write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%}td{padding:.15rem .4rem;vertical-align:top}"
        ".bar{width:12rem}.bar span{display:block;height:.9rem}.ok{background:#2e7d32}.bad{background:#c62828}"
        ".num{text-align:right;white-space:nowrap}small{color:#666;font-weight:normal}"
        f"</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{students} students, {answers} answers. Scores per student: <code>{SUMMARY}</code>; every answer "
        f"with its counterexample and diagnosis: <code>results.jsonl</code>.</p>"
        + "".join(rows) + "</body></html>\n", encoding="utf-8")


__all__ = ["HISTOGRAM", "REPORT", "SUMMARY", "ClaimTally", "Tally", "histogram_lines", "write_report",
           "write_summary"]

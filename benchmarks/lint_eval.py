"""Measure `derivcheck lint` honestly: coverage, false alarms on documents it was not written for, recall
against the specs, speed.

Usage:
    .venv/bin/python benchmarks/lint_eval.py [--findings] [--markdown] [--verify-json FILE] [--no-recall]
                                             [--no-timing]

The development corpus is the d2l chapters in ../shared/corpus/d2l and the openly licensed documents stored
verbatim under benchmarks/corpus/<source>/ (each with its licence and a README naming source, licence and
commit). `--markdown` prints the per-document table of the README (judged steps, findings, confirmed errata).

* per file: math spans, spans holding an '=' step, spans with a step checked, '=' steps (definitions
  excluded), closed steps (both sides readable), checked steps, findings, seconds;
* d2l: findings per 1000 checked steps, and false alarms per 1000 = findings not confirmed by hand as
  errata of the book (ERRATA below records each confirmed one with its evidence);
* recall: the wrong/ill-posed claims of `derivcheck verify exercises` (file + line) against lint's
  findings on the same notes (a finding matches a claim when its formula spans the claim's line);
* speed: a fresh process linting the five notes files (imports included), and steps per second.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verify.lint.core import lint_file  # noqa: E402
from verify.notes.math import find_math_in_file  # noqa: E402

SHARED = ROOT.parent / "shared"
NOTES = SHARED / "notes"
D2L = SHARED / "corpus" / "d2l"
CORPUS = ROOT / "benchmarks" / "corpus"

# Findings on the development corpus confirmed by hand as errors of the document: (file name, line) -> evidence.
ERRATA = {
    ("single-variable-calculus.md", 212): "epsilon = 0.0000001 = 1e-7, so epsilon^2 = 1e-14; the text prints "
                                          "0.0000000000001 = 1e-13 (one zero short)",
    ("eoceSolutions.tex", 285): "lower fence Q1 - 1.5 x IQR with Q1 = 17.5, IQR = 20 is 17.5 - 30 = -12.5; the text "
                                "writes $17.5 + 1.5 \\times 20 = -12.5$ (plus for minus: 17.5 + 30 = 47.5)",
    ("eoceSolutions.tex", 1993): "0.05 / 3 = 0.0167 (the same solution writes 0.0167 eight lines above); the text "
                                 "prints $0.05 / 3 = 1.67$ (a factor 100 off)",
}


def corpus_documents() -> list[Path]:
    """The documents of benchmarks/corpus (Markdown and TeX; the READMEs and licences beside them are not)."""
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".md", ".tex")
                  and not p.name.startswith(("README", "LICENSE")))


def main() -> None:
    show = "--findings" in sys.argv
    notes = sorted(NOTES.glob("*.md"))
    d2l = sorted(p for p in D2L.rglob("*.md") if p.name != "README.md")
    corpus = corpus_documents()
    if not notes and not d2l and not corpus:
        print(f"no notes under {SHARED} (expected ../shared/notes and ../shared/corpus/d2l beside the project)")
        return
    outcomes = {}
    header = (f"{'file':58} {'spans':>6} {'w/step':>6} {'sp.chk':>6} {'steps':>6} {'closed':>6} {'checked':>7} "
              f"{'found':>5} {'sec':>5}")
    print(header)
    totals: dict[str, list[float]] = {}
    for f in notes + d2l + corpus:
        o = lint_file(f)
        outcomes[f] = o
        group = "notes" if f.is_relative_to(NOTES) else "corpus"
        row = [o.spans, o.spans_with_steps, o.spans_checked, o.steps, o.closed, o.checked, len(o.findings),
               o.seconds]
        totals[group] = [a + b for a, b in zip(totals.get(group, [0] * len(row)), row, strict=True)]
        name = str(f.relative_to(SHARED if f.is_relative_to(SHARED) else ROOT))
        print(f"{name[-58:]:58} {row[0]:6d} {row[1]:6d} {row[2]:6d} {row[3]:6d} {row[4]:6d} {row[5]:7d} "
              f"{row[6]:5d} {row[7]:5.1f}")
        if show:
            for r in o.findings:
                verdict = ERRATA.get((f.name, r.location.line), "")
                tag = f"  [erratum: {verdict}]" if verdict else ""
                print(f"    {r.location.line}:{r.location.column} {r.verdict.value}: {r.message[:200]}{tag}")
    print()
    for group, t in totals.items():
        spans, with_steps, spans_checked, steps, closed, checked, found, secs = t
        print(f"total {group}: {spans:.0f} spans ({with_steps:.0f} with an '=' step, {spans_checked:.0f} with a "
              f"step checked: {_pct(spans_checked, with_steps)}); {steps:.0f} '=' steps, {closed:.0f} closed, "
              f"{checked:.0f} checked ({_pct(checked, closed)} of closed, {_pct(checked, steps)} of all); "
              f"{found:.0f} findings in {secs:.1f}s")
    if "corpus" in totals:
        dev = [f for f in outcomes if not f.is_relative_to(NOTES)]
        found = [(f, r) for f in dev for r in outcomes[f].findings]
        false = [(f, r) for f, r in found if (f.name, r.location.line) not in ERRATA]
        checked = totals["corpus"][5]
        print(f"development corpus (d2l + benchmarks/corpus): {len(found)} findings, {len(found) - len(false)} "
              f"confirmed errata, {len(false)} false alarms = {_per_k(len(false), checked)} per 1000 judged steps "
              f"({checked:.0f} judged)")
        skipped = sum((outcomes[f].skipped for f in dev), start=Counter())
        print("corpus skipped by reason: " + ", ".join(f"{k} {v}" for k, v in skipped.most_common()))
        if "--markdown" in sys.argv:
            markdown_table(dev, outcomes)
    if "--no-recall" not in sys.argv and notes:
        recall(outcomes, notes)
    if "--no-timing" not in sys.argv and notes:
        timing(notes)


def markdown_table(docs: list[Path], outcomes: dict) -> None:
    """The README's table: per document, judged '=' steps, findings, confirmed errata."""
    print("\n| document | source | judged `=` steps | findings | confirmed errata |")
    print("| --- | --- | --- | --- | --- |")
    total = [0, 0, 0]
    for f in docs:
        o = outcomes[f]
        errata = sum((f.name, r.location.line) in ERRATA for r in o.findings)
        source = "d2l" if f.is_relative_to(D2L) else f.relative_to(CORPUS).parts[0]
        row = [o.checked, len(o.findings), errata]
        total = [a + b for a, b in zip(total, row, strict=True)]
        print(f"| {f.name} | {source} | {row[0]} | {row[1]} | {row[2]} |")
    print(f"| **total ({len(docs)} documents)** | | **{total[0]}** | **{total[1]}** | **{total[2]}** |")


def recall(outcomes: dict, notes: list[Path]) -> None:
    data = _verify_json()
    spec = sorted({(r["file"], r["line"], r["verdict"], f"{r['exercise']} {r['claim']}") for r in data["results"]
                   if r["verdict"] in ("wrong", "ill-posed") and r.get("line")}, key=lambda t: (t[0], t[1]))
    by_line: dict[tuple[str, int], list[str]] = {}
    for f in notes:
        spans = find_math_in_file(f)
        for r in outcomes[f].findings:
            span = next((s for s in spans if s.line <= r.location.line <= s.end_line), None)
            lines = range(span.line, span.end_line + 1) if span else [r.location.line]
            for line in lines:
                by_line.setdefault((f.name, line), []).append(f"{r.location.line}:{r.location.column} "
                                                                f"{r.verdict.value}")
    claimed_lines = {(file, line) for file, line, _, _ in spec}
    caught = {(file, line) for file, line in claimed_lines if (file, line) in by_line}
    print(f"\nrecall: lint catches {len(caught)} of the {len(claimed_lines)} formulas (file:line) the specs find "
          f"wrong or ill-posed ({_pct(len(caught), len(claimed_lines))}); {len(spec)} spec claims")
    print(f"{'spec claim (file:line verdict exercise claim)':96} lint")
    for file, line, verdict, what in spec:
        hit = by_line.get((file, line))
        print(f"  {file}:{line} {verdict:9} {what[:62]:62}  {'; '.join(sorted(set(hit))) if hit else '-'}")
    extra = [(f.name, r) for f in notes for r in outcomes[f].findings
             if not any((f.name, line) in claimed_lines for line in _span_lines(f, r.location.line))]
    print(f"lint findings on the notes that no spec claim covers: {len(extra)}")
    for name, r in extra:
        print(f"  {name}:{r.location.line}:{r.location.column} {r.verdict.value}: {r.message[:120]}")


def _span_lines(f: Path, line: int) -> range:
    span = next((s for s in find_math_in_file(f) if s.line <= line <= s.end_line), None)
    return range(span.line, span.end_line + 1) if span else range(line, line + 1)


def _verify_json() -> dict:
    if "--verify-json" in sys.argv:
        return json.loads(Path(sys.argv[sys.argv.index("--verify-json") + 1]).read_text(encoding="utf-8"))
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", str(ROOT / "exercises"), "--notes-dir",
                           str(NOTES), "--format", "json", "-j", "2"], capture_output=True, text=True, check=False)
    return json.loads(proc.stdout)


def timing(notes: list[Path]) -> None:
    code = ("import sys, time; t = time.perf_counter(); sys.path.insert(0, sys.argv[1]); "
            "from verify.lint.core import lint_file; os = [lint_file(p) for p in sys.argv[2:]]; "
            "print(time.perf_counter() - t, sum(o.steps for o in os), sum(o.checked for o in os))")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT), *map(str, notes)], capture_output=True, text=True,
                          check=True)
    wall = time.perf_counter() - start
    inner, steps, checked = proc.stdout.split()
    print(f"\nspeed: {len(notes)} notes files linted in {wall:.1f}s wall in a fresh process (lint itself "
          f"{float(inner):.1f}s): {int(steps)} '=' steps ({float(steps) / wall:.0f}/s), {int(checked)} checked "
          f"({float(checked) / wall:.1f}/s)")


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.0f}%" if b else "n/a"


def _per_k(a: float, b: float) -> str:
    return f"{1000 * a / b:.1f}" if b else "n/a"


if __name__ == "__main__":
    main()

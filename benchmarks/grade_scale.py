"""Grade a synthetic class on a Dask LocalCluster with 1 and 2 workers: answers/s, the speed-up, peak memory,
and agreement with the class's answer key (it must be 100 %).

    python benchmarks/grade_scale.py                  # a quick run: 400 answers
    python benchmarks/grade_scale.py --answers 20000  # the figure in the README

The class answers the bundled UDL and nnf claims whose derived value is one expression (formula claims). Each
answer is either the derived value rewritten in an equivalent form (expanded, or as the key prints it: key
`correct`) or a realistic mistake (a dropped term, a flipped sign, a factor 2, an exponent off by one: key
`wrong`). A mistake that happens to be equivalent is excluded by construction: its difference from the derived
value must be non-zero at an exact rational point. Claims whose printed value does not read back (a printer
limitation, not a grading question) or that cost more than --max-cost seconds to grade are left out, decided
once on the template answers before the class is built; mistakes are never screened by their verdict.

Everything here works on SymPy objects the recipes derived; no text is evaluated.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verify.claims.registry import load_suite  # noqa: E402
from verify.compare.budget import time_limit  # noqa: E402
from verify.grade.executors import DaskExecutor  # noqa: E402
from verify.grade.grader import grade  # noqa: E402
from verify.grade.judge import grade_batch  # noqa: E402
from verify.grade.key import derive_keys  # noqa: E402
from verify.grade.submissions import Answer  # noqa: E402
from verify.run.runner import RunOptions  # noqa: E402
from verify.write.latex import notation, to_latex  # noqa: E402

COLLECTIONS = ("udl", "nnf")


@dataclass(frozen=True)
class Template:
    exercise: str
    claim: str
    latex: str
    key: str        # the verdict the answer must get: correct or wrong
    form: str       # how it was made (expanded, dropped term, sign, ...)


def _differs(a: sp.Expr, b: sp.Expr, rng: random.Random) -> bool:
    """a - b is non-zero at a rational point, to 30 digits (so the mistake is a mistake)."""
    free = sorted((a - b).free_symbols, key=str)
    for _ in range(3):
        point = {s: sp.Rational(rng.randint(2, 29), rng.randint(2, 13)) for s in free}
        try:
            with time_limit(2.0):
                value = (a - b).xreplace(point).evalf(30)
        except Exception:  # noqa: BLE001 - a point where it cannot be evaluated says nothing
            continue
        if value.is_number and value.is_finite and abs(value) > sp.Float("1e-20", 30):
            return True
    return False


def _exponent_mutation(expr: sp.Expr) -> sp.Expr | None:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_Integer and node.exp >= 2 and node.base.free_symbols:
            return expr.xreplace({node: sp.Pow(node.base, node.exp + 1)})
    return None


def templates_for(value: sp.Expr, rng: random.Random) -> list[tuple[str, sp.Expr, str]]:
    """(form, expression, key) of the answers made from one derived value."""
    expanded = sp.expand(value)
    out = [("as derived", value, "correct")]
    if expanded != value:
        out.append(("expanded", expanded, "correct"))
    terms = sp.Add.make_args(expanded)
    mistakes = [("sign", -value), ("factor", 2 * value)]
    if len(terms) > 1:
        mistakes.append(("dropped term", sp.Add(*terms[:-1])))
    exponent = _exponent_mutation(value)
    if exponent is not None:
        mistakes.append(("exponent", exponent))
    out += [(form, m, "wrong") for form, m in mistakes if _differs(m, value, rng)]
    return out


def build_templates(keys, max_terms: int, seed: int) -> list[Template]:
    rng = random.Random(seed)
    found = []
    for ex_id, ek in keys.exercises.items():
        for claim_id, ck in ek.claims.items():
            value = ck.derived.value
            if (ck.unavailable or ck.derived.error is not None or ck.kind != "formula"
                    or not isinstance(value, sp.Expr) or isinstance(value, sp.MatrixBase) or not value.free_symbols
                    or value.has(sp.Integral, sp.Derivative, sp.Limit, sp.Piecewise, sp.Sum, sp.Product,
                                 sp.Indexed, sp.MatrixSymbol)
                    or sp.count_ops(value) > max_terms):
                continue
            try:
                with time_limit(10.0), notation(ek.settings):
                    made = [Template(ex_id, claim_id, to_latex(expr), key, form)
                            for form, expr, key in templates_for(value, rng)]
            except TimeoutError:
                continue   # a value too big to rewrite quickly: not needed for a synthetic class
            found.extend(made)
    return found


def calibrate(keys, templates: list[Template], opts: RunOptions, max_cost: float) -> tuple[list[Template], dict]:
    """Grade each claim's `as derived` answer once: keep the claims whose printed value reads back as correct and
    that grade within max_cost seconds. Mistakes are kept or dropped with their claim, never by their verdict."""
    firsts = [t for t in templates if t.form == "as derived"]
    keep: set[tuple[str, str]] = set()
    dropped = {"does not read back": 0, "too slow": 0}
    for t in firsts:
        start = time.perf_counter()
        line = grade_batch(keys, [Answer("calibration", t.exercise, t.claim, t.latex, "-", 1)], opts)[0]
        cost = time.perf_counter() - start
        if json.loads(line)["verdict"] != "correct":
            dropped["does not read back"] += 1
        elif cost > max_cost:
            dropped["too slow"] += 1
        else:
            keep.add((t.exercise, t.claim))
    return [t for t in templates if (t.exercise, t.claim) in keep], dropped


def write_class(path: Path, templates: list[Template], answers: int, seed: int) -> dict[tuple[str, str, str], str]:
    """A class answering the claims in turn, each answer a template chosen by hash: half right, half mistakes."""
    by_claim: dict[tuple[str, str], list[Template]] = {}
    for t in templates:
        by_claim.setdefault((t.exercise, t.claim), []).append(t)
    claims = sorted(by_claim)
    key: dict[tuple[str, str, str], str] = {}
    with path.open("w", encoding="utf-8") as fh:
        for n in range(answers):
            student = f"student{n // len(claims):05d}"
            exercise, claim = claims[n % len(claims)]
            options = by_claim[(exercise, claim)]
            h = int.from_bytes(hashlib.blake2b(f"{seed}/{student}/{exercise}#{claim}".encode(), digest_size=4).digest(),
                               "little")
            right = [t for t in options if t.key == "correct"]
            wrong = [t for t in options if t.key == "wrong"]
            pool = right if (h % 2 == 0 or not wrong) else wrong
            t = pool[(h >> 1) % len(pool)]
            fh.write(json.dumps({"student": student, "exercise": exercise, "claim": claim, "latex": t.latex}) + "\n")
            key[(student, exercise, claim)] = t.key
    return key


def peak_mb_here() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_cpu() -> float:
    """CPU seconds of this worker and of the grading processes it forked (and waited for)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _worker_peak() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_once(exercises, source: Path, out: Path, opts: RunOptions, workers: int, batch: int) -> dict:
    with DaskExecutor(workers=workers, stall_seconds=600) as executor:
        cpu0 = sum(executor.client.run(_worker_cpu).values())
        load0 = os.getloadavg()[0]
        start = time.perf_counter()
        outcome = grade(exercises, source, out, opts, executor, batch_size=batch)
        seconds = time.perf_counter() - start
        cpu = sum(executor.client.run(_worker_cpu).values()) - cpu0
        load = (load0 + os.getloadavg()[0]) / 2
        worker_peak = max(executor.client.run(_worker_peak).values())
    grading = seconds - outcome.key_seconds
    return {"workers": workers, "graded": outcome.graded, "seconds": grading, "key_seconds": outcome.key_seconds,
            "rate": outcome.graded / grading, "worker_peak_mb": worker_peak, "failed": len(outcome.failed),
            "cpu_ms": 1000 * cpu / max(1, outcome.graded), "load": load}


def agreement(out: Path, key: dict[tuple[str, str, str], str]) -> tuple[int, int, list[str]]:
    agree = total = 0
    examples = []
    with (out / "results.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            total += 1
            expected = key[(r["student"], r["exercise"], r["claim"])]
            if r["verdict"] == expected:
                agree += 1
            elif len(examples) < 10:
                examples.append(f"{r['exercise']}#{r['claim']} {r['claimed_latex']!r}: key {expected}, "
                                f"graded {r['verdict']} ({r['message'][:80]})")
    return agree, total, examples


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--answers", type=int, default=400, help="answers in the class (default 400)")
    p.add_argument("--batch", type=int, default=64, help="answers per task (default 64)")
    p.add_argument("--max-cost", type=float, default=0.5, help="leave out claims slower than this (s per answer)")
    p.add_argument("--max-ops", type=int, default=60, help="leave out derived values bigger than this")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", default="1,2", help="worker counts to run (default 1,2)")
    args = p.parse_args(argv)
    opts = RunOptions(seed=args.seed)
    exercises = [ex for c in COLLECTIONS for ex in load_suite([ROOT / "exercises" / c])]
    start = time.perf_counter()
    keys = derive_keys(exercises, RunOptions(seed=args.seed, jobs=2))
    print(f"answer key: {sum(len(e.claims) for e in keys.exercises.values())} claims derived in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    templates = build_templates(keys, args.max_ops, args.seed)
    print(f"{len(templates)} template answers made; calibrating", flush=True)
    templates, dropped = calibrate(keys, templates, opts, args.max_cost)
    claims = {(t.exercise, t.claim) for t in templates}
    forms: dict[str, int] = {}
    for t in templates:
        forms[t.form] = forms.get(t.form, 0) + 1
    print(f"templates: {len(templates)} answers to {len(claims)} claims ({', '.join(f'{k} {v}' for k, v in sorted(forms.items()))}); "
          f"claims left out: {', '.join(f'{k} {v}' for k, v in dropped.items())}")
    used = {e for e, _ in claims}
    exercises = [ex for ex in exercises if ex.id in used]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "class.jsonl"
        key = write_class(source, templates, args.answers, args.seed)
        print(f"class: {args.answers} answers ({sum(v == 'correct' for v in key.values())} keyed correct), "
              f"{source.stat().st_size / 2**20:.1f} MB of JSONL")
        runs = []
        for workers in (int(w) for w in args.workers.split(",")):
            out = Path(tmp) / f"out{workers}"
            run = run_once(exercises, source, out, opts, workers, args.batch)
            agree, total, examples = agreement(out, key)
            run["agreement"] = agree / total if total else 0.0
            runs.append(run)
            print(f"{workers} worker(s): {run['graded']} answers in {run['seconds']:.1f} s (after the key, "
                  f"{run['key_seconds']:.1f} s) = {run['rate']:.1f} answers/s; agreement with the key {agree}/{total} = {100 * run['agreement']:.2f} %; "
                  f"peak memory: worker {run['worker_peak_mb']:.0f} MB; CPU {run['cpu_ms']:.0f} ms per answer "
                  f"(workers and their processes); load average {run['load']:.1f} on {os.cpu_count()} cores", flush=True)
            for line in examples:
                print("  disagrees:", line, flush=True)
        if len(runs) == 2:
            same = sorted((Path(tmp) / f"out{runs[0]['workers']}" / "results.jsonl").read_text().splitlines()) == \
                sorted((Path(tmp) / f"out{runs[1]['workers']}" / "results.jsonl").read_text().splitlines())
            print(f"speed-up {runs[0]['workers']} -> {runs[1]['workers']} workers: "
                  f"{runs[1]['rate'] / runs[0]['rate']:.2f}x; results identical after sorting: {same}")
            per_answer = runs[0]["cpu_ms"] / 1000
            print(f"per answer: {per_answer * 1000:.0f} ms of CPU; 32 workers with a core each would grade about "
                  f"{32 / per_answer:.0f} answers/s ({32 * 3600 / per_answer:,.0f} an hour)")
    print(f"peak memory of this (client) process: {peak_mb_here():.0f} MB")
    return 0 if all(r["agreement"] == 1.0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

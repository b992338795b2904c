"""Judge answers against the key: each answer is the spec's claim with the student's LaTeX in place of the
quote, checked by the runner's `check_in_worker` (the engine, limits and verdicts of `verify`) with the truth
taken from the key instead of derived again.

`grade_batch` is one task of an executor: it runs its answers in worker processes forked from the calling
process (verify/run/workers.py), so every answer has its CPU-time budget and memory cap enforced from outside
even where the caller is a thread of a Dask worker (signals, and so the in-process budget, need a main thread).
It returns one JSON line per answer, in the batch's order.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from derive.spec.errors import SpecError
from verify.claims.context import result_for
from verify.grade.executors import FORK_LOCK, check_can_fork
from verify.grade.key import AnswerKeys, ClaimKey, ExerciseKey
from verify.grade.submissions import Answer
from verify.result import ClaimResult, Verdict
from verify.run.runner import RunOptions, check_in_worker, overrun_message
from verify.run.workers import Job, Overrun, run_jobs


def result_line(student: str, result: ClaimResult, points: float) -> str:
    """The JSON line of one graded answer: `student`, the fields of `verify --format json`, and `points`."""
    fields: dict[str, Any] = {"student": student, **result.to_dict(), "points": points}
    return json.dumps(fields, ensure_ascii=False, default=str)


def answer_claim(ck: ClaimKey, answer: Answer):
    """The spec's claim with the student's answer in place of the quote, located where the answer was read."""
    return replace(ck.claim, latex=answer.latex, kind=ck.kind, status=None, notes=answer.file, line=answer.line)


def judge(ek: ExerciseKey, ck: ClaimKey, answer: Answer, opts: RunOptions) -> ClaimResult:
    """The verdict on one answer (in the calling process, under the claim's time budget)."""
    claim = answer_claim(ck, answer)
    if ck.unavailable:
        return result_for(ek.exercise, claim, Verdict.UNVERIFIED, ck.unavailable)
    try:
        return check_in_worker(ek.exercise, claim, ek.state(), opts, derived=ck.derived)
    except SpecError as exc:
        # The spec was read and derived when the key was made: what is left is this answer's own trouble.
        return result_for(ek.exercise, claim, Verdict.UNVERIFIED, f"internal error ({exc.message}); please report it")


def scored(ck: ClaimKey, result: ClaimResult) -> float:
    return ck.points if result.verdict is Verdict.CORRECT else 0.0


def grade_batch(keys: AnswerKeys, answers: list[Answer], opts: RunOptions, workers: int = 1) -> list[str]:
    """The result lines of `answers` (each known to the key), judged on up to `workers` worker processes."""
    found: dict[int, str] = {}
    looked = [keys.lookup(a.exercise, a.claim) for a in answers]
    for n, hit in enumerate(looked):
        if isinstance(hit, str):   # the caller checks answers against the key; a stray one is still answered
            raise ValueError(f"{answers[n].file}:{answers[n].line}: {hit}")

    def failed(n: int, message: str) -> str:
        ek, ck = looked[n]
        result = result_for(ek.exercise, answer_claim(ck, answers[n]), Verdict.UNVERIFIED, message)
        return result_line(answers[n].student, result, 0.0)

    def step(_state: None, n: int, _k: int) -> str:
        ek, ck = looked[n]
        try:
            result = judge(ek, ck, answers[n], opts)
        except Exception as exc:  # noqa: BLE001 - an error escaping would stop the pool handing out answers
            return failed(n, f"internal error ({type(exc).__name__}: {str(exc)[:200]}); please report it")
        return result_line(answers[n].student, result, scored(ck, result))

    def on_done(n: int, _k: int, line: str) -> None:
        found[n] = line

    def on_overrun(o: Overrun) -> None:
        found[o.job] = failed(o.job, overrun_message(o.reason, opts.limits, o.detail))

    def on_error(n: int, exc: Exception) -> None:
        found[n] = failed(n, f"internal error ({type(exc).__name__}: {str(exc)[:200]}); please report it")

    check_can_fork()
    with FORK_LOCK:
        for ek, _ck in looked:
            ek.state()   # built here once, inherited by the forked workers
        run_jobs(Job([1] * len(answers), lambda n: None, step), range(len(answers)),
                 workers=max(1, min(workers, len(answers))), limits=opts.limits,
                 on_done=on_done, on_overrun=on_overrun, on_error=on_error)
    return [found[n] for n in range(len(answers))]


__all__ = ["answer_claim", "grade_batch", "judge", "result_line", "scored"]

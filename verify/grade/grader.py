"""A grading run: the key derived once, the submissions streamed in batches through an executor, the results
appended as batches complete, then the summary files.

Every submitted answer ends up in exactly one place: a line of `results.jsonl` (graded now, or by an earlier run
with the same `--out`: skipped), or a `file:line: message` on the error stream (malformed, unknown exercise or
claim, a second answer to the same claim). A batch whose task failed on the cluster (after the scheduler's
retries) is written nowhere; a re-run with the same `--out` grades it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from derive.spec.model import ExerciseSpec
from verify.grade.executors import DaskExecutor, LocalExecutor, TaskFailed
from verify.grade.judge import grade_batch
from verify.grade.key import AnswerKeys, derive_keys
from verify.grade.output import AnswerSet, ResultsFile, read_results
from verify.grade.submissions import Answer, BadLine, read_submissions
from verify.grade.summary import (
    HISTOGRAM,
    REPORT,
    SUMMARY,
    Tally,
    histogram_lines,
    write_report,
    write_summary,
)
from verify.run.progress import ProgressLine
from verify.run.runner import RunOptions
from verify.version import VERSION

DEFAULT_BATCH = 32


@dataclass
class Shared:
    """What every task needs, sent to each worker once: the key and the run's options."""

    keys: AnswerKeys
    opts: RunOptions


def grade_task(shared: Shared, answers: list[Answer], workers: int) -> list[str]:
    """One executor task: the result lines of a batch of answers."""
    return grade_batch(shared.keys, answers, shared.opts, workers)


@dataclass
class GradeOutcome:
    graded: int = 0            # answers graded by this run
    skipped: int = 0           # answers already in results.jsonl (resumed)
    bad: int = 0               # entries reported as `file:line: message`
    failed: list[str] = field(default_factory=list)   # why tasks failed (their answers are not written)
    not_graded: int = 0        # answers of failed tasks
    histogram: list[str] = field(default_factory=list)
    key_seconds: float = 0.0   # wall time of deriving the key


class _Counter(ProgressLine):
    def text(self, done: int, total: int) -> str:
        seconds = time.monotonic() - self.start
        return f"graded {done} answers ({seconds:.0f} s, {done / seconds if seconds else 0:.1f}/s)"


def grade(exercises: list[ExerciseSpec], submissions: Path, out: Path, opts: RunOptions,
          executor: LocalExecutor | DaskExecutor, *, batch_size: int = DEFAULT_BATCH,
          errors: TextIO | None = None, quiet: bool = True,
          on_batch: Callable[[int], None] | None = None) -> GradeOutcome:
    """Grade every answer of `submissions` into `out` (an executor already opened). `on_batch(graded)` is
    called after each batch is written. SpecError for a broken spec, UsageError for unusable input."""
    errors = errors if errors is not None else sys.stderr
    outcome = GradeOutcome()
    start = time.monotonic()
    keys = derive_keys(exercises, opts)
    outcome.key_seconds = time.monotonic() - start
    run = {"seed": opts.seed, "timeout": opts.timeout, "memory_mb": opts.memory_mb, "allow_code": opts.allow_code,
           "version": VERSION}
    results = ResultsFile(out, run)
    met = AnswerSet()          # answers of this run's submissions, so a second answer to a claim is caught

    def bad(entry: BadLine) -> None:
        outcome.bad += 1
        print(entry.text(), file=errors, flush=True)

    def batches() -> Iterator[list[Answer]]:
        batch: list[Answer] = []
        for entry in read_submissions(submissions):
            if isinstance(entry, BadLine):
                bad(entry)
                continue
            hit = keys.lookup(entry.exercise, entry.claim)
            if isinstance(hit, str):
                bad(BadLine(entry.file, entry.line, hit))
                continue
            if entry.key in met:
                bad(BadLine(entry.file, entry.line, f"a second answer by {entry.student} to "
                                                    f"{entry.exercise}#{entry.claim} (only the first is graded)"))
                continue
            met.add(entry.key)
            if entry.key in results.done:
                outcome.skipped += 1
                continue
            batch.append(entry)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    line = _Counter("answers", enabled=not quiet)
    try:
        shared = executor.share(Shared(keys, opts))
        for answers, lines in executor.run(grade_task, shared, batches()):
            if isinstance(lines, TaskFailed):
                outcome.failed.append(lines.reason)
                outcome.not_graded += len(answers)
                continue
            results.write(lines)
            outcome.graded += len(lines)
            line(outcome.graded, -1)
            if on_batch:
                on_batch(outcome.graded)
    finally:
        line.close()
        results.close()
    outcome.histogram = write_outputs(out, keys.max_points())
    return outcome


def write_outputs(out: Path, max_points: dict[str, float]) -> list[str]:
    """summary.csv, histogram.txt and report.html from results.jsonl; the histogram's lines."""
    tally = Tally()
    results = out / "results.jsonl"
    if results.exists():
        for result in read_results(results):
            tally.add(result)
    write_summary(out / SUMMARY, tally, max_points)
    lines = histogram_lines(tally, max_points)
    (out / HISTOGRAM).write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    write_report(out / REPORT, tally, max_points, title=f"Grades: {out.name}")
    return lines


__all__ = ["DEFAULT_BATCH", "GradeOutcome", "Shared", "grade", "grade_task", "write_outputs"]

"""The grading folder: `results.jsonl` written as results come in, `grade.json` with the options of the run, and
resuming: a re-run with the same folder skips every answer already there.

An answer is known by its key (student, exercise, claim), kept as an 8-byte hash (`AnswerSet`: about 60 bytes
an answer in memory, whatever the length of the answers). A run stopped in the middle of writing a line leaves a
partial last line; resuming cuts it off (that answer is graded again). Lines are appended a batch at a time and
flushed, so what is in the file is done.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from verify.exit_codes import UsageError

RESULTS = "results.jsonl"
RUN_FILE = "grade.json"


def answer_hash(student: str, exercise: str, claim: str) -> int:
    digest = hashlib.blake2b("\x1f".join((student, exercise, claim)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class AnswerSet:
    """Keys of answers (graded, or met in this run), as hashes."""

    def __init__(self) -> None:
        self._seen: set[int] = set()

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, key: tuple[str, str, str]) -> bool:
        return answer_hash(*key) in self._seen

    def add(self, key: tuple[str, str, str]) -> None:
        self._seen.add(answer_hash(*key))


class ResultsFile:
    """`OUT/results.jsonl`, opened for appending after what an earlier run wrote."""

    def __init__(self, out_dir: Path, run: dict[str, Any]) -> None:
        self.path = out_dir / RESULTS
        self.done = AnswerSet()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            _check_run(out_dir / RUN_FILE, run)
            if self.path.exists():
                self._read_done()
            self._fh = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write: {exc.strerror or exc}", where=str(out_dir)) from None

    @property
    def resumed(self) -> int:
        return len(self.done)

    def _read_done(self) -> None:
        good = 0   # bytes of complete, readable lines
        with self.path.open("rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break
                try:
                    d = json.loads(raw)
                    self.done.add((d["student"], d["exercise"], d["claim"]))
                except (ValueError, KeyError, TypeError):
                    break   # a line cut short by a crash, then overwritten: what follows is not trusted
                good += len(raw)
        if good != self.path.stat().st_size:
            os.truncate(self.path, good)

    def write(self, lines: Iterable[str]) -> None:
        self._fh.write("".join(line + "\n" for line in lines))
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def _check_run(path: Path, run: dict[str, Any]) -> None:
    """A folder holds the results of one set of options: resuming with others would mix verdicts."""
    if path.exists():
        try:
            before = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            before = None
        if isinstance(before, dict):
            changed = [k for k in sorted(run) if before.get(k) != run[k]]
            if changed:
                raise UsageError(f"--out {path.parent} holds results graded with other options ({changed[0]}: "
                                 f"{before.get(changed[0])!r}, now {run[changed[0]]!r}); use another --out folder",
                                 where=str(path))
            return
    path.write_text(json.dumps(run, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_results(path: Path) -> Iterable[dict[str, Any]]:
    """The result objects of a results file, one at a time."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


__all__ = ["RESULTS", "RUN_FILE", "AnswerSet", "ResultsFile", "answer_hash", "read_results"]

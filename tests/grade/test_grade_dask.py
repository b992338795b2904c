"""A real Dask LocalCluster (2 worker processes): the same results as the local executor, lint on it, and a
worker killed in the middle of a run loses no answer and writes none twice.

One cluster serves the module (starting one costs seconds); every wait on it has a timeout, and the fixture
closes it whatever happens, so nothing here can hang CI.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path

import pytest

from cli import main
from verify.claims.registry import load_suite
from verify.grade.executors import DaskExecutor, LocalExecutor
from verify.grade.grader import grade
from verify.run.runner import RunOptions

pytest.importorskip("distributed")

STALL = 120.0   # seconds without a finished task before a run gives up (instead of hanging)


@pytest.fixture(scope="module")
def cluster():
    with DaskExecutor(workers=2, stall_seconds=STALL) as executor:
        yield executor


def _class(n: int) -> list[tuple[str, str, str, str]]:
    forms = {"cube": ["3x^2", "3x^3", "-3x^2", "x^2 \\cdot 3", "3x"],
             "square": ["a^2 + 2ab + b^2", "a^2 + b^2", "(a + b)(b + a)", "a^2 - 2ab + b^2"]}
    rows = []
    for k in range(n):
        for claim, exercise in (("cube", "demo/1"), ("square", "demo/2")):
            rows.append((f"s{k:03d}", exercise, claim, forms[claim][k % len(forms[claim])]))
    return rows


def _sorted_lines(out: Path) -> list[str]:
    return sorted((out / "results.jsonl").read_text(encoding="utf-8").splitlines())


def test_cluster_results_equal_the_local_executor(cluster, spec: Path, write_jsonl, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "class.jsonl", _class(10))
    exercises = load_suite([spec])
    local = grade(exercises, source, tmp_path / "local", RunOptions(), LocalExecutor(jobs=1))
    dask = grade(exercises, source, tmp_path / "dask", RunOptions(), cluster, batch_size=3)
    assert local.graded == dask.graded == 20
    assert _sorted_lines(tmp_path / "local") == _sorted_lines(tmp_path / "dask")
    assert (tmp_path / "local" / "summary.csv").read_bytes() == (tmp_path / "dask" / "summary.csv").read_bytes()


def test_lint_on_the_cluster_reports_as_locally(cluster, tmp_path: Path, capsys) -> None:
    notes = tmp_path / "book"
    (notes / "part").mkdir(parents=True)
    (notes / "a.md").write_text("We have $$(x+1)^2 = x^2 + 2x + 1$$ and $$2 \\cdot 3 = 7$$\n", encoding="utf-8")
    (notes / "part" / "b.tex").write_text("\\[ 3 \\cdot 4 = 13 \\]\n", encoding="utf-8")
    local_code = main(["lint", str(notes), "--format", "json", "-q"])
    local = capsys.readouterr().out
    address = cluster.client.scheduler.address
    remote_code = main(["lint", str(notes), "--format", "json", "-q", "--scheduler", address])
    remote = capsys.readouterr().out
    assert local_code == remote_code == 1
    assert remote == local
    files = {r["file"] for r in json.loads(remote)["results"]}
    assert files == {str(notes / "a.md"), str(notes / "part" / "b.tex")}


@pytest.mark.parametrize("after_batches", [1, 4], ids=["first-batch", "later-batch"])
def test_a_killed_worker_loses_nothing_and_writes_nothing_twice(cluster, spec: Path, write_jsonl, tmp_path: Path,
                                                                after_batches: int) -> None:
    """Later in a run the killed worker also holds finished results not yet collected: those tasks end lost
    (not failed) and must be run again, not reported as failures."""
    rows = _class(15)
    source = write_jsonl(tmp_path / "class.jsonl", rows)
    exercises = load_suite([spec])
    before = cluster.worker_pids()
    killed: list[int] = []
    batches = [0]

    def kill_one(graded: int) -> None:
        batches[0] += 1
        if not killed and batches[0] >= after_batches:   # a worker with tasks assigned to it
            busy = [addr for addr, tasks in sorted(cluster.client.processing().items()) if tasks]
            if busy and busy[0] in before:
                os.kill(before[busy[0]], signal.SIGKILL)
                killed.append(before[busy[0]])

    out = tmp_path / "dask"
    outcome = grade(exercises, source, out, RunOptions(), cluster, batch_size=2, on_batch=kill_one)
    assert killed, "no worker had a task to lose"
    assert outcome.graded == len(rows) and not outcome.failed
    keys = Counter((r["student"], r["exercise"], r["claim"])
                   for r in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines()))
    assert set(keys) == {(s, e, c) for s, e, c, _ in rows} and set(keys.values()) == {1}
    local = grade(exercises, source, tmp_path / "local", RunOptions(), LocalExecutor(jobs=2))
    assert local.graded == len(rows)
    assert _sorted_lines(out) == _sorted_lines(tmp_path / "local")
    assert killed[0] not in cluster.worker_pids().values()

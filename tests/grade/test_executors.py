"""DaskExecutor.run's bookkeeping on a stand-in client (deterministic; the real cluster is in test_grade_dask.py):
a task whose result was lost with a killed worker runs again, a task that raised is a failure, nothing is
reported twice."""

from __future__ import annotations

from typing import Any

import pytest

from verify.grade.executors import RESUBMITS, DaskExecutor, TaskFailed

distributed = pytest.importorskip("distributed")


class _Future:
    def __init__(self, status: str, value: Any = None, error: BaseException | None = None) -> None:
        self.status, self.value, self.error = status, value, error

    def result(self) -> Any:
        return self.value

    def exception(self, timeout: float | None = None) -> BaseException | None:
        return self.error

    def release(self) -> None:
        pass


class _Client:
    """Submissions of a payload end with the statuses listed for it, in turn; then 'finished'."""

    def __init__(self, plan: dict[int, list[str]]) -> None:
        self.plan = plan
        self.submitted: list[int] = []

    def nthreads(self) -> dict[str, int]:
        return {"w": 2}

    def submit(self, fn, shared, payload, jobs, pure=False) -> _Future:
        self.submitted.append(payload)
        statuses = self.plan.get(payload, [])
        status = statuses.pop(0) if statuses else "finished"
        return _Future(status, fn(shared, payload, jobs),
                       ZeroDivisionError("boom") if status == "error" else None)


def _run(monkeypatch, plan: dict[int, list[str]], payloads: list[int]) -> tuple[list, _Client]:
    monkeypatch.setattr(distributed, "wait", lambda fs, **kw: (set(fs), set()))
    executor = DaskExecutor(workers=1)
    executor.client = _Client(plan)
    return list(executor.run(lambda shared, p, jobs: p * 10, None, payloads)), executor.client


def test_a_lost_task_runs_again_and_is_reported_once(monkeypatch) -> None:
    results, client = _run(monkeypatch, {2: ["lost"], 3: ["cancelled", "lost"]}, [1, 2, 3, 4])
    assert sorted(results) == [(1, 10), (2, 20), (3, 30), (4, 40)]
    assert sorted(client.submitted) == [1, 2, 2, 3, 3, 3, 4]


def test_a_task_that_raised_is_a_failure_and_not_retried(monkeypatch) -> None:
    results, client = _run(monkeypatch, {2: ["error"]}, [1, 2])
    failed = dict(results)[2]
    assert isinstance(failed, TaskFailed) and "ZeroDivisionError: boom" in failed.reason
    assert client.submitted.count(2) == 1


def test_a_task_lost_every_time_fails_after_its_resubmissions(monkeypatch) -> None:
    results, client = _run(monkeypatch, {5: ["lost"] * 10}, [5])
    [(payload, outcome)] = results
    assert payload == 5 and isinstance(outcome, TaskFailed) and "lost" in outcome.reason
    assert client.submitted.count(5) == RESUBMITS


def test_futures_the_scheduler_forgot_run_again_with_the_shared_data_scattered_anew(monkeypatch) -> None:
    """A killed worker can take the shared data's copies with it: `wait` then raises for the cancelled futures
    (it does not return them). They run again, on the data scattered again."""

    class Forgotten(Exception):
        pass

    calls = {"wait": 0}

    def wait(futures, **kw):
        calls["wait"] += 1
        if calls["wait"] == 1:
            raise Forgotten
        return set(futures), set()

    class Shared:
        key, status = "shared-1", "lost"

    monkeypatch.setattr(distributed, "wait", wait)
    monkeypatch.setattr(distributed.client, "FuturesCancelledError", Forgotten)
    executor = DaskExecutor(workers=1)
    client = _Client({1: ["cancelled"], 2: ["cancelled"]})
    scattered: list[object] = []
    client.scatter = lambda data, **kw: scattered.append(data) or type("S", (), {"key": "shared-2",
                                                                                "status": "finished"})()
    executor.client = client
    executor._scattered["shared-1"] = {"key": "data"}
    results = list(executor.run(lambda shared, p, jobs: p * 10, Shared(), [1, 2]))
    assert sorted(results) == [(1, 10), (2, 20)]
    assert scattered == [{"key": "data"}]   # scattered again once, not per task

"""Where tasks run: in this process (its own pool of limited worker processes), or on a Dask cluster.

An executor maps a task function `fn(shared, payload, workers)` over a stream of payloads and yields
`(payload, outcome)` as tasks complete (the outcome is the task's return value, or a `TaskFailed`). `shared` is
data every task needs (the answer key): the local executor hands it over as is, the Dask executor scatters it to
every worker once. Payloads are pulled from the stream only as slots free up, so a stream of any length is never
held in memory. `workers` tells a task how many worker processes of its own to fork: the local executor's
`-j`, one on a Dask worker (the cluster supplies the parallelism).

Dask (`dask[distributed]`) is imported only when a Dask executor is opened: `--workers N` starts a
`LocalCluster` of N single-threaded worker processes; `--scheduler tcp://host:8786` connects to a running
cluster, whose workers need derivcheck installed (and should run one thread each: see verify/grade/judge.py).
A task whose worker dies is run again on another one by the scheduler (up to `allowed-failures` times), and
its result reaches this process once, so nothing is lost and nothing is written twice.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from verify.exit_codes import UsageError
from verify.run.workers import Job, Limits, Overrun, run_jobs

CONNECT_SECONDS = 30.0   # to reach a scheduler, or to start a local cluster's workers
CLOSE_SECONDS = 30.0


@dataclass(frozen=True)
class TaskFailed:
    """A task that did not complete (its worker died more often than the scheduler allows, say)."""

    reason: str


Task = Callable[[Any, Any, int], Any]
T = TypeVar("T")

# Forking while another thread of the same process is inside SymPy could hand the child a held lock: the tasks
# of one process that fork take turns (a Dask worker should run one thread; more only queue here).
FORK_LOCK = threading.Lock()
DAEMONIC = ("this worker process is daemonic and cannot start the processes that run under limits; start Dask "
            "workers with DASK_DISTRIBUTED__WORKER__DAEMON=False")


def check_can_fork() -> None:
    """RuntimeError (with the fix) in a daemonic process, which may not start processes."""
    if multiprocessing.current_process().daemon:
        raise RuntimeError(DAEMONIC)


def forked(call: Callable[[], T], limits: Limits) -> T:
    """`call()` in a worker process forked from this one (verify/run/workers.py), so that the budgets of
    `time_limit` (signals: a main thread) hold inside a Dask task too; RuntimeError when it did not finish."""
    check_can_fork()
    found: list[Any] = []
    stopped: list[str] = []

    def on_overrun(o: Overrun) -> None:
        stopped.append(f"stopped: {o.reason} {o.detail}".strip())

    def on_error(_job: int, exc: Exception) -> None:
        stopped.append(f"{type(exc).__name__}: {exc}")

    with FORK_LOCK:
        run_jobs(Job([1], lambda n: None, lambda _s, _n, _k: call()), [0], workers=1, limits=limits,
                 on_done=lambda _n, _k, value: found.append(value), on_overrun=on_overrun, on_error=on_error)
    if not found:
        raise RuntimeError(stopped[0] if stopped else "the worker process ended without a result")
    return found[0]


class LocalExecutor:
    """Tasks in this process, one after the other, each on `jobs` worker processes of its own."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, jobs)

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @property
    def description(self) -> str:
        return f"{self.jobs} local worker process{'es' if self.jobs > 1 else ''}"

    def share(self, data: Any) -> Any:
        return data

    def run(self, fn: Task, shared: Any, payloads: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        for payload in payloads:
            yield payload, fn(shared, payload, self.jobs)


class DaskExecutor:
    """Tasks on a Dask cluster: a new `LocalCluster` of `workers` processes, or the one at `scheduler`.

    `stall_seconds`: give up (TimeoutError) when no task completes for that long, so that a broken cluster ends
    the run instead of hanging it. `in_flight`: tasks submitted ahead per worker thread."""

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None,
                 stall_seconds: float | None = None, in_flight: int = 2) -> None:
        if (workers is None) == (scheduler is None):
            raise ValueError("a Dask executor needs either workers or a scheduler address")
        self.workers, self.scheduler = workers, scheduler
        self.stall_seconds, self.in_flight = stall_seconds, in_flight
        self.cluster: Any = None
        self.client: Any = None
        self._scattered: dict[str, Any] = {}   # key of each shared future -> its data
        self._config: Any = None

    def __enter__(self) -> DaskExecutor:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--workers and --scheduler need Dask: pip install 'dask[distributed]'") from None
        # Tasks here are CPU-bound and bring their own limits: no work stealing of running tasks, no memory
        # manager pausing or restarting workers on their own measure.
        # Non-daemonic workers: a daemonic process may not start the processes each task forks. Set for as long
        # as the executor is open (the local cluster's workers are started with it).
        self._config = dask.config.set({"distributed.scheduler.work-stealing": False,
                                        "distributed.worker.memory.pause": False,
                                        "distributed.worker.memory.terminate": False,
                                        "distributed.worker.daemon": False})
        try:
            if self.workers is not None:
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR, memory_limit=0)
                self.client = Client(self.cluster, timeout=CONNECT_SECONDS)
            else:
                self.client = Client(self.scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = self.scheduler or "a local cluster"
            raise UsageError(f"cannot reach {where}: {exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close(timeout=CLOSE_SECONDS)
            self.client = None
        if self.cluster is not None:
            self.cluster.close(timeout=CLOSE_SECONDS)
            self.cluster = None
        if self._config is not None:
            self._config.__exit__(None, None, None)
            self._config = None

    @property
    def description(self) -> str:
        where = "a local Dask cluster" if self.cluster is not None else f"the Dask cluster at {self.scheduler}"
        return f"{self.threads()} worker{'s' if self.threads() != 1 else ''} of {where}"

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def worker_pids(self) -> dict[str, int]:
        """The process id of each worker (for tests that kill one)."""
        return self.client.run(os.getpid)

    def share(self, data: Any) -> Any:
        # hash=False: the data's content is not hashed into its key (the key is big; nothing else uses it).
        future = self.client.scatter(data, broadcast=True, hash=False)
        self._scattered[future.key] = data   # to scatter again if the cluster loses it (workers killed)
        return future

    def run(self, fn: Task, shared: Any, payloads: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        from distributed import wait
        from distributed.client import FuturesCancelledError

        stream = iter(payloads)
        pending: dict[Any, tuple[Any, int]] = {}   # future -> (payload, times submitted)
        exhausted = False

        def submit(payload: Any, attempt: int) -> None:
            nonlocal shared
            if getattr(shared, "status", "finished") != "finished" and shared.key in self._scattered:
                shared = self.share(self._scattered.pop(shared.key))   # its every copy went with killed workers
            pending[self.client.submit(fn, shared, payload, 1, pure=False)] = (payload, attempt)

        def fill() -> None:
            nonlocal exhausted
            while not exhausted and len(pending) < self.in_flight * self.threads():
                payload = next(stream, _END)
                if payload is _END:
                    exhausted = True
                    return
                submit(payload, 1)

        fill()
        while pending:
            try:
                done, _ = wait(list(pending), timeout=self.stall_seconds, return_when="FIRST_COMPLETED")
            except TimeoutError:
                raise TimeoutError(f"no task finished in {self.stall_seconds:g} s") from None
            except FuturesCancelledError:   # the scheduler forgot them (their input went with a killed worker)
                done = {f for f in pending if f.status != "pending"}
            for future in done:
                payload, attempt = pending.pop(future)
                status = future.status
                outcome: Any
                if status == "finished":
                    outcome = future.result()
                elif status != "error" and attempt < RESUBMITS:
                    # Lost or cancelled with no error of its own: its result went with a killed worker (the
                    # future may even have been done a moment before). The task is pure: run it again.
                    future.release()
                    submit(payload, attempt + 1)
                    continue
                else:
                    outcome = TaskFailed(_failure(future))
                future.release()
                yield payload, outcome
            fill()


_END = object()
RESUBMITS = 3   # times a task whose result was lost (not one that raised) is submitted in all


def _failure(future: Any) -> str:
    try:
        exc = future.exception(timeout=CLOSE_SECONDS)
    except Exception as err:  # noqa: BLE001 - whatever it is, it is the reason
        exc = err
    if exc is None:   # cancelled or lost without an error of its own (a dependency gone with a killed worker)
        return f"the task ended {future.status} without an error"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def open_executor(*, jobs: int = 1, workers: int | None = None, scheduler: str | None = None,
                  stall_seconds: float | None = None) -> LocalExecutor | DaskExecutor:
    """The executor the options ask for: Dask with `workers` or `scheduler`, else the local pool of `jobs`."""
    if workers is not None and scheduler is not None:
        raise UsageError("--workers and --scheduler exclude each other (one starts a cluster, one joins one)")
    if workers is not None:
        if workers < 1:
            raise UsageError(f"--workers needs at least 1 worker, not {workers}")
        return DaskExecutor(workers=workers, stall_seconds=stall_seconds)
    if scheduler is not None:
        if "://" not in scheduler and ":" not in scheduler:
            raise UsageError(f"--scheduler needs an address like tcp://host:8786, not {scheduler!r}")
        return DaskExecutor(scheduler=scheduler, stall_seconds=stall_seconds)
    return LocalExecutor(jobs)


def add_executor_options(p: Any) -> None:
    """`--workers N` and `--scheduler ADDRESS` (both Dask), for grade and lint."""
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="start a local Dask cluster of N worker processes and run there")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)")


__all__ = ["DAEMONIC", "FORK_LOCK", "DaskExecutor", "LocalExecutor", "TaskFailed", "add_executor_options", "check_can_fork",
           "forked", "open_executor"]

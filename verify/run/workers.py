"""Worker processes under hard limits enforced from outside: CPU time per step and resident memory per worker.

A job is a list of steps that one worker runs in order (an exercise's claims, a batch of `equiv` pairs), after
a preparation (an exercise's declarations). Before each step the worker tells the parent which step starts and
its own CPU time. The parent reads each busy worker's CPU time (user + system of all its threads) and resident
memory from /proc every POLL seconds and kills with SIGKILL — which needs no cooperation from code stuck in C,
unlike the alarm of `verify/compare/budget.py` that an exact power in SymPy or GMP never lets run — a worker
whose step has used its budget plus a margin, or whose memory is over the cap. The step is handed to the
job's `overrun` callback, and the job goes on from the next step in a fresh worker; the rest of the run is not
disturbed. A worker that dies on its own (a segfault, the kernel's OOM killer) is handled the same way.

Backstops inside each worker, for a system without /proc or a parent that cannot keep up: RLIMIT_CPU (the kernel
ends the process with SIGXCPU a second after the parent would have) and RLIMIT_AS (an allocation far past the
cap fails at once instead of filling the machine). Workers are forked from the parent, so a job's data (the
loaded specs, the built parsers) is inherited, never pickled; only step results cross the pipe.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

POLL = 0.05            # seconds between the parent's looks at its workers
PREPARE = -1           # the step number of a job's preparation

# Why a worker was stopped in the middle of a step.
TIME, MEMORY, DIED, STUCK = "time", "memory", "died", "stuck"
DEFAULT_MEMORY_MB = 2048   # resident memory per worker process unless --memory says otherwise


@dataclass(frozen=True)
class Limits:
    """The budget of every step (CPU seconds) and the resident memory a worker may hold (MB; None: no cap)."""

    seconds: float
    memory_mb: int | None = 2048

    @property
    def kill_after(self) -> float:
        """CPU seconds after which a step's worker is killed. The margin lets the budget's own alarm end the step
        with its usual result first; only a step that cannot be interrupted reaches this."""
        return self.seconds + min(2.0, 0.5 + 0.05 * self.seconds)

    @property
    def wall_seconds(self) -> float:
        """Wall-clock seconds after which a step that uses no CPU (a worker waiting on something that never
        comes) is given up. Generous: on a loaded machine a busy step gets far less than one core."""
        return 10 * self.kill_after + 60


@dataclass
class Overrun:
    """A step that did not finish: `reason` is TIME, MEMORY, DIED or STUCK; `preparing` when the job's
    preparation was running (then no step of the job from `step` on can run)."""

    job: int
    step: int
    reason: str
    preparing: bool = False
    detail: str = ""


@dataclass
class Job:
    """What the workers run: `prepare(job)` once per worker that takes the job up, then `step(state, job, k)`
    for each step k; both run in a worker. An exception escaping them stops the job and reaches `on_error`."""

    sizes: Sequence[int]
    prepare: Callable[[int], Any]
    step: Callable[[Any, int, int], Any]


def _usage(pid: int) -> tuple[float, int] | None:
    """(CPU seconds, resident bytes) of a process, from /proc; None where there is no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks, int(fields[21]) * resource.getpagesize()


def _serve(conn: Connection, work: Job, limits: Limits, parent_end: Connection | None = None) -> None:
    """A worker's loop: take (job, first step) from the parent, report each step's start and result."""
    if parent_end is not None:
        # The parent's end of the pipe, inherited by the fork: closed, so that a parent killed outright (a Dask
        # worker killed mid-task) leaves this worker reading end-of-file and exiting, not waiting forever.
        parent_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle; it ends the workers
    warnings.simplefilter("ignore")                # numpy's RuntimeWarnings are no message for the user
    with contextlib.suppress(ValueError, OSError):     # a worker ended by SIGXCPU leaves no core file
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    if limits.memory_mb:
        cap = max(2 * limits.memory_mb, limits.memory_mb + 1024) * 2**20
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))
    while True:
        try:
            task = conn.recv()
        except (EOFError, ConnectionResetError):   # the parent is gone (a Dask worker killed outright)
            return
        if task is None:
            return
        job, first = task
        try:
            _start(conn, PREPARE, limits)
            state = work.prepare(job)
            for k in range(first, work.sizes[job]):
                _start(conn, k, limits)
                value = work.step(state, job, k)
                try:
                    conn.send(("done", k, value))
                except (BrokenPipeError, ConnectionResetError):
                    return   # the parent is gone (killed outright): nobody to tell
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which decides
            conn.send(("error", _picklable(exc)))
        conn.send(("end",))


def _start(conn: Connection, step: int, limits: Limits) -> None:
    spent = time.process_time()
    # The kernel's backstop, a second after the parent would have acted (whole seconds of total CPU time).
    soft = math.ceil(spent + limits.kill_after + 1)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.getrlimit(resource.RLIMIT_CPU)[1]))
    conn.send(("start", step, spent))


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001 - any unpicklable exception becomes its text
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class _Worker:
    def __init__(self, work: Job, limits: Limits) -> None:
        # Output still buffered here would be written a second time by the child when it exits.
        sys.stdout.flush()
        sys.stderr.flush()
        parent_end, child_end = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=_serve,
                                                                   args=(child_end, work, limits, parent_end),
                                                                   daemon=True)
        self.process.start()
        child_end.close()
        self.conn = parent_end
        self.job: int | None = None
        self.first = 0
        self.step = PREPARE
        self.started = False     # the current step's start (and CPU time) has been received
        self.failed = False      # the current job ended with an exception
        self.cpu0 = 0.0
        self.wall0 = 0.0

    def assign(self, job: int, first: int) -> bool:
        """Hand the worker a job; False when it is gone (it died while idle)."""
        self.job, self.first, self.step, self.started, self.failed = job, first, PREPARE, False, False
        self.wall0 = time.monotonic()
        try:
            self.conn.send((job, first))
        except OSError:
            return False
        return True

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(1)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


class _Pool:
    """The parent's side: hands out jobs, reads results, enforces the limits."""

    def __init__(self, work: Job, order: Sequence[int], workers: int, limits: Limits,
                 on_done: Callable[[int, int, Any], None], on_overrun: Callable[[Overrun], None],
                 on_error: Callable[[int, Exception], None], on_finished: Callable[[int], None] | None) -> None:
        self.work, self.workers, self.limits = work, workers, limits
        self.on_done, self.on_overrun, self.on_error, self.on_finished = on_done, on_overrun, on_error, on_finished
        self.queue: deque[tuple[int, int]] = deque((j, 0) for j in order if work.sizes[j] > 0)
        self.pool: list[_Worker] = []
        self.failed = False

    def busy(self) -> list[_Worker]:
        return [w for w in self.pool if w.job is not None]

    def hand_out(self) -> None:
        if self.failed:
            self.queue.clear()   # no job is started after one failed: its error ends the run
            return
        for w in list(self.pool):
            if w.job is None and self.queue:
                task = self.queue.popleft()
                if not w.assign(*task):
                    self.queue.appendleft(task)
                    w.kill()
                    self.pool.remove(w)
        while self.queue and len(self.pool) < self.workers:
            w = _Worker(self.work, self.limits)
            self.pool.append(w)
            task = self.queue.popleft()
            if not w.assign(*task):
                raise OSError("a new worker process did not start")

    def serve(self, tick: Callable[[], None] | None) -> None:
        while self.queue or self.busy():
            self.hand_out()
            busy = self.busy()
            if busy:
                for conn in wait([w.conn for w in busy], timeout=POLL):
                    w = next(w for w in busy if w.conn is conn)
                    if not self._drain(w):
                        self._replace(w, DIED)
                for w in self.busy():
                    reason = self._over_limit(w)
                    if reason is not None:
                        self._replace(w, reason)
            if tick:
                tick()

    def _drain(self, w: _Worker) -> bool:
        """Read what a worker has sent; False when it is gone."""
        try:
            while w.job is not None and w.conn.poll():
                msg = w.conn.recv()
                if msg[0] == "start":
                    w.step, w.cpu0, w.wall0, w.started = msg[1], msg[2], time.monotonic(), True
                elif msg[0] == "done":
                    self.on_done(w.job, msg[1], msg[2])
                elif msg[0] == "error":
                    w.failed = self.failed = True
                    self.on_error(w.job, msg[1])
                elif msg[0] == "end":
                    job, w.job = w.job, None
                    if not w.failed and self.on_finished:
                        self.on_finished(job)
        except (EOFError, OSError):
            return False
        return True

    def _over_limit(self, w: _Worker) -> str | None:
        used = _usage(w.process.pid) if w.process.pid else None
        if used is not None:
            cpu, rss = used
            if w.started and cpu - w.cpu0 > self.limits.kill_after:
                return TIME
            if self.limits.memory_mb and rss > self.limits.memory_mb * 2**20:
                return MEMORY
        if time.monotonic() - w.wall0 > self.limits.wall_seconds:
            return STUCK
        return None

    def _replace(self, w: _Worker, reason: str) -> None:
        """Kill `w`, report the step it was on, and queue the rest of its job first (a fresh worker takes it)."""
        job, step, first = w.job, w.step, w.first
        w.kill()
        self.pool.remove(w)
        detail = ""
        if reason == DIED:
            code = w.process.exitcode
            if code == -signal.SIGXCPU:
                reason = TIME
            detail = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        if job is None or w.failed:
            return
        if step == PREPARE:
            self.on_overrun(Overrun(job, first, reason, preparing=True, detail=detail))
        else:
            self.on_overrun(Overrun(job, step, reason, detail=detail))
            if step + 1 < self.work.sizes[job]:
                self.queue.appendleft((job, step + 1))
                return
        if self.on_finished:
            self.on_finished(job)

    def close(self) -> None:
        for w in self.pool:
            w.stop()


def run_jobs(work: Job, order: Sequence[int], *, workers: int, limits: Limits,
             on_done: Callable[[int, int, Any], None], on_overrun: Callable[[Overrun], None],
             on_error: Callable[[int, Exception], None], on_finished: Callable[[int], None] | None = None,
             tick: Callable[[], None] | None = None) -> None:
    """Run the jobs numbered in `order` (handed out in that order) on up to `workers` worker processes.

    `on_done(job, k, value)` for each step's result, `on_overrun(Overrun)` for a step stopped by a limit,
    `on_error(job, exc)` for an exception that ended a job (no job is handed out after one), `on_finished(job)`
    when a job has no step left, `tick()` every POLL seconds. All callbacks run in this (the parent) process;
    the workers are ended on return, on an exception and on Ctrl-C."""
    pool = _Pool(work, order, max(1, workers), limits, on_done, on_overrun, on_error, on_finished)
    try:
        pool.serve(tick)
    finally:
        pool.close()


__all__ = ["DIED", "MEMORY", "PREPARE", "STUCK", "TIME", "Job", "Limits", "Overrun", "run_jobs"]

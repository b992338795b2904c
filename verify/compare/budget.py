"""Time budgets counted in CPU time of this process, so a verdict does not depend on machine load.

`time_limit(s)` raises TimeoutError inside the block once the process has spent `s` seconds of CPU time in it
(ITIMER_PROF: user + system time of this process only — a worker sharing a busy machine is not charged for
the others). Budgets nest: an inner block never outlives the block around it, and when the inner one ends the
outer deadline is armed again (an inner `except TimeoutError` cannot swallow the outer budget for good).
Outside the main thread signals cannot be used and the block runs without a limit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_own: list[float] = []         # the CPU-time deadline each open block asked for, innermost last
_previous_handler: list[object] = []


class _OuterExpired(BaseException):
    """The budget of an enclosing block ran out inside an inner one: passes through the inner block's handlers
    (`except TimeoutError`, `except Exception`) and becomes a TimeoutError at the block that owns it."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.level = level


def _expired_level() -> int | None:
    now = time.process_time()
    return next((k for k, deadline in enumerate(_own) if deadline <= now), None)


def _raise_timeout(signum, frame):  # noqa: ARG001
    level = _expired_level()
    if level is None or level == len(_own) - 1:
        raise TimeoutError
    raise _OuterExpired(level)


def _arm() -> None:
    # The nearest deadline of the open blocks; one already passed fires almost at once.
    signal.setitimer(signal.ITIMER_PROF, max(min(_own) - time.process_time(), 0.001))


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeoutError inside the block after `seconds` of CPU time (main thread only; no-op elsewhere)."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    if not _own:
        _previous_handler.append(signal.signal(signal.SIGPROF, _raise_timeout))
    elif (level := _expired_level()) is not None:
        raise _OuterExpired(level)
    level = len(_own)
    _own.append(time.process_time() + seconds)
    _arm()
    try:
        yield
    except _OuterExpired as exc:
        if exc.level == level:
            raise TimeoutError from None
        raise
    finally:
        _own.pop()
        if _own:
            _arm()
        else:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, _previous_handler.pop())


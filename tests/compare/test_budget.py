"""CPU-time budgets: nested blocks, an inner handler cannot swallow the outer budget, load does not count."""

from __future__ import annotations

import time

import pytest

from verify.compare.budget import time_limit


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_block_stops_after_its_cpu_seconds() -> None:
    start = time.process_time()
    with pytest.raises(TimeoutError), time_limit(0.2):
        _spin(5)
    assert time.process_time() - start < 1.5


def test_waiting_is_not_charged() -> None:
    with time_limit(0.2):
        time.sleep(0.4)   # no CPU spent: a busy machine (or a slow disk) does not use up the budget


def test_an_inner_handler_cannot_swallow_the_outer_budget() -> None:
    start = time.process_time()
    with pytest.raises(TimeoutError), time_limit(0.3):
        for _ in range(100):
            try:
                with time_limit(10):   # the inner block is capped by the outer deadline
                    _spin(5)
            except TimeoutError:
                pass   # a proof attempt giving up, as prove() does
    assert time.process_time() - start < 2


def test_the_outer_deadline_is_armed_again_after_an_inner_block() -> None:
    with pytest.raises(TimeoutError), time_limit(0.3):
        with time_limit(0.05):
            pass
        _spin(5)

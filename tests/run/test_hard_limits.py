"""Hard limits enforced from outside the worker: a claim stuck in C code, a claim that eats memory, a worker that
dies, a budget that surfaces as an odd exception — each is `unverified` with the reason, the rest of the run goes
on, and the results do not depend on `-j`.

The misbehaving claims are planted by replacing the runner's `check_one` (the workers are forked after the
replacement, so they run it): the engine's own guards against huge powers may change, the runner's limits must
hold whatever a claim does. `hashlib.pbkdf2_hmac` with a billion rounds is a loop in C that never returns to
the interpreter, so no alarm signal can end it (like an exact power in GMP).
"""

from __future__ import annotations

import faulthandler
import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

import verify.run.runner as runner
import verify.run.workers as workers
from derive.spec.errors import SpecError
from verify.claims.context import result_for
from verify.claims.registry import load_file
from verify.compare.budget import time_limit
from verify.result import Verdict
from verify.run.runner import RunOptions, run_suite

SPEC = r"""
notes: notes.md
exercises:
  - id: t/1
    claims:
      - {id: before, line: 1, latex: 'x + x = 2x'}
      - {id: bad, line: 2, latex: 'x \cdot x = x^2'}
      - {id: after, line: 3, latex: '3x - x = 2x'}
  - id: t/2
    claims:
      - {id: other, line: 4, latex: '(x+1)^2 = x^2 + 2x + 1'}
"""


@pytest.fixture
def exercises(tmp_path: Path):
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_file(path)


def _plant(monkeypatch: pytest.MonkeyPatch, misbehave) -> None:
    """Claims named `bad` run `misbehave(ex, claim, timeout)` instead of being checked."""
    real = runner.check_one

    def check_one(ex, claim, decls, **kw):
        if claim.id == "bad":
            return misbehave(ex, claim, kw["timeout"])
        return real(ex, claim, decls, **kw)

    monkeypatch.setattr(runner, "check_one", check_one)


def _verdicts(report) -> dict[str, tuple[str, str]]:
    return {r.claim: (r.verdict.value, r.message) for r in report.results}


def _stuck_in_c(ex, claim, timeout):
    with time_limit(timeout):   # the in-process alarm, as check_one sets it: it cannot fire inside C
        hashlib.pbkdf2_hmac("sha256", b"derivcheck", b"salt", 10**9)
    raise AssertionError("never reached")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_claim_stuck_in_c_code_is_stopped_and_the_run_goes_on(exercises, monkeypatch, jobs):
    _plant(monkeypatch, _stuck_in_c)
    start = time.monotonic()
    report = run_suite(exercises, RunOptions(timeout=1, jobs=jobs))
    assert time.monotonic() - start < 30   # the C loop alone would run for many minutes
    got = _verdicts(report)
    assert got["bad"] == ("unverified", "time budget of 1 s ran out")
    # The claims after it in the same exercise run in a fresh worker; the other exercise is untouched.
    assert got["before"][0] == got["after"][0] == got["other"][0] == "correct"
    assert [r.claim for r in report.results] == ["before", "bad", "after", "other"]   # suite order


def test_results_with_a_stopped_claim_do_not_depend_on_the_job_count(exercises, monkeypatch):
    _plant(monkeypatch, _stuck_in_c)
    one = run_suite(exercises, RunOptions(timeout=1, jobs=1))
    two = run_suite(exercises, RunOptions(timeout=1, jobs=3))
    assert [r.to_dict() for r in one.results] == [r.to_dict() for r in two.results]


def _leak(ex, claim, timeout):
    hoard = []
    while True:
        hoard.append(bytearray(20 * 2**20))   # zero-filled: resident at once


def test_a_claim_that_eats_memory_is_stopped_at_the_cap(exercises, monkeypatch):
    _plant(monkeypatch, _leak)
    start = time.monotonic()
    report = run_suite(exercises, RunOptions(timeout=30, memory_mb=400))
    assert time.monotonic() - start < 60
    got = _verdicts(report)
    assert got["bad"][0] == "unverified" and "memory limit of 400 MB" in got["bad"][1]
    assert got["after"][0] == got["other"][0] == "correct"


def _segfault(ex, claim, timeout):
    faulthandler.disable()   # pytest turns it on; the worker inherits it and would print a traceback
    os.kill(os.getpid(), signal.SIGSEGV)


def test_a_worker_that_dies_costs_only_its_claim(exercises, monkeypatch):
    _plant(monkeypatch, _segfault)
    got = _verdicts(run_suite(exercises, RunOptions(timeout=5)))
    assert got["bad"] == ("unverified", f"the checking process died (signal {int(signal.SIGSEGV)})")
    assert got["before"][0] == got["after"][0] == got["other"][0] == "correct"


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_budget_that_surfaces_as_another_error_is_still_the_budget(exercises, monkeypatch):
    # The alarm can fire inside SymPy's hashing and come out as a SystemError, or be caught by a reader and
    # come out as `unparsed` or a spec error: once the claim's CPU budget is spent, it is the budget.
    def odd_exit(ex, claim, timeout):
        _burn(timeout * 1.05)
        raise SystemError("Basic.__hash__ returned a result with an exception set")

    _plant(monkeypatch, odd_exit)
    assert _verdicts(run_suite(exercises, RunOptions(timeout=0.5)))["bad"] == \
        ("unverified", "time budget of 0.5 s ran out")

    def unparsed_late(ex, claim, timeout):
        _burn(timeout * 1.05)
        return result_for(ex, claim, Verdict.UNPARSED, "unexpected token")

    _plant(monkeypatch, unparsed_late)
    assert _verdicts(run_suite(exercises, RunOptions(timeout=0.5)))["bad"] == \
        ("unverified", "time budget of 0.5 s ran out")

    def spec_error_late(ex, claim, timeout):
        _burn(timeout * 1.05)
        raise SpecError(ex.spec_file, claim.spec_line, "undefined name")

    _plant(monkeypatch, spec_error_late)
    assert _verdicts(run_suite(exercises, RunOptions(timeout=0.5)))["bad"] == \
        ("unverified", "time budget of 0.5 s ran out")


def test_a_quick_internal_error_is_reported_not_raised(exercises, monkeypatch):
    def broken(ex, claim, timeout):
        raise AttributeError("'str' object has no attribute 'args'")

    _plant(monkeypatch, broken)
    got = _verdicts(run_suite(exercises, RunOptions(timeout=5)))
    assert got["bad"][0] == "unverified" and "internal error (AttributeError" in got["bad"][1]
    assert got["after"][0] == "correct"


def test_a_spec_error_in_a_claim_still_stops_the_run(exercises, monkeypatch):
    def spec_error(ex, claim, timeout):
        raise SpecError(ex.spec_file, claim.spec_line, "undefined name Q in expect")

    _plant(monkeypatch, spec_error)
    with pytest.raises(SpecError, match="undefined name Q"):
        run_suite(exercises, RunOptions(timeout=5, jobs=2))


def test_without_proc_the_kernel_backstop_still_ends_a_stuck_claim(exercises, monkeypatch):
    # A system without /proc: the parent cannot read CPU time, RLIMIT_CPU set in the worker ends it (SIGXCPU).
    monkeypatch.setattr(workers, "_usage", lambda pid: None)
    _plant(monkeypatch, _stuck_in_c)
    start = time.monotonic()
    got = _verdicts(run_suite(exercises, RunOptions(timeout=1)))
    assert time.monotonic() - start < 30
    assert got["bad"] == ("unverified", "time budget of 1 s ran out")
    assert got["after"][0] == got["other"][0] == "correct"

"""A warm re-run of an unchanged suite does no symbolic work; any change to the spec misses."""

from pathlib import Path

import verify.run.runner as runner
from verify.claims.registry import load_suite
from verify.run.fingerprint import fingerprinted_files
from verify.run.runner import RunOptions, run_suite

ROOT = Path(__file__).resolve().parents[2]


def test_warm_run_uses_cache_and_changes_miss(tmp_path, monkeypatch):
    exercises = load_suite([ROOT / "exercises" / "udl" / "ch2.yaml"])
    opts = RunOptions(seed=1, cache_dir=tmp_path / "cache")
    cold = run_suite(exercises, opts)

    def boom(*args):
        raise AssertionError("symbolic work on a warm run")

    monkeypatch.setattr(runner, "_check_claim", boom)
    warm = run_suite(exercises, opts)
    assert [r.to_dict() for r in warm.results] == [r.to_dict() for r in cold.results]

    exercises[0].claims[0].latex += " + 0"
    try:
        run_suite(exercises, opts)
    except AssertionError as exc:
        assert "warm run" in str(exc)
    else:
        raise AssertionError("a changed claim must miss the cache")
    # A different seed is a different key too.
    monkeypatch.setattr(runner, "_check_claim", boom)
    try:
        run_suite(exercises[1:], RunOptions(seed=2, cache_dir=tmp_path / "cache"))
    except AssertionError:
        pass
    else:
        raise AssertionError("a different seed must miss the cache")


def test_the_key_covers_the_code_of_every_stage() -> None:
    """A change to any module or grammar invalidates cached results (the code lives in stage folders)."""
    names = {f.relative_to(ROOT).as_posix() for f in fingerprinted_files()}
    for expected in ("derive/parse/latex.lark", "derive/lower/lowerer.py", "verify/compare/engine.py",
                     "verify/claims/registry.py", "derive/recipes/interpreter.py"):
        assert expected in names

"""Loading specs: kinds validated against the registry, statuses, from_claim references resolved at load."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from derive.parse.latex import LatexParseError
from derive.spec.errors import SpecError
from verify.claims.registry import KINDS, load_file

ROOT = Path(__file__).resolve().parents[2]


def _spec(tmp_path: Path, claims: str, extra: str = "") -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text("exercises:\n  - id: t/1\n    symbols: {x: real}\n" + extra + "    claims:\n" + claims,
                    encoding="utf-8")
    return path


def test_misspelled_kind_names_its_line_and_suggests_the_kind(tmp_path: Path) -> None:
    path = _spec(tmp_path, "      - id: a\n        kind: shpae\n        latex: 'x'\n")
    with pytest.raises(SpecError) as err:
        load_file(path)
    assert err.value.line == 6
    assert "unknown claim kind 'shpae'" in str(err.value) and "did you mean 'shape'?" in str(err.value)


def test_misspelled_kind_exits_2_with_one_line(tmp_path: Path) -> None:
    path = _spec(tmp_path, "      - id: a\n        kind: idnex\n        latex: 'x'\n")
    run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", str(path)], capture_output=True,
                         text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0
    assert f"{path}:6:" in run.stderr and "did you mean 'index'?" in run.stderr


def test_unknown_status_and_unknown_key_suggest(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="unknown status 'unfinshed'.*'unfinished'"):
        load_file(_spec(tmp_path, "      - id: a\n        status: unfinshed\n        latex: 'x'\n"))
    with pytest.raises(SpecError, match="unknown claim key 'expcet'.*'expect'"):
        load_file(_spec(tmp_path, "      - id: a\n        expcet: 'x'\n        latex: 'x'\n"))


def test_code_key_means_kind_code_and_clashes_with_another_kind(tmp_path: Path) -> None:
    code = "        code: 'Z = A + 1'\n        inputs: {A: [n]}\n        outputs: {Z: 'A + 1'}\n"
    (ex,) = load_file(_spec(tmp_path, "      - id: a\n" + code + "        latex: 'x'\n"))
    assert ex.claims[0].kind == "code" and ex.claims[0].data is not None   # the kernel is read at load
    with pytest.raises(SpecError, match="is kind code, not shape"):
        load_file(_spec(tmp_path, "      - id: a\n" + code + "        kind: shape\n        latex: 'x'\n"))


def test_every_registered_kind_is_accepted(tmp_path: Path) -> None:
    plain = [name for name in KINDS if name not in ("regions", "code")]   # those two declare data (tests/claims)
    claims = "".join(f"      - id: c{k}\n        kind: {name}\n        latex: 'x'\n" for k, name in enumerate(plain))
    (ex,) = load_file(_spec(tmp_path, claims))
    assert [c.kind for c in ex.claims] == plain
    with pytest.raises(SpecError, match="network"):
        load_file(_spec(tmp_path, "      - id: r\n        kind: regions\n        latex: 'x'\n"))


def test_from_claim_targets_are_resolved_at_load(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "exercises:\n"
        "  - id: t/1\n    claims:\n      - {id: a, latex: '0.5', expect: '1/2'}\n"
        "  - id: t/2\n    claims:\n      - {id: b, latex: '1.5', expect: 'v + 1', from_claim: {v: 't/1#a'}}\n"
        "  - id: t/3\n    claims:\n      - {id: c, latex: '2.5', expect: 'w + 1', from_claim: {w: 't/2#b'}}\n",
        encoding="utf-8")
    _, _, third = load_file(path)
    # t/3 needs t/2 and, through it, t/1: both travel with it (to workers and into the cache key)
    assert sorted(ex.id for ex in third.references) == ["t/1", "t/2"]
    ref = third.claims[0].from_claim["w"]
    ex, claim = third.find(ref)
    assert (ex.id, claim.id) == ("t/2", "b")


@pytest.mark.parametrize("target, message", [("t/9#a", "no exercise t/9"), ("t/1#zz", "no claim t/1#zz")])
def test_from_claim_to_nothing_is_a_spec_error_at_its_line(tmp_path: Path, target: str, message: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("exercises:\n  - id: t/1\n    claims:\n      - {id: a, latex: '0.5', expect: '1/2'}\n"
                    f"      - {{id: b, latex: '1.5', expect: 'v + 1', from_claim: {{v: '{target}'}}}}\n",
                    encoding="utf-8")
    with pytest.raises(SpecError, match=message) as err:
        load_file(path)
    assert err.value.line == 5


def test_from_claim_references_in_a_circle_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "exercises:\n"
        "  - id: t/1\n    claims:\n      - {id: a, latex: '0.5', expect: 'w', from_claim: {w: 't/2#b'}}\n"
        "  - id: t/2\n    claims:\n      - {id: b, latex: '1.5', expect: 'v', from_claim: {v: 't/1#a'}}\n",
        encoding="utf-8")
    with pytest.raises(SpecError, match="in a circle"):
        load_file(path)


def test_claim_formula_is_parsed_once_and_not_shipped_to_workers(tmp_path: Path) -> None:
    (ex,) = load_file(_spec(tmp_path, "      - id: a\n        latex: 'x^2 = x \\cdot x'\n"
                                      "      - id: b\n        latex: '\\frac{'\n"))
    good, bad = ex.claims
    assert good.formula is good.formula   # one parse, kept
    assert isinstance(bad.parsed(), LatexParseError)
    clone = pickle.loads(pickle.dumps(good))
    assert "formula" not in vars(clone) and clone.formula.statements


def test_definitions_are_read_with_their_lines_and_bad_ones_are_spec_errors(tmp_path: Path) -> None:
    claim = "      - {id: a, latex: 'x', expect: 'x'}\n"
    ex = load_file(_spec(tmp_path, claim, "    definitions:\n      - {line: 4, latex: 'y = x^2'}\n"))[0]
    assert [(d.line, d.latex, d.spec_line) for d in ex.definitions] == [(4, "y = x^2", 5)]
    for extra, message in [("    definitions: {line: 4}\n", "must be a list"),
                           ("    definitions:\n      - {latex: 'y = x'}\n", "definition without line"),
                           ("    definitions:\n      - {line: 0, latex: 'y = x'}\n", "positive integer"),
                           ("    definitions:\n      - {line: 4, latex: 'y', expect: 'x'}\n",
                            "unknown definition key 'expect'")]:
        with pytest.raises(SpecError, match=message):
            load_file(_spec(tmp_path, claim, extra))

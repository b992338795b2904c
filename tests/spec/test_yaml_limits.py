"""Hostile YAML: aliases of aliases ("billion laughs"), alias cycles and deep nesting are SpecErrors at once."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derive.spec.errors import SpecError
from derive.spec.yaml_lines import MAX_ALIAS_NODES, MAX_YAML_DEPTH, load_yaml
from verify.claims.registry import load_file

ROOT = Path(__file__).resolve().parents[2]


def billion_laughs(levels: int = 12) -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for k in range(1, levels):
        prev, cur = chr(ord("a") + k - 1), chr(ord("a") + k)
        lines.append(f"{cur}: &{cur} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]")
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_billion_laughs_is_refused_quickly_and_small(tmp_path: Path) -> None:
    text = billion_laughs()
    assert len(text.encode()) < 1200   # 1 KB that would expand to 9^12 strings
    path = _write(tmp_path, text)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    with pytest.raises(SpecError, match=f"aliases expand to more than {MAX_ALIAS_NODES} nodes") as err:
        load_yaml(path)
    assert time.process_time() - start < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000   # KiB: well under 100 MB
    assert str(err.value).startswith(f"{path}:")


def test_billion_laughs_in_a_spec_exits_2_with_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, billion_laughs() + "exercises: []\n")
    run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", str(path)], capture_output=True,
                         text=True, cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and f"{path}:" in run.stderr and "aliases expand" in run.stderr


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &a {b: *a}\n", "a: &a {b: [1, {c: *a}]}\n"])
def test_an_alias_inside_the_node_it_names_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(SpecError, match="cycle"):
        load_yaml(_write(tmp_path, text))


@pytest.mark.parametrize("text", ["x: " + "[" * 5000 + "]" * 5000 + "\n",
                                  "x: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
                                  "x: " + "[" * (MAX_YAML_DEPTH + 5) + "]" * (MAX_YAML_DEPTH + 5) + "\n"])
def test_deep_nesting_is_a_spec_error_not_a_recursion_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(SpecError, match=f"nested deeper than {MAX_YAML_DEPTH}"):
        load_yaml(_write(tmp_path, text))


def test_aliases_used_as_specs_use_them_still_expand_into_copies(tmp_path: Path) -> None:
    path = _write(tmp_path, "base: &b {weights: [[1, 2]], bias: [0]}\n"
                            "one: *b\n"
                            "two: {net: *b, names: &n [h1, h2]}\n"
                            "three: *n\n")
    data = load_yaml(path)
    assert data["one"] == data["base"] == data["two"]["net"] and data["three"] == ["h1", "h2"]
    assert data["one"] is not data["base"]   # each place owns its data
    assert data["one"].line_of("bias") == 1


def test_the_bundled_spec_that_uses_aliases_loads() -> None:
    exercises = load_file(ROOT / "exercises" / "rangan" / "nn.yaml")
    claims = [c for ex in exercises for c in ex.claims]
    shared = [c.expect for c in claims if isinstance(c.expect, list) and any("size N = 4" in str(e)
                                                                             for e in c.expect)]
    assert len(shared) >= 2 and all(e == shared[0] for e in shared)

"""Property: the spec loader answers any file with exercises or one `file:line: message` SpecError, quickly.

The same property as the spec inputs of benchmarks/fuzz.py, with a modest example count for CI.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.spec.errors import SpecError
from verify.claims.registry import load_file

FORMULAS = [r"\frac12 x", r"x^2 + y", r"\sin(x = 1)", r"\frac{\partial L}{\partial w}", "(" * 200 + "x" + ")" * 200,
            r"\begin{cases} 1 & x > 0 \end{cases}", "x \\leq", "", "=", r"\sqrt2"]
VOCABULARY = ["formula", "shape", "numeric", "bound", "fromula", "unfinished", "unfinshed", "real", "positive",
              "sigmoid", "relu", "diff(L, x)", "diff(L, zz)", "grad(L, [w])", "t/1", "t/1#a", "numerator", "x"]
KEYS = ["id", "latex", "expect", "kind", "status", "symbols", "given", "functions", "from_claim", "labels",
        "layout", "reason", "claims", "notes", "exercises", "network", "x", "L", "f[x]"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=8), st.sampled_from(VOCABULARY + FORMULAS))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                      max_leaves=12)
claims = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c"]), "latex": st.sampled_from(FORMULAS)},
    optional={"expect": st.one_of(st.sampled_from(VOCABULARY + FORMULAS), values),
              "kind": st.sampled_from(VOCABULARY), "status": st.sampled_from(VOCABULARY),
              "symbols": st.one_of(st.just({"x": "real"}), values), "given": st.one_of(st.just({"L": "x^2"}), values),
              "from_claim": st.one_of(st.just({"y": "t/1#a"}), values), "reason": scalars})
exercises = st.fixed_dictionaries(
    {"id": st.sampled_from(["t/1", "t/2", "bad id"]), "claims": st.lists(claims, max_size=3)},
    optional={"symbols": values, "given": values, "functions": values, "labels": values, "layout": scalars})
documents = st.one_of(
    st.builds(lambda ex: {"notes": "n.md", "exercises": ex}, st.lists(exercises, max_size=2)),
    values,
)


def _dump(doc: object) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()


files = st.one_of(
    documents.map(_dump),
    st.builds(lambda data, k: data[:k], documents.map(_dump), st.integers(0, 300)),   # cut off anywhere
    st.binary(max_size=120),
    st.builds(lambda levels: ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join([f'*{chr(97 + k)}'] * 9)}]\n" for k in range(levels))).encode(),
        st.integers(1, 10)),
)


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files)
def test_the_loader_answers_every_file_with_exercises_or_a_spec_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.yaml"
        path.write_bytes(data)
        start = time.process_time()
        try:
            loaded = load_file(path)
        except SpecError as exc:
            assert str(exc).startswith(f"{path}:") and "\n" not in str(exc)
        else:
            assert isinstance(loaded, list)
        assert time.process_time() - start < 2.0


def test_a_control_character_is_one_line_at_its_line(tmp_path: Path) -> None:
    for data, line in ((b"\x00", 1), (b"exercises:\n  - id: a\x01\n", 2)):
        spec = tmp_path / "spec.yaml"
        spec.write_bytes(data)
        try:
            load_file(spec)
        except SpecError as exc:
            assert str(exc).startswith(f"{spec}:{line}: broken YAML: character #x000") and "\n" not in str(exc)
        else:
            raise AssertionError("a control character must be a spec error")

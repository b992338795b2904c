"""Region claims: the network, its names and the notes' spellings are declared in the spec.

The fixture notes (tests/fixtures/notes/step-net.md) write a step network with input t, hidden
pre-activations a_j (z_j in its table), hidden outputs v_j = g(a_j), output pre-activation s and
prediction \\hat{y} = g(s): names no bundled notes file uses, declared by tests/claims/step_net.yaml.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from derive.lower.definitions import build_declarations
from derive.spec.errors import SpecError
from verify.claims.regions import check_region_claim
from verify.claims.registry import load_file

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "claims" / "step_net.yaml"
NOTES = ROOT / "tests" / "fixtures" / "notes"
CLI = ROOT / "cli.py"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    out = _cli("verify", str(SPEC), "--notes-dir", str(NOTES), "--select", "steps/net", "--no-cache",
               "--format", "json")
    assert out.returncode in (0, 1), out.stderr
    return {r["claim"]: r for r in json.loads(out.stdout)["results"]}


def _check(spec: Path, claim_id: str):
    (ex,) = load_file(spec)[:1]
    claim = next(c for c in ex.claims if c.id == claim_id)
    return check_region_claim(ex, claim, build_declarations(ex))


@pytest.mark.parametrize("claim", ["hidden-pre", "hidden-units", "prediction", "table-v1", "table-z2", "table-s"])
def test_right_claims_about_the_declared_network(results, claim):
    assert results[claim]["verdict"] == "correct", results[claim]["message"]


def test_wrong_formula_names_the_boundary_point(results):
    r = results["output-pre"]
    assert r["verdict"] == "wrong"
    assert r["message"] == "operand 2: disagrees with the network on t = 2: claim gives -1/2, network gives 1/2"
    assert (r["file"], r["line"]) == ("step-net.md", 18)


def test_wrong_table_row_names_the_quantity_its_values_belong_to(results):
    r = results["table-v2"]
    assert r["verdict"] == "wrong"
    assert "v_2 = g(a_1) fails at t = 0: v_2 is 1, g(a_1) is 0" in r["message"], r["message"]
    assert "the values are those of g(a_1)" in r["message"]


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    assert old in text
    spec = tmp_path / "s.yaml"
    spec.write_text(text.replace(old, new), encoding="utf-8")
    return spec


def test_the_declared_alias_is_what_reads_the_notes_spelling(tmp_path):
    spec = _variant(tmp_path, "          aliases: {z: a}", "")
    v = _check(spec, "table-z2")
    assert v.verdict == "unparsed" and "z_{2} is not a quantity of this network" in v.message, v.message


def test_a_declared_name_the_table_reader_cannot_read_is_named(tmp_path):
    spec = _variant(tmp_path, "names: {pre: a, post: v, units: m, function: g}",
                    "names: {pre: a, post: 'v^{(1)}', units: m, function: g}")
    v = _check(spec, "table-v1")
    assert v.verdict == "unparsed" and "cannot read the declared v^{(1)}" in v.message, v.message


def test_the_declared_activation_and_its_name_decide_table_rows(tmp_path):
    relu = "              activation: relu\n              names: {pre: a, post: v, units: m, function: f}"
    spec = _variant(tmp_path, "              activation: threshold\n              names: {pre: a, post: v, units: m, function: g}",
                    relu)
    v = _check(spec, "table-v1")   # v_1 = relu(t - 1) = 0, 1/2, 2 now, and g is the output's step only
    assert v.verdict == "wrong" and "value 1 at t = 3/2: v_1 is 1/2" in v.message, v.message
    spec = _variant(tmp_path, "              activation: threshold\n              names: {pre: a",
                    "              activation: relu\n              names: {pre: a")
    with pytest.raises(SpecError, match="the function 'g' is declared with two activations"):
        load_file(spec)


def test_expect_selects_among_the_declared_quantities(tmp_path):
    spec = _variant(tmp_path, "        expect: a\n", "        expect: v\n")
    v = _check(spec, "hidden-pre")   # t - 1 is a, not v = g(a)
    assert v.verdict == "wrong" and "operand 2" in v.message, v.message
    spec = _variant(tmp_path, "latex: 'm = 2'", "latex: 'm = 3'")
    v = _check(spec, "hidden-units")
    assert v.verdict == "wrong" and "claim gives 3, network gives 2" in v.message, v.message


TWO_D = """notes: n.md
exercises:
  - id: t/2d
    labels: [H, O]
    claims:
      - id: c
        line: 1
        kind: regions
        latex: '{latex}'
        network:
          input: x
          layers:
            - {{weights: [[1, 0], [0, 1], [1, 1]], bias: [0, 0, -1], activation: threshold,
               names: {{pre: 'z^{{H}}', post: 'u^{{H}}'}}}}
            - {{weights: [[1, 1, -1]], bias: -1.5, activation: threshold, names: {{pre: 'z^{{O}}', post: '\\hat{{y}}'}}}}
          aliases: {{'^{{0}}': '^{{O}}'}}
{extra}
"""


def _two_d(tmp_path: Path, latex: str, extra: str = "") -> Path:
    spec = tmp_path / "two_d.yaml"
    spec.write_text(TWO_D.format(latex=latex, extra=extra), encoding="utf-8")
    return spec


def test_two_inputs_and_a_boundary_that_is_included_or_not(tmp_path):
    ok = r"\begin{cases} 1 & \text{if } x_1 \ge 0, x_2 \ge 0, x_1 + x_2 < 1 \\ 0 & \text{else} \end{cases}"
    assert _check(_two_d(tmp_path, ok), "c").verdict == "correct"
    v = _check(_two_d(tmp_path, ok.replace("x_1 + x_2 < 1", "x_1 + x_2 \\le 1")), "c")
    assert v.verdict == "wrong" and "points with x_1 in" in v.message, v.message


def test_statement_inside_a_declared_region(tmp_path):
    where = "        where: 'x_1 \\ge 0, x_2 \\ge 0, x_1 + x_2 < 1'"
    assert _check(_two_d(tmp_path, "z^{0} = 0.5", where), "c").verdict == "correct"
    v = _check(_two_d(tmp_path, "z^{0} = 0.5", where.replace("< 1", "\\le 1")), "c")
    assert v.verdict == "wrong" and "fails at (x_1, x_2) = " in v.message, v.message


def test_statement_at_given_inputs_with_named_data(tmp_path):
    extra = "        at: [[0, 0], [1, 1], [0.25, 0.25]]\n        data: {{r: [1, 0, 1]}}"
    assert _check(_two_d(tmp_path, r"\hat{y}_i = r_i", extra.format()), "c").verdict == "correct"
    v = _check(_two_d(tmp_path, r"\hat{y}_i = r_i", extra.format().replace("[1, 0, 1]", "[1, 1, 1]")), "c")
    assert v.verdict == "wrong" and "(x_1, x_2) = (1, 1)" in v.message, v.message


# ---------------------------------------------------------------- malformed declarations: file:line at load
@pytest.mark.parametrize("old, new, line, message", [
    ("bias: [-1, 2]", "bias: [-1, 2, 3]", 16, "bias: 3 entries for 2 units"),
    ("weights: [[1, 1]]", "weights: [[1, 1, 1]]", 19, "the layer before has 2 units"),
    ("weights: [[1], [-1]]", "weights: [[1], ['__import__(\"os\")']]", 15, "weights must be a number"),
    ("activation: threshold\n              names: {pre: a", "activation: step\n              names: {pre: a",
     17, "activation must be one of threshold, relu, identity"),
    ("        expect: a\n", "        expect: 'z'\n", 24, "'z' is not a quantity the network declares"),
    ("at: &columns [0, 1.5, 3]", "at: &columns [[0, 1], [1, 2], [3, 4]]", 47,
     "each input has 1 component(s)"),
    ("          input: t\n", "          input: t_1\n", 13, "input must be one letter"),
    ("names: {pre: s, post: '\\hat{y}', function: g}", "names: {pre: s, post: a, function: g}", 14,
     "the name 'a' is declared twice"),
    ("        network: *net\n        expect: s\n", "        expect: s\n", 36, "needs `network:`"),
])
def test_malformed_network_is_a_spec_error_with_its_line(tmp_path, old, new, line, message):
    spec = _variant(tmp_path, old, new)
    with pytest.raises(SpecError) as err:
        load_file(spec)
    assert err.value.line == line and message in err.value.message, str(err.value)


def test_region_keys_on_another_kind_and_data_without_inputs(tmp_path):
    spec = _variant(tmp_path, "        kind: regions\n        latex: '$v_1", "        latex: '$v_1")
    with pytest.raises(SpecError, match="`network:` belongs to a `kind: regions` claim"):
        load_file(spec)
    spec = _variant(tmp_path, "        at: *columns\n      - id: table-s", "        data: {y: [1, 2, 3]}\n      - id: table-s")
    with pytest.raises(SpecError, match="data needs `at:`"):
        load_file(spec)


def test_malformed_network_exits_2_with_one_line(tmp_path):
    spec = _variant(tmp_path, "bias: [-1, 2]", "bias: [-1, 2, 3]")
    out = _cli("verify", str(spec), "--notes-dir", str(NOTES), "--no-cache")
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert f"{spec}:16: bias: 3 entries for 2 units" in out.stderr


def test_region_modules_import_downward_only():
    """The formula checker uses the table checker; the shared helpers sit below both (no cycle)."""
    def imports(name: str) -> set[str]:
        tree = ast.parse((ROOT / "verify" / "claims" / f"{name}.py").read_text(encoding="utf-8"))
        return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}

    assert "verify.claims.regions" not in imports("region_tables")
    assert not {"verify.claims.regions", "verify.claims.region_tables"} & imports("network_values")


def test_an_inequality_statement_in_a_region(tmp_path):
    where = "        where: 'x_1 < 0'"   # left of the triangle: z^O is -1/2 or -3/2 there
    assert _check(_two_d(tmp_path, "z^{0} < 0", where), "c").verdict == "correct"
    assert _check(_two_d(tmp_path, "z^{0} \\le -0.5", where), "c").verdict == "correct"
    v = _check(_two_d(tmp_path, "z^{0} \\ge -0.5", where), "c")
    assert v.verdict == "wrong" and "z^{0} \\ge -0.5 fails at (x_1, x_2) = " in v.message, v.message
    assert "z^{0} is -3/2" in v.message, v.message
    rows = _check(_two_d(tmp_path, "$z^{0} < 0$ -1.5 -0.5", where + "\n        at: [[-1, 0], [-1, 2]]"), "c")
    assert rows.verdict == "unverified" and "needs an equation" in rows.message, rows.message

"""Readings of garbled data (verify/claims/garbled.py) on a small worked example written for these tests.

The example: a 2-3-1 network, ReLU hidden layer, sigmoid output, binary cross-entropy with y = 1, one input
x = (1.0, 2.0). With W1 = [[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]], b1 = [0.1, 0.0, -0.2], W2 = [[0.3, -0.2, 0.5]]
and b2 = 0.05 (worked by hand): z1 = (0.1, 1.0, 0.5) = h1, z2 = 0.13, yhat = sigmoid(0.13) = 0.5325,
L = -log(0.5325) = 0.6303, delta1 = (yhat - 1) W2^T = (-0.1403, 0.0935, -0.2338). Each test prints the data
garbled in one way and checks what the claims become.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from verify.claims import garbled
from verify.claims.registry import load_file
from verify.result import ClaimResult, Verdict
from verify.run.check import check_exercise

CLAIMS = r"""
    claims:
      - id: z1
        latex: '\mathbf{z}_1 = \begin{pmatrix} 0.1 \\ 1.0 \\ 0.5 \end{pmatrix}'
        expect: 'mlp(W1, b1, W2, b2, X).z1'
      - id: yhat
        latex: '\hat{y} = \sigma(0.13) \approx 0.5325'
        expect: 'mlp(W1, b1, W2, b2, X).yhat'
      - id: loss
        latex: '\mathcal{L} = -\log(0.5325) \approx %(loss)s'
        expect: 'mlp(W1, b1, W2, b2, X, loss=bce, y=1).loss'
      - id: delta1
        latex: '\boldsymbol{\delta}_1 = \begin{pmatrix} -0.1403 \\ 0.0935 \\ -0.2338 \end{pmatrix}'
        expect: 'mlp(W1, b1, W2, b2, X, loss=bce, y=1).delta1'
"""

DATA = {
    "W1": "[[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]]",
    "b1": "[0.1, 0.0, -0.2]",
    "W2": "[[0.3, -0.2, 0.5]]",
    "b2": "0.05",
    "X": "[[1.0, 2.0]]",
}


def check(tmp_path: Path, ex_id: str, claims: str = CLAIMS, loss: str = "0.6303", **garbles: str
          ) -> dict[str, ClaimResult]:
    """The example with some givens printed as `garbles` says; `loss` is the printed loss (0.6303 is right)."""
    given = "".join(f"      {k}: {garbles.get(k, v)}\n" for k, v in DATA.items())
    body = f"  - id: {ex_id}\n    title: t\n    given:\n{given}" + claims % {"loss": loss}
    path = tmp_path / "spec.yaml"
    path.write_text("notes: n.md\nexercises:\n" + textwrap.dedent(body), encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r for r in check_exercise(ex)}


def test_the_example_itself_is_correct(tmp_path):
    res = check(tmp_path, "g/clean")
    assert {k: r.verdict for k, r in res.items()} == dict.fromkeys(res, Verdict.CORRECT)


def test_a_moved_entry_is_found_named_and_a_slip_under_it_is_wrong(tmp_path):
    # 0.4 printed at the end of row 1 instead of the start of row 2; the printed loss 0.6203 is a planted slip.
    res = check(tmp_path, "g/moved", loss="0.6203", W1="[[0.2, -0.1, 0.4], [0.3], [-0.5, 0.6]]")
    anchor = res["z1"]
    assert anchor.verdict is Verdict.ILL_POSED
    assert anchor.message == (
        "given W1 is malformed (ragged matrix: rows with 3, 1, 2 entries); read as "
        "W1 = [[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]] (moving 0.4 from row 1 to entry 1 of row 2), the printed "
        "values 0.1, 1.0, 0.5 are reproduced, and the later claims are checked under this reading")
    reading = "under the reading W1 = [[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]] (moving 0.4 from row 1 to entry 1 of row 2): "
    assert res["yhat"].verdict is Verdict.CORRECT and res["yhat"].message.startswith(reading)
    assert res["delta1"].verdict is Verdict.CORRECT
    slip = res["loss"]
    assert slip.verdict is Verdict.WRONG
    assert slip.message.startswith(reading) and "claimed 0.6203" in slip.message and "derived 0.63" in slip.message


def test_the_reading_is_the_one_the_printed_values_select(tmp_path):
    # The same garble with 0.3 and 0.4 swapped in row 2 is the other reading of the move; the printed z1 = 1.0
    # (0.4 + 2 * 0.3) rules it out, whereas z1 = 1.1 (0.3 + 2 * 0.4) selects it and makes the rest wrong.
    claims = CLAIMS.replace(r"0.1 \\ 1.0 \\ 0.5", r"0.1 \\ 1.1 \\ 0.5")
    res = check(tmp_path, "g/other", claims=claims, W1="[[0.2, -0.1, 0.4], [0.3], [-0.5, 0.6]]")
    assert "W1 = [[0.2, -0.1], [0.3, 0.4], [-0.5, 0.6]] (moving 0.4 from row 1 to entry 2 of row 2)" in res["z1"].message
    assert res["yhat"].verdict is Verdict.WRONG


def test_two_numbers_run_together_are_split(tmp_path):
    res = check(tmp_path, "g/split", X="[[1.02.0]]")
    assert res["z1"].verdict is Verdict.ILL_POSED
    assert res["z1"].message.startswith("given X is malformed (entry 1.02.0 is two numbers run together); read as "
                                        "X = [[1.0, 2.0]] (reading 1.02.0 as the two numbers 1.0, 2.0)")
    assert res["yhat"].verdict is Verdict.CORRECT
    assert res["yhat"].message.startswith("under the reading X = [[1.0, 2.0]]")


def test_a_run_together_number_is_malformed_not_a_product(tmp_path):
    # Read as LaTeX, `1.02.0` would be 1.02 times .0; without a reading it stays ill-posed, as any malformed given.
    claims = CLAIMS.replace(r"0.1 \\ 1.0 \\ 0.5", r"0.3 \\ 1.0 \\ 0.5")
    res = check(tmp_path, "g/split-none", claims=claims, X="[[1.02.0]]")
    assert {r.verdict for r in res.values()} == {Verdict.ILL_POSED}
    assert res["yhat"].message == "given X is malformed (entry 1.02.0 is two numbers run together)"


def test_a_missing_entry_of_a_well_formed_vector(tmp_path):
    res = check(tmp_path, "g/short", b1="[0.1, -0.2]")
    assert res["z1"].verdict is Verdict.ILL_POSED
    assert "read as b1 = [0.1, 0, -0.2] (inserting 0 as entry 2)" in res["z1"].message
    assert [res[k].verdict for k in ("yhat", "loss", "delta1")] == [Verdict.CORRECT] * 3


def test_a_transposed_matrix(tmp_path):
    res = check(tmp_path, "g/transposed", W1="[[0.2, 0.4, -0.5], [-0.1, 0.3, 0.6]]")
    assert "read as W1 = [[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]] (transposed)" in res["z1"].message
    assert res["delta1"].verdict is Verdict.CORRECT


AMBIGUOUS = {
    # Hidden units 1 and 2 both come out 0.5, so the output cannot tell W2's first two entries apart.
    "W1": "[[0.2, 0.1], [0.1, 0.15], [0.3, -0.1]]",
    "b1": "[0.1, 0.1, 0.0]",
    "W2": "[[0.3], [-0.2, 0.5]]",
}
AMBIGUOUS_CLAIMS = r"""
    claims:
      - id: yhat
        latex: '\hat{y} \approx 0.5374'
        expect: 'mlp(W1, b1, W2, b2, X).yhat'
      - id: loss
        latex: '\mathcal{L} \approx 0.6210'
        expect: 'mlp(W1, b1, W2, b2, X, loss=bce, y=1).loss'
      - id: dW2
        latex: '\frac{\partial L}{\partial W_2} \approx \begin{pmatrix} -0.2313 & -0.2313 & -0.0463 \end{pmatrix}'
        expect: 'mlp(W1, b1, W2, b2, X, loss=bce, y=1).dW2'
      - id: delta1
        latex: '\boldsymbol{\delta}_1 \approx \begin{pmatrix} -0.1388 \\ 0.0925 \\ -0.2313 \end{pmatrix}'
        expect: 'mlp(W1, b1, W2, b2, X, loss=bce, y=1).delta1'
"""


def test_readings_that_disagree_leave_the_claim_unverified(tmp_path):
    res = check(tmp_path, "g/ambiguous", claims=AMBIGUOUS_CLAIMS, **AMBIGUOUS)
    first = "W2 = [[0.3, -0.2, 0.5]] (moving 0.3 from row 1 to entry 1 of row 2)"
    second = "W2 = [[-0.2, 0.3, 0.5]] (moving 0.3 from row 1 to entry 2 of row 2)"
    anchor = res["yhat"]
    assert anchor.verdict is Verdict.ILL_POSED
    assert "2 readings reproduce the printed value 0.5374" in anchor.message
    assert first in anchor.message and second in anchor.message
    # The loss and dW2 = (yhat - 1) h1 are the same under both readings: decided, and said so.
    for claim in ("loss", "dW2"):
        assert res[claim].verdict is Verdict.CORRECT
        assert res[claim].message.startswith("under each of the 2 readings")
    # delta1 = (yhat - 1) W2^T is not: right under the first, wrong under the second.
    split = res["delta1"]
    assert split.verdict is Verdict.UNVERIFIED
    assert f"under {first} it is correct" in split.message and f"under {second} it is wrong" in split.message


def test_no_reading_reproduces_the_printed_values_so_nothing_changes(tmp_path):
    claims = CLAIMS.replace(r"0.1 \\ 1.0 \\ 0.5", r"0.1 \\ 1.2 \\ 0.5")
    res = check(tmp_path, "g/none", claims=claims, W1="[[0.2, -0.1, 0.4], [0.3], [-0.5, 0.6]]")
    assert {r.verdict for r in res.values()} == {Verdict.ILL_POSED}
    assert {r.message for r in res.values()} == {"given W1 is malformed (ragged matrix: rows with 3, 1, 2 entries)"}


@pytest.mark.parametrize("limit", [("SEARCH_SECONDS", 1e-6), ("MAX_READINGS", 1)])
def test_the_search_is_bounded(tmp_path, monkeypatch, limit):
    # Out of CPU time or over the reading cap, the search finds nothing and the claims are as without it.
    monkeypatch.setattr(garbled, *limit)
    res = check(tmp_path, f"g/bounded-{limit[0]}", W1="[[0.2, -0.1, 0.4], [0.3], [-0.5, 0.6]]")
    assert {r.verdict for r in res.values()} == {Verdict.ILL_POSED}
    assert all("read as" not in r.message for r in res.values())

"""The one-edit repairs of a garbled given (derive/spec/repairs.py): what is tried, and that each is well-formed."""

from __future__ import annotations

from derive.spec.repairs import MAX_REPAIRS, number_splits, repairs, run_together, well_formed


def values(raw):
    return [r.value for r in repairs(raw)]


def test_two_numbers_run_together_split_every_way_that_gives_two_literals():
    assert number_splits("0.30.4") == [(0.3, 0.4)]          # 0.3|0.4 and 0.30|.4 are the same two numbers
    assert number_splits("0.5-0.2") == [(0.5, -0.2)]
    assert number_splits("0.125.5") == [(0.1, 25.5), (0.12, 5.5), (0.125, 0.5)]
    assert number_splits("1.5") == [] and number_splits("x+1") == [] and number_splits("2.5e-3") == []
    assert run_together([[0.1, "0.30.4"], [0.5, 0.6]]) == "0.30.4"
    assert run_together([[0.1, 0.2]]) is None and run_together("\\frac{1}{2}") is None


def test_a_ragged_matrix_is_read_by_moving_dropping_or_inserting_one_entry():
    found = repairs([[1, 2, 3], [4, 5, 6, 7], [8, 9]])
    assert all(well_formed(r.value) for r in found)
    assert [[1, 2, 3], [4, 5, 6], [7, 8, 9]] in [r.value for r in found]
    move = next(r for r in found if r.value == [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert move.how == "moving 7 from row 2 to entry 1 of row 3"
    # a stray single-entry row dropped; an entry inserted into a short row (zero, or a copy of an entry)
    assert [[0.7, 0.5, 0.3]] in values([[0.1], [0.7, 0.5, 0.3]])
    assert {str(v) for v in values([[1, 2], [3]])} >= {"[[1, 2], [0, 3]]", "[[1, 2], [3, 0]]", "[[1, 2], [3, 3]]"}


def test_well_formed_values_are_transposed_or_lose_or_gain_one_entry():
    assert values([[1, 2, 3], [4, 5, 6]]) == [[[1, 4], [2, 5], [3, 6]]]
    vec = repairs([0.0, 0.1])
    assert [r.value for r in vec][:2] == [[0.1], [0.0]]
    assert any(r.value == [0.1, 0.0, 0.1] and r.how == "inserting 0.1 as entry 1" for r in vec)
    assert values(0.5) == [] and values([[1]]) == []


def test_splitting_is_the_only_edit_of_a_value_with_a_run_together_entry():
    (split,) = repairs([[0.1, 0.2, 0.5], ["0.30.4", 0.6]])
    assert split.value == [[0.1, 0.2, 0.5], [0.3, 0.4, 0.6]]
    assert split.how == "reading 0.30.4 as the two numbers 0.3, 0.4"
    assert repairs(["0.30.4", "1.20.5"]) == []     # two garbled entries are more than one edit
    assert values("0.30.4") == [[0.3, 0.4]]


def test_repairs_are_distinct_and_capped():
    big = [list(range(k, k + 9)) for k in range(0, 90, 9)]
    big[3].append(99)
    found = repairs(big)
    assert len(found) <= MAX_REPAIRS
    assert len({str(r.value) for r in found}) == len(found)

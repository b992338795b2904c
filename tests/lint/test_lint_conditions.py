"""Lint on notation of documents it was not written for: a step that holds only under a condition the text states
or implies is information, never a finding; indexed definitions are used at other index values by pattern; an
indexed use no definition fits is skipped and counted; an arrow after a definition differentiates that definition.

The fixtures use their own notation (targets t_c, code vectors r_{n,2m}, gates g_k), not the corpus's."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from verify.lint.core import lint_file
from verify.lint.scope import IndexPattern
from verify.result import Verdict

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "lint"


def by_line(outcome, line: int) -> list:
    return [r for r in outcome.report.results if r.location.line == line]


@pytest.fixture(scope="module")
def conditions():
    return lint_file(FIXTURES / "conditions.md")


@pytest.fixture(scope="module")
def indexed():
    return lint_file(FIXTURES / "indexed.md")


def test_a_step_that_needs_targets_adding_up_to_one_is_information(conditions):
    steps = by_line(conditions, 5)
    assert [r.verdict for r in steps] == [Verdict.CORRECT, Verdict.CORRECT]
    assert steps[1].message.startswith("holds if \\sum_{c} t_{c} = 1"), steps[1].message
    assert steps[0].message == "holds"   # right as written: no condition mentioned


def test_a_step_that_fails_under_every_condition_is_still_a_finding(conditions):
    found = [(r.location.line, r.exercise) for r in conditions.findings]
    assert found == [(9, "A step that no condition rescues")]
    assert "sign" in conditions.findings[0].message or "is not" in conditions.findings[0].message


def test_a_step_that_needs_positive_letters_says_so(conditions):
    steps = by_line(conditions, 15)
    assert [r.verdict for r in steps] == [Verdict.CORRECT, Verdict.CORRECT]
    assert all("positive" in r.message for r in steps)


def test_an_indexed_definition_is_used_at_other_index_values(indexed):
    rotation = by_line(indexed, 8)
    assert [r.verdict for r in rotation] == [Verdict.CORRECT]   # r_{n+s,2m} read from r_{n,2m} = sin(n beta^m)
    table = by_line(indexed, 18)
    assert [r.verdict for r in table] == [Verdict.CORRECT]      # a_{u+1,v} from a_{uv} = u^2 + v


def test_a_wrong_step_about_an_indexed_quantity_is_found(indexed):
    # cos((n+s) b) = cos(sb) cos(nb) + sin(sb) sin(nb) written with a plus: the sign is wrong
    assert [(r.location.line, r.claim) for r in indexed.findings] == [(10, "L10-c1-s2")]


def test_an_indexed_use_no_definition_fits_is_skipped_and_counted(indexed):
    assert indexed.skipped["indexed-undefined"] == 1
    assert by_line(indexed, 14) == []


def test_index_patterns_match_whole_shifts_only():
    i, j, delta = sp.symbols("i j delta", real=True)
    pattern = IndexPattern((i, 2 * j), frozenset({i, j}), sp.sin(i), 0)
    assert pattern.match([i + delta, 2 * j]) == {i: i + delta, j: j}
    assert pattern.match([i, 2 * j + 2]) == {i: i, j: j + 1}
    assert pattern.match([i, 2 * j + 1]) is None   # an odd index is another definition's
    assert pattern.match([i, j]) is None           # j/2 is not a whole index
    assert pattern.match([i]) is None


def test_an_arrow_after_a_definition_differentiates_that_definition():
    outcome = lint_file(FIXTURES / "implied.md")
    assert [r.verdict for r in by_line(outcome, 6)] == [Verdict.CORRECT]   # g = ln u: dg/du = 1/u
    assert by_line(outcome, 8) == []                                      # g_k = k u: "dg/du" means g_k
    assert outcome.skipped["implied-subject"] == 1
    assert [(r.location.line, r.verdict) for r in outcome.findings] == [(10, Verdict.WRONG)]   # u^3 -> 3u


def test_an_equation_solved_after_an_arrow_is_not_an_identity():
    # each row solves for u-bar: the second row must not be read with the first row's answer
    outcome = lint_file(FIXTURES / "solved.md")
    assert [(r.location.line, r.exercise) for r in outcome.findings] == [(17, "Arithmetic is still checked")]
    assert outcome.skipped["equation"] >= 2


def test_a_step_assigning_e_does_not_read_it_as_eulers_number():
    outcome = lint_file(FIXTURES / "solved.md")
    assert outcome.skipped["reserved-name"] == 1
    assert [r.verdict for r in outcome.report.results if r.location.line == 13] == [Verdict.CORRECT, Verdict.CORRECT]


def test_an_indexed_definition_reads_names_defined_after_it_and_refuses_hidden_indices():
    outcome = lint_file(FIXTURES / "indexed_late.md")
    # q_{t+1,2k} = sin((t+1) lambda_k) with lambda_k = 3^k given after the definition of q
    assert [r.verdict for r in by_line(outcome, 5)] == [Verdict.CORRECT, Verdict.CORRECT]
    # h_a = M_ab v_b: a new value of a would not reach the a inside M_ab, so h_{a+1} has no usable definition
    assert outcome.skipped["indexed-undefined"] == 1
    assert outcome.findings == []

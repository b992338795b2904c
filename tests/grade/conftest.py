"""Fixtures of the grading tests: a small course spec (cheap claims) and a class's answers to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SPEC = Path(__file__).with_name("class_spec.yaml")

# (student, exercise, claim, answer): right, equivalent rewritings, and realistic mistakes.
ANSWERS = [
    ("ada", "demo/1", "cube", "3x^2"),
    ("ada", "demo/1", "product", "e^x + x e^x"),
    ("ada", "demo/2", "square", "a^2 + 2ab + b^2"),
    ("bob", "demo/1", "cube", "3x^3"),
    ("bob", "demo/1", "product", "x e^x"),
    ("bob", "demo/2", "square", "a^2 + b^2"),
    ("cy", "demo/1", "cube", "-3x^2"),
    ("cy", "demo/2", "square", "(b + a)(a + b)"),
]


@pytest.fixture
def spec() -> Path:
    return SPEC


def _write_jsonl(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path.write_text("".join(json.dumps(dict(zip(("student", "exercise", "claim", "latex"), r, strict=True))) + "\n"
                            for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def write_jsonl():
    """`write_jsonl(path, rows)`: a JSONL submission file of (student, exercise, claim, latex) rows."""
    return _write_jsonl


@pytest.fixture
def answers() -> list[tuple[str, str, str, str]]:
    return list(ANSWERS)


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    return _write_jsonl(tmp_path / "answers.jsonl", ANSWERS)

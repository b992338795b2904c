"""`derivcheck grade` end to end on the local executor: the three forms, scores, bad entries, resuming."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli import main
from verify.claims.registry import load_suite
from verify.exit_codes import UsageError
from verify.grade.executors import LocalExecutor
from verify.grade.grader import grade
from verify.run.runner import RunOptions


def _results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def _verdicts(out: Path) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    return {(r["student"], r["exercise"], r["claim"]): (r["verdict"], r["diagnosis"]) for r in _results(out)}


def test_jsonl_graded_with_verdicts_diagnoses_and_scores(spec: Path, jsonl: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["grade", str(spec), str(jsonl), "--out", str(out), "-q"]) == 0
    got = _verdicts(out)
    assert got[("ada", "demo/1", "cube")] == ("correct", None)
    assert got[("cy", "demo/2", "square")] == ("correct", None)           # an equivalent rewriting
    assert got[("cy", "demo/1", "cube")][0] == "wrong" and got[("cy", "demo/1", "cube")][1].startswith("sign error")
    assert got[("bob", "demo/1", "product")] == ("wrong", "missing term e^{x}")
    first = _results(out)[0]
    assert first["student"] == "ada" and first["file"] == str(jsonl) and first["line"] == 1
    assert first["expected_latex"] == "3 x^{2}" and first["points"] == 1.0
    wrong = next(r for r in _results(out) if r["student"] == "bob" and r["claim"] == "cube")
    assert wrong["counterexample"] is not None and wrong["points"] == 0.0
    # `points: 2` on demo/1#product; a claim is worth 1 by default.
    rows = list(csv.reader((out / "summary.csv").open(encoding="utf-8")))
    assert rows == [["student", "demo/1", "demo/2", "total"], ["ada", "3", "1", "4"], ["bob", "0", "0", "0"],
                    ["cy", "0", "1", "1"]]
    histogram = (out / "histogram.txt").read_text(encoding="utf-8")
    assert "demo/1#cube: 3 answers, 1 correct (33.3 %)" in histogram
    assert "33.3 %       1  sign error" in histogram
    assert "missing term e^{x}" in (out / "report.html").read_text(encoding="utf-8")
    assert "demo/2#square: 3 answers" in capsys.readouterr().out


def test_the_three_forms_give_the_same_verdicts(spec: Path, jsonl: Path, answers, tmp_path: Path) -> None:
    table = tmp_path / "answers.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["latex", "student", "claim", "exercise", "email"])
        w.writerows([(latex, student, claim, exercise, f"{student}@uni") for student, exercise, claim, latex in answers])
    folder = tmp_path / "notes"
    folder.mkdir()
    for student in sorted({a[0] for a in answers}):
        mine = [a for a in answers if a[0] == student]
        (folder / f"{student}.md").write_text("".join(f"Answer {k}:\n<!-- derivcheck: {e}#{c} -->\n$${latex}$$\n\n"
                                                      for k, (_, e, c, latex) in enumerate(mine)), encoding="utf-8")
    outs = []
    for k, source in enumerate((jsonl, table, folder)):
        out = tmp_path / f"out{k}"
        assert main(["grade", str(spec), str(source), "--out", str(out), "-q"]) == 0
        outs.append(_verdicts(out))
    assert outs[0] == outs[1] == outs[2] and len(outs[0]) == len(answers)


def test_bad_entries_are_reported_and_the_rest_graded(spec: Path, answers, write_jsonl, tmp_path: Path,
                                                      capsys) -> None:
    rows = [*answers[:2], ("dan", "demo/9", "cube", "x"), ("dan", "demo/1", "cubes", "x"), answers[0]]
    source = write_jsonl(tmp_path / "a.jsonl", rows)
    with source.open("a", encoding="utf-8") as fh:
        fh.write("{oops\n")
        fh.write(json.dumps(dict(zip(("student", "exercise", "claim", "latex"), answers[3], strict=True))) + "\n")
    out = tmp_path / "out"
    assert main(["grade", str(spec), str(source), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{source}:3: no exercise 'demo/9' in the specs (did you mean 'demo/2'?)",
                   f"{source}:4: exercise demo/1 has no claim 'cubes' (did you mean 'cube'?)",
                   f"{source}:5: a second answer by ada to demo/1#cube (only the first is graded)",
                   f"{source}:6: not a JSON object: Expecting property name enclosed in double quotes"]
    assert sorted(_verdicts(out)) == sorted((a[0], a[1], a[2]) for a in (*answers[:2], answers[3]))


def test_resume_skips_graded_answers_and_repairs_a_cut_line(spec: Path, jsonl: Path, answers, tmp_path: Path) -> None:
    exercises = load_suite([spec])
    full = tmp_path / "full"
    grade(exercises, jsonl, full, RunOptions(), LocalExecutor())
    lines = (full / "results.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    part = tmp_path / "part"
    part.mkdir()
    (part / "grade.json").write_bytes((full / "grade.json").read_bytes())
    # Three answers written, the fourth cut short by a crash.
    (part / "results.jsonl").write_text("".join(lines[:3]) + lines[3][:40], encoding="utf-8")
    outcome = grade(exercises, jsonl, part, RunOptions(), LocalExecutor(), batch_size=2)
    assert (outcome.skipped, outcome.graded) == (3, len(answers) - 3)
    assert sorted((part / "results.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)) == sorted(lines)
    again = grade(exercises, jsonl, part, RunOptions(), LocalExecutor())
    assert (again.skipped, again.graded) == (len(answers), 0)
    assert (part / "summary.csv").read_bytes() == (full / "summary.csv").read_bytes()


def test_resume_refuses_other_options(spec: Path, jsonl: Path, tmp_path: Path) -> None:
    exercises = load_suite([spec])
    grade(exercises, jsonl, tmp_path / "out", RunOptions(), LocalExecutor())
    with pytest.raises(UsageError, match="other options \\(seed"):
        grade(exercises, jsonl, tmp_path / "out", RunOptions(seed=1), LocalExecutor())


def test_the_truth_is_derived_once_per_claim_not_per_answer(spec: Path, write_jsonl, tmp_path: Path,
                                                            monkeypatch) -> None:
    import verify.claims.context as context
    log = tmp_path / "derived.log"   # a file: the derivations run in forked worker processes
    real = context.derive_truth

    def counting(root, ex, claim, decls, **kw):
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{ex.id}#{claim.id}\n")
        return real(root, ex, claim, decls, **kw)

    monkeypatch.setattr(context, "derive_truth", counting)
    many = [(f"s{k}", "demo/1", "cube", "3x^2" if k % 2 else "3x^3") for k in range(12)]
    outcome = grade(load_suite([spec]), write_jsonl(tmp_path / "a.jsonl", many), tmp_path / "out",
                    RunOptions(jobs=2), LocalExecutor(jobs=2), batch_size=5)
    assert outcome.graded == 12
    assert sorted(log.read_text(encoding="utf-8").split()) == ["demo/1#cube", "demo/1#product", "demo/2#square"]


def test_points_are_validated_at_spec_load(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("exercises:\n  - id: demo/1\n    claims:\n      - id: c\n        latex: 'x'\n"
                   "        expect: 'x'\n        points: -1\n", encoding="utf-8")
    answers = tmp_path / "a.jsonl"
    answers.write_text("", encoding="utf-8")
    assert main(["grade", str(bad), str(answers), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.strip() == f"{bad}:7: points must be a non-negative number"


def test_feedback_pages_show_each_students_own_notes(spec: Path, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ada.md").write_text("Question 1\n<!-- derivcheck: demo/1#cube -->\n$$3x^3$$\n", encoding="utf-8")
    (folder / "bob lee.md").write_text("% not a marker in Markdown\n<!-- derivcheck: demo/2#square -->\n"
                                       "$$a^2 + 2ab + b^2$$\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["grade", str(spec), str(folder), "--out", str(out), "--feedback", "-q"]) == 0
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["ada", "bob_lee"]
    ada = (out / "feedback" / "ada" / "notes-ada-md.html").read_text(encoding="utf-8")
    assert "Question 1" in ada and "wrong" in ada and "counterexample" in ada.lower()
    bob = (out / "feedback" / "bob_lee" / "index.html").read_text(encoding="utf-8")
    assert "correct" in bob

"""`report --from`: a saved JSON report is untrusted input, read back strictly, and carries everything a page
needs (columns, plot data)."""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from verify.commands.report import register, run
from verify.report.saved import ReportFileError, load_report
from verify.result import ClaimResult, Counterexample, Location, PlotData, Report, StepResult, Verdict


def _report() -> Report:
    plot = PlotData("as x varies", x=[0.0, 1.0, 2.0], claimed=[0.0, None, 2.0], derived=[0.0, 2.0, 4.0],
                    x0=1.5, c0=1.5, e0=3.0, xlabel="x", ylabel="value", kinks_claimed=[0.5], kinks_derived=[])
    return Report(results=[
        ClaimResult("toy/a", "c1", Verdict.CORRECT, Location("toy.md", 3, column=7, spec_file="t.yaml", spec_line=2),
                    "correct", claimed_latex="x^2", proven=True),
        ClaimResult("toy/a", "c2", Verdict.WRONG, Location("toy.md", 5, column=1), "differs", claimed_latex="x",
                    expected_latex="2 x", counterexample=Counterexample({"x": 1.5, "entry": "3"}, 1.5, 3.0),
                    steps=[StepResult(1, "x", Verdict.WRONG, "off by factor 2")], plot=plot),
        ClaimResult("toy/a", "c3", Verdict.WRONG, Location("toy.md", 9), "differs",
                    plot=PlotData("the claim is a number, not a function of a real variable")),
    ], tool_version="0.1.0", seed=4)


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    register(p.add_subparsers(dest="command"))
    return p.parse_args(["report", *argv])


def test_round_trip_keeps_columns_and_plot_data(tmp_path):
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(_report().to_dict()))
    back = load_report(saved, tool_version="0.1.7")
    assert [r.to_dict() for r in back.results] == [r.to_dict() for r in _report().results]
    assert back.results[0].location.column == 7 and back.seed == 4
    assert back.results[1].plot.claimed == [0.0, None, 2.0] and back.results[2].plot.drawable is False


def test_a_report_from_before_columns_and_plots_still_loads(tmp_path):
    data = _report().to_dict()
    for r in data["results"]:
        del r["column"], r["plot"]
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(data))
    back = load_report(saved, tool_version="0.1.0")
    assert back.results[0].location.column is None and back.results[1].plot is None


def _broken(mutate) -> dict:
    data = copy.deepcopy(_report().to_dict())
    mutate(data["results"][1])
    return data


BAD = {
    "line is text": (_broken(lambda r: r.update(line="x")), "result 2 is not a derivcheck claim result: line: "
                                                            "expected an integer or null, not str 'x'"),
    "line is a boolean": (_broken(lambda r: r.update(line=True)), "line: expected an integer"),
    "missing field": (_broken(lambda r: r.pop("message")), "result 2 is not a derivcheck claim result: "
                                                           "result: missing field 'message'"),
    "unknown verdict": (_broken(lambda r: r.update(verdict="great")), "verdict: unknown verdict 'great'"),
    "proven is text": (_broken(lambda r: r.update(proven="yes")), "proven: expected true or false"),
    "step index is text": (_broken(lambda r: r["steps"][0].update(index="1")), "steps[0].index"),
    "point is a list": (_broken(lambda r: r["counterexample"].update(point=[1])), "counterexample.point"),
    "value is an object": (_broken(lambda r: r["counterexample"].update(claimed={"a": 1})), "counterexample.claimed"),
    "plot sample is text": (_broken(lambda r: r["plot"]["x"].__setitem__(1, "1")), "plot.x[1]"),
    "plot lengths differ": (_broken(lambda r: r["plot"]["claimed"].pop()), "plot: claimed, derived and x"),
    "plot note missing": (_broken(lambda r: r.update(plot={"x": []})), "plot: missing field 'note'"),
    "column is a float": (_broken(lambda r: r.update(column=1.5)), "column: expected an integer"),
    "title is a list": (_broken(lambda r: r.update(title=["a"])), "title: expected a string or null"),
    "seed is text": ({**_report().to_dict(), "seed": "4"}, "'seed' must be an integer"),
    "summary missing": ({k: v for k, v in _report().to_dict().items() if k != "summary"}, "no 'summary'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_every_field_is_type_checked(tmp_path, capsys, case):
    data, needle = BAD[case]
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(data))
    with pytest.raises(ReportFileError) as exc:
        load_report(saved, tool_version="0.1.0")
    assert str(exc.value).startswith(f"{saved}: ") and needle in str(exc.value)
    assert run(_args("--html", str(tmp_path / "html"), "--from", str(saved))) == 2
    err = capsys.readouterr().err
    assert err == f"{exc.value}\n" and "Traceback" not in err   # `file: message`, as every located error
    assert not (tmp_path / "html").exists()


@pytest.mark.parametrize("content, needle", [
    (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    (b'{"tool": "derivcheck", "version": "0.1.0", "results": [{"claim": "caf\xe9"}]}', "not UTF-8"),
    (b'{"tool": "derivcheck", "version": "0.1.0",\n "results": [', ":2: not a complete JSON document"),
    (json.dumps({"tool": "derivcheck", "version": "0.1.0", "results": {}}).encode(), "no 'results' list"),
])
def test_malformed_files_are_one_line(tmp_path, capsys, content, needle):
    saved = tmp_path / "r.json"
    saved.write_bytes(content)
    assert run(_args("--latex", str(tmp_path / "r.tex"), "--from", str(saved))) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and err.startswith(f"{saved}")
    assert not (tmp_path / "r.tex").exists()


def test_a_notes_file_outside_the_notes_folder_is_never_read(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "toy.md").write_text("# Toy\n\n$x$\n")
    (tmp_path / "secret.md").write_text("TOP SECRET $y$\n")
    data = _report().to_dict()
    depth = "/".join([".."] * (len(tmp_path.parts)))  # enough `..` to reach / from the notes folder
    data["results"][2]["file"] = "../secret.md"
    data["results"][1]["file"] = f"{depth}{tmp_path / 'secret.md'}"
    data["results"][0]["file"] = str(tmp_path / "secret.md")  # absolute
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(data))
    out = tmp_path / "html"
    assert run(_args("--html", str(out), "--from", str(saved), "--notes-dir", str(notes))) == 0
    pages = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.html"))
    assert "TOP SECRET" not in pages
    assert pages.count("outside --notes-dir and was not read") == 3


def test_string_counterexample_values_render_in_every_output(tmp_path):
    data = _report().to_dict()
    data["results"][1]["counterexample"] = {"point": {"shape": "differs"}, "claimed": "2 x 3", "expected": "3 x 2"}
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(data))
    assert run(_args("--latex", str(tmp_path / "r.tex"), "--html", str(tmp_path / "h"), "--from", str(saved))) == 0
    assert "claimed 2 x 3, derived 3 x 2" in (tmp_path / "r.tex").read_text()


def test_paths_are_not_read_with_from(tmp_path):
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(_report().to_dict()))
    assert run(_args("--latex", str(tmp_path / "r.tex"), "--from", str(saved), str(tmp_path / "missing"))) == 0


def test_saved_reports_are_read_in_a_fresh_process(tmp_path):
    """Through the real entry point: exit 2 and one line, no traceback, for a broken field."""
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(BAD["line is text"][0]))
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "cli.py"), "report", "--html", str(tmp_path / "h"), "--from",
                           str(saved)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"{saved}: result 2 is not a derivcheck claim result: line:" in done.stderr

"""JUnit XML report, for CI systems that show test results (GitLab, Jenkins, Azure, ...).

Layout: one <testsuite> per collection (the part of the exercise id before '/', as in the summary),
one <testcase> per claim with classname = exercise id and name = claim id. Collections rather than
exercises as suites, because CI viewers already group test cases by classname, so exercises still
appear as groups while the suite list stays short.

Wrong and ill-posed claims are <failure>s; unverified, unparsed and incomplete claims are
<skipped> (not checked, but not failed either); correct claims pass. No <error> is ever written:
an error would mean the tool itself broke, which never reaches a report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from verify.report import collection_of, detail_lines, finding_location, one_line
from verify.result import FINDING_CODES, ClaimResult, Report, Verdict

# Characters XML 1.0 forbids outright; ElementTree would write them and produce an unreadable file.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _counts(results: list[ClaimResult]) -> dict[str, str]:
    failures = sum(r.verdict.is_failure for r in results)
    skipped = sum(not r.verdict.is_failure and r.verdict is not Verdict.CORRECT for r in results)
    return {"tests": str(len(results)), "failures": str(failures), "errors": "0", "skipped": str(skipped)}


def _testcase(result: ClaimResult, root: Path | None, notes_dir: Path | None) -> ET.Element:
    case = ET.Element("testcase", {"classname": _clean(result.exercise), "name": _clean(result.claim)})
    path, line = finding_location(result, root=root, notes_dir=notes_dir)
    if path:
        case.set("file", _clean(path))
        if line:
            case.set("line", str(line))
    if result.verdict is Verdict.CORRECT:
        return case
    code = FINDING_CODES[result.verdict]
    # Attribute values are one line (parsers fold newlines in attributes); the body has it all.
    message = _clean(f"{code} {result.verdict.value}: {one_line(result.message)}".rstrip())
    if result.verdict.is_failure:
        failure = ET.SubElement(case, "failure", {"message": message, "type": result.verdict.value})
        body = [result.message.rstrip(), *detail_lines(result)]
        failure.text = _clean("\n".join(part for part in body if part))
    else:
        skipped = ET.SubElement(case, "skipped", {"message": message})
        # The body repeats the full (possibly multi-line) reason and any derived answer.
        body = [result.message.rstrip(), *detail_lines(result)]
        skipped.text = _clean("\n".join(part for part in body if part)) or None
    return case


def junit_tree(report: Report, *, root: Path | None = None, notes_dir: Path | None = None) -> ET.Element:
    """The <testsuites> element of the report."""
    groups: dict[str, list[ClaimResult]] = {}
    for r in report.results:  # dicts keep insertion order: suites appear in report order
        groups.setdefault(collection_of(r), []).append(r)
    suites = ET.Element("testsuites", {"name": "derivcheck", **_counts(report.results)})
    for name, results in groups.items():
        suite = ET.SubElement(suites, "testsuite", {"name": _clean(name), **_counts(results)})
        for r in results:
            suite.append(_testcase(r, root, notes_dir))
    return suites


def render(
    report: Report, stream: TextIO, *, root: Path | None = None, notes_dir: Path | None = None
) -> None:
    """Write the JUnit XML document."""
    tree = junit_tree(report, root=root, notes_dir=notes_dir)
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(tree, encoding="unicode") + "\n")

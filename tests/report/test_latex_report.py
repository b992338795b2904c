"""The LaTeX report of the bundled suite compiles to a PDF (pdflatex is installed by .ci/run)."""

import os
import shutil
from pathlib import Path

import pytest

from verify.report.latex import compile_pdf, display_math, escape_text, latex_document

ROOT = Path(__file__).resolve().parents[2]


def test_text_and_rows_are_made_safe():
    assert escape_text("a_b 50% & #") == r"a\_b 50\% \& \#"
    assert display_math(r"\phi_0 &= 1").startswith(r"\[\begin{aligned}")
    # a bare # or % in a quote (Markdown, a comment to TeX) is shown as source text, escaped
    assert display_math(r"x = 1 \quad \text{# of units}") == \
        r"\begin{quote}\texttt{x = 1 \textbackslash{}quad \textbackslash{}text\{\# of units\}}\end{quote}"
    assert display_math(r"50\% = \frac{1}{2}") == r"\[50\% = \frac{1}{2}\]"


def test_report_of_bundled_suite_compiles(tmp_path, bundled_report):
    tex = latex_document(bundled_report)
    assert r"\section*{udl/2.1" in tex and "missing term" in tex
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex must be installed in CI (.ci/run installs texlive-latex-base)")
        pytest.skip("pdflatex not installed on this machine (Debian: texlive-latex-base)")
    pdf = compile_pdf(tex, tmp_path / "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")

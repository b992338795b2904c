"""A standalone LaTeX document of a run: per exercise, each claim as written, its verdict, the derived
answer and the counterexample. `compile_pdf` runs pdflatex when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from itertools import groupby
from pathlib import Path

from verify.report import format_counterexample
from verify.result import ClaimResult, Report, Verdict

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage[T1]{fontenc}
\providecommand{\mathbbm}[1]{\mathbb{#1}}
\providecommand{\bm}[1]{\boldsymbol{#1}}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\title{derivcheck report}
\date{}
\begin{document}
\maketitle
"""

_VERDICT_WORD = {v: v.value for v in Verdict}


def escape_text(text: str) -> str:
    """Plain text for LaTeX (messages may contain _, %, &, # ...)."""
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
             "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(table.get(c) or _non_ascii(c) for c in text)


_SYMBOLS = {"≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "×": r"\times", "−": "-", "·": r"\cdot", "→": r"\to",
            "∞": r"\infty", "±": r"\pm", "≈": r"\approx", "∈": r"\in", "∑": r"\sum", "∂": r"\partial"}


_GREEK_CAPITALS = {"gamma", "delta", "theta", "lambda", "xi", "pi", "sigma", "upsilon", "phi", "psi", "omega"}
_LATIN_LOOKALIKES = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΧ", "ABEZHIKMNOPTX")


def _non_ascii(c: str) -> str:
    """pdflatex with T1 fonts knows no Greek or math symbols in text: typeset them as inline math."""
    if c.isascii():
        return c
    if c in _SYMBOLS:
        return f"\\ensuremath{{{_SYMBOLS[c]}}}"
    name = unicodedata.name(c, "")
    if name.startswith("GREEK "):
        letter = name.split()[-1].lower()
        letter = {"lamda": "lambda"}.get(letter, letter)
        if "CAPITAL" in name:
            if letter not in _GREEK_CAPITALS:
                return c.translate(_LATIN_LOOKALIKES)
            letter = letter.capitalize()
        return f"\\ensuremath{{\\{letter}}}"
    return f"[U+{ord(c):04X}]"


def _balanced(latex: str) -> bool:
    """A quote cut out of a larger display may open an environment or brace it never closes."""
    stack: list[str] = []
    for m in re.finditer(r"\\(begin|end)\{([^}]*)\}|\\[{}]|[{}]", latex):
        token = m.group(0)
        if token in ("\\{", "\\}"):
            continue
        if m.group(1) == "begin" or token == "{":
            stack.append(m.group(2) or "{")
        elif not stack or stack.pop() != (m.group(2) or "{"):
            return False
    return not stack


def display_math(latex: str) -> str:
    """Quoted notes LaTeX as a display; aligned rows (a quote with `&` or `\\\\`) get an environment.
    A fragment that would not compile is shown as source text instead."""
    body = latex.strip()
    # a table row quoted with its own inline math; a bare # or % (Markdown text, a comment to TeX) would not compile
    if not _balanced(body) or "$" in body or re.search(r"(?<!\\)[#%]", body):
        return f"\\begin{{quote}}\\texttt{{{escape_text(body)}}}\\end{{quote}}"
    if body.startswith(r"\begin{aligned}") or body.startswith(r"\begin{align"):
        return f"\\[{body}\\]"
    if "&" in body or r"\\" in body:
        return f"\\[\\begin{{aligned}}{body}\\end{{aligned}}\\]"
    return f"\\[{body}\\]"


def _claim_block(r: ClaimResult) -> list[str]:
    where = f"{r.location.file}:{r.location.line}" if r.location.file else ""
    out = [f"\\paragraph{{{escape_text(r.claim)}}} \\textbf{{{_VERDICT_WORD[r.verdict]}}} "
           f"\\quad {{\\small {escape_text(where)}}}\\\\", escape_text(r.message)]
    if r.claimed_latex:
        out += ["\\\\ Claimed:", display_math(r.claimed_latex)]
    if r.expected_latex and r.verdict is not Verdict.CORRECT:
        out += ["Derived:", display_math(r.expected_latex)]
    if r.counterexample:
        out.append(escape_text(f"Counterexample: {format_counterexample(r.counterexample)}."))
    return out


def latex_document(report: Report) -> str:
    parts = [_PREAMBLE]
    summary = report.summary()
    counts = ", ".join(f"{summary[v.value]} {v.value}" for v in Verdict)
    parts.append(escape_text(f"{summary['claims']} claims in {summary['exercises']} exercises: {counts}.") + "\n")
    for exercise, results in groupby(report.results, key=lambda r: r.exercise):
        results = list(results)
        title = results[0].title or ""
        parts.append(f"\\section*{{{escape_text(exercise)} {escape_text(title)}}}")
        for r in results:
            parts.extend(_claim_block(r))
            parts.append("")
    parts.append("\\end{document}\n")
    return "\n".join(parts)


class PdfError(RuntimeError):
    pass


def compile_pdf(tex: str, pdf_path: Path) -> Path:
    """pdflatex in a scratch folder; the PDF is moved into place only when the run succeeds."""
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdfError("pdflatex is not installed (Debian: texlive-latex-base)")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.tex"
        src.write_text(tex, encoding="utf-8")
        run = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=tmp,
                             capture_output=True, text=True, timeout=300)
        if run.returncode != 0:
            errors = [ln for ln in run.stdout.splitlines() if ln.startswith("!")]
            raise PdfError(f"pdflatex failed: {errors[0] if errors else 'see log'}")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(tmp) / "report.pdf"), pdf_path)
    return pdf_path

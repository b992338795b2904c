"""Static HTML report (`derivcheck report --html`): one folder, works offline from file://.

`write_html_report` renders a `Report` (it reads results, never recomputes them); the CLI subcommand is
`verify.commands.report`.
"""

from verify.report.html.builder import HtmlReportError, write_html_report

__all__ = ["HtmlReportError", "write_html_report"]

"""Static HTML report (`derivcheck report --html`): one folder, works offline from file://.

`write_html_report` renders a `Report`; `register` / `run` are the CLI subcommand.
"""

from verify.html.builder import HtmlReportError, write_html_report
from verify.html.command import load_report_json, register, run

__all__ = ["HtmlReportError", "load_report_json", "register", "run", "write_html_report"]

"""Exit codes of every derivcheck command, the verdicts that fail a run, and the error that means "bad input":
one leaf module.

0  nothing to report: every claim decided and right (`equiv`: equivalent; `lint`: no finding; `check-sources`:
   every quote at its line).
1  a finding: a claim whose verdict is in `--fail-on` (default: wrong, ill-posed, unparsed); `equiv`: not
   equivalent; `lint`: a finding; `check-sources`: a quote that drifted.
2  bad input or usage, reported as one line on stderr: `file:line: message` when it has a place, else
   `derivcheck: message`. Nothing was judged.
3  `equiv` only: undecided (neither shown equal nor shown different, e.g. the time budget ran out).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNDECIDED = 3
EXIT_BROKEN_PIPE = 141   # 128 + SIGPIPE: the reader of stdout closed the pipe (`derivcheck ... | head`)

# The verdicts a `--fail-on` list may name, and the default: an unparsed claim is a bug to fix (in the notes or
# in derivcheck), so it fails a run like a wrong one; `unverified` (the budget ran out, code claims without
# --allow-code) and `incomplete` (the notes give no answer) do not unless asked for.
VERDICTS = ("wrong", "ill-posed", "unparsed", "unverified", "incomplete")
DEFAULT_FAIL_ON = ("wrong", "ill-posed", "unparsed")


class UsageError(Exception):
    """Bad input or arguments: the CLI prints one line (`line()`) and exits EXIT_USAGE.

    `where` is the place of the problem (`file:line` or `file`), printed first so editors and CI annotations
    can jump to it; `located` says the message already starts with it; otherwise the line starts with
    `derivcheck: `."""

    def __init__(self, message: str, *, where: str | None = None, located: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.located = located

    def line(self) -> str:
        text = self.message.split("\n")[0].strip() or "error"
        if self.where:
            return f"{self.where}: {text}"
        return text if self.located else f"derivcheck: {text}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_fail_on(text: str) -> frozenset[str]:
    """`--fail-on wrong,ill-posed` (comma-separated verdicts), `all`, or `none`."""
    words = [w.strip() for w in text.split(",") if w.strip()]
    if words == ["none"]:
        return frozenset()
    if words == ["all"]:
        return frozenset(VERDICTS)
    for w in words:
        if w not in VERDICTS:
            raise UsageError(f"--fail-on: unknown verdict {w!r}{did_you_mean(w, (*VERDICTS, 'all', 'none'))} "
                             f"(choose from {', '.join(VERDICTS)}, or all, none)")
    if not words:
        raise UsageError("--fail-on needs a verdict list, all or none")
    return frozenset(words)


def verdicts_exit(verdicts: Iterable[str], fail_on: Iterable[str] = DEFAULT_FAIL_ON) -> int:
    """EXIT_FINDINGS when any verdict is in `fail_on`, else EXIT_OK."""
    failing = set(fail_on)
    return EXIT_FINDINGS if any(v in failing for v in verdicts) else EXIT_OK


__all__ = ["DEFAULT_FAIL_ON", "EXIT_FINDINGS", "EXIT_OK", "EXIT_UNDECIDED", "EXIT_USAGE", "VERDICTS", "UsageError",
           "did_you_mean", "parse_fail_on", "verdicts_exit"]

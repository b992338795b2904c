"""What a comparison concludes (a leaf module shared by every comparison and claim kind)."""

from __future__ import annotations

from dataclasses import dataclass

from verify.result import Counterexample


@dataclass
class Comparison:
    equal: bool | None          # None: could not decide
    proven: bool = False
    counterexample: Counterexample | None = None
    diagnosis: str | None = None
    evidence: str = ""
    reason: str = ""

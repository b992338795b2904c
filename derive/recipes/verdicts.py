"""What a property recipe concludes (a leaf module shared by derive/recipes/properties.py and floats.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Property:
    """A decided (or undecidable) statement, with the evidence a reader can check."""

    statement: str
    holds: bool | None
    evidence: str
    witness: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.statement

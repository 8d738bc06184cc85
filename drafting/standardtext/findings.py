"""A problem (or a count) found in a standard's text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from drafting.standardtext.messages import format_message

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Finding:
    """``code`` is stable (tests, API, UI filters); ``clause`` is the number of
    the clause it is in ("4.2", "A.1") or ``None``; ``line`` is 1-based."""

    code: str
    severity: Severity
    clause: str | None = None
    line: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, locale: str = "zh") -> str:
        return format_message(self.code, self.params, self.clause, locale)

    def to_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "clause": self.clause,
            "line": self.line,
            "params": dict(self.params),
            "message": self.message(locale),
        }

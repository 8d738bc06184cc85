"""What the cover, header and foreword say about a standard (its metadata)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    """The stages of a group standard, in order."""

    WORKING_DRAFT = "working_draft"
    DRAFT_FOR_COMMENTS = "draft_for_comments"
    DRAFT_FOR_REVIEW = "draft_for_review"
    DRAFT_FOR_APPROVAL = "draft_for_approval"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """The stage as printed on the cover and the watermark ("" when published)."""
        return STAGE_LABELS[self]

    @property
    def is_draft(self) -> bool:
        return self is not Stage.PUBLISHED


STAGE_LABELS: dict[Stage, str] = {
    Stage.WORKING_DRAFT: "工作组讨论稿",
    Stage.DRAFT_FOR_COMMENTS: "征求意见稿",
    Stage.DRAFT_FOR_REVIEW: "送审稿",
    Stage.DRAFT_FOR_APPROVAL: "报批稿",
    Stage.PUBLISHED: "",
}

_NUMBER_DASH_RE = re.compile(r"^(T/\S+\s+[\d.]+)\s*[-－–—]+\s*(\d{4})$")


def normalize_number(number: str) -> str:
    """ "T/CESA 1234-2026" → "T/CESA 1234—2026": GB numbers use an em dash before the year."""
    cleaned = " ".join(number.split())
    match = _NUMBER_DASH_RE.match(cleaned)
    return f"{match.group(1)}—{match.group(2)}" if match else cleaned


@dataclass(frozen=True)
class DocumentMeta:
    """Everything about a standard except its text.

    ``drafting_units`` are in the order printed in the foreword (main drafting
    units first); ``drafters`` are people's names. ``issuing_body`` defaults to
    the association.
    """

    association_name: str
    association_code: str
    number: str
    title_zh: str
    title_en: str = ""
    ics: str = ""
    ccs: str = ""
    stage: Stage = Stage.WORKING_DRAFT
    replaces: str = ""
    #: 一致性程度: "ISO 12345:2020, MOD" (IDT / MOD / NEQ); printed on the cover and in 前言.
    adoption: str = ""
    #: The document involves known patents: the foreword states them instead of
    #: the default patent sentence.
    known_patents: bool = False
    published_on: date | None = None
    implemented_on: date | None = None
    issuing_body: str = ""
    drafting_units: tuple[str, ...] = field(default_factory=tuple)
    drafters: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # Accept lists and plain strings from callers; keep the object hashable.
        object.__setattr__(self, "stage", Stage(self.stage))
        object.__setattr__(self, "number", normalize_number(self.number))
        if self.replaces:
            replaced = [normalize_number(n) for n in re.split(r"\s*[、,，;；]\s*", self.replaces)]
            object.__setattr__(self, "replaces", "、".join(n for n in replaced if n))
        object.__setattr__(self, "drafting_units", tuple(self.drafting_units))
        object.__setattr__(self, "drafters", tuple(self.drafters))

    @property
    def issuer(self) -> str:
        return self.issuing_body or self.association_name

    @property
    def published_label(self) -> str:
        return _date_label(self.published_on)

    @property
    def implemented_label(self) -> str:
        return _date_label(self.implemented_on)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, stable: used for the cache key and to cross a process boundary."""
        data = asdict(self)
        data["stage"] = self.stage.value
        data["published_on"] = self.published_on.isoformat() if self.published_on else None
        data["implemented_on"] = self.implemented_on.isoformat() if self.implemented_on else None
        data["drafting_units"] = list(self.drafting_units)
        data["drafters"] = list(self.drafters)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentMeta:
        values = dict(data)
        for key in ("published_on", "implemented_on"):
            if values.get(key):
                values[key] = date.fromisoformat(values[key])
        return cls(**values)


def _date_label(day: date | None) -> str:
    """Drafts print "XXXX-XX-XX" until the dates are decided."""
    return day.isoformat() if day else "XXXX-XX-XX"

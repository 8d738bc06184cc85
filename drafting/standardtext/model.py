"""What a rendered standard is made of: headings, terms, tables, figures, references.

These are plain dataclasses so that the export, the checks, the comment views
and the API can all read them without knowing about markdown-it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

HeadingKind = Literal[
    "foreword", "introduction", "clause", "term", "annex", "bibliography", "index"
]
AnnexNature = Literal["normative", "informative"]
SectionKind = Literal[
    "preamble", "foreword", "introduction", "clause", "annex", "bibliography", "index"
]

#: How an annex nature is printed: 附录A（规范性）.
NATURE_LABELS: dict[str, str] = {"normative": "规范性", "informative": "资料性"}


@dataclass(slots=True)
class Heading:
    """One heading of the outline.

    ``number`` is "4.2", "A", "A.1", "3.1" (a term) or ``None`` for the
    unnumbered elements (前言, 引言, 参考文献). ``level`` is the Markdown heading
    level: 1 for chapters, annexes and the unnumbered elements, 2 for 4.1 / A.1…
    """

    kind: HeadingKind
    number: str | None
    title: str
    level: int
    anchor: str
    annex_nature: AnnexNature | None = None
    line: int = 0
    label: str | None = None
    #: A 条 without a heading (``#. text``): numbered, not in 目次.
    headless: bool = False

    @property
    def display_number(self) -> str:
        """The number as it is cited in text: "4.2", "附录A"; "" when unnumbered."""
        if self.kind == "annex":
            return f"附录{self.number}"
        return self.number or ""

    @property
    def display(self) -> str:
        """The heading as it appears in the table of contents."""
        if self.kind == "annex":
            nature = NATURE_LABELS.get(self.annex_nature or "", "")
            nature = f"（{nature}）" if nature else ""
            return f"附录{self.number}{nature}　{self.title}".rstrip()
        if self.number:
            return f"{self.number}　{self.title}".rstrip()
        return self.title


@dataclass(slots=True)
class Term:
    """A term entry of clause 3: 3.1 标准化文件 standardizing document."""

    number: str
    term: str
    term_en: str
    definition: str
    anchor: str
    line: int


@dataclass(slots=True)
class Table:
    """A numbered table: ``number`` is "1" or "A.1"; cited as 表1 / 表A.1.
    ``rows`` counts the body rows, not the header."""

    number: str
    caption: str
    anchor: str
    line: int
    rows: int = 0
    label: str | None = None

    @property
    def display_number(self) -> str:
        return f"表{self.number}"


@dataclass(slots=True)
class Figure:
    """A numbered figure. ``source`` is the attachment name, or ``None`` when
    the image was refused (``refused`` then holds what was written)."""

    number: str
    caption: str
    anchor: str
    line: int
    source: str | None
    refused: str | None = None
    label: str | None = None

    @property
    def display_number(self) -> str:
        return f"图{self.number}"


@dataclass(slots=True)
class Reference:
    """A cross-reference ``[[...]]`` and what it resolved to."""

    target: str
    line: int
    clause: str | None
    anchor: str | None = None
    text: str | None = None

    @property
    def resolved(self) -> bool:
        return self.anchor is not None


@dataclass(slots=True)
class Section:
    """A top-level element (a chapter, an annex, 前言…) with its HTML split so
    that the export template can lay out the heading itself."""

    kind: SectionKind
    heading: Heading | None
    heading_html: str
    body_html: str
    #: 前言 only: its top-level blocks (``standardtext.foreword.Block``), so
    #: that the export can put each in its place.
    blocks: list = field(default_factory=list)

    @property
    def html(self) -> str:
        return self.heading_html + self.body_html


@dataclass(slots=True)
class Rendered:
    """The result of :func:`drafting.standardtext.render`."""

    html: str
    outline: list[Heading] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Reference]:
        return [ref for ref in self.references if not ref.resolved]

    def sections_of(self, *kinds: SectionKind) -> list[Section]:
        return [section for section in self.sections if section.kind in kinds]

"""The whole standard as one HTML document: cover, 目次, 前言, body, annexes.

The same HTML is the print source for WeasyPrint (``for_print=True``) and the
in-browser preview (``for_print=False``: asset URLs for the web app, no page
furniture). It needs no Flask app: the Jinja environment is standalone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from drafting.export.cover import title_pieces
from drafting.export.foreword import adoption_label, compose_foreword
from drafting.export.meta import DocumentMeta
from drafting.standardtext import Heading, Rendered, Section, render
from drafting.standardtext.foreword import GB_T_1_1_SENTENCE

__all__ = ["GB_T_1_1_SENTENCE", "build_html", "render_document", "toc_entries"]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"

#: On the cover of every draft that is circulated for comments.
PATENT_NOTICE = "在提交反馈意见时，请将您知道的相关专利连同支持性文件一并附上。"

#: In print the HTML is read through the fetcher's virtual root (see pdf.py),
#: which serves ``static/…`` and ``attachments/…``.
PRINT_STATIC_URL = "static/"
PREVIEW_STATIC_URL = "/static/"


@dataclass(frozen=True)
class LayoutOptions:
    """Choices that change the printed layout (and so are part of the cache key)."""

    toc_depth: int = 2
    double_sided: bool = True


@dataclass(frozen=True, slots=True)
class TocEntry:
    anchor: str
    text: str
    css: str
    roman: bool = False


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def print_attachment_url(name: str) -> str:
    return "attachments/" + quote(name)


def build_html(
    meta: DocumentMeta,
    text: str,
    *,
    for_print: bool = True,
    options: LayoutOptions | None = None,
    static_url: str | None = None,
    attachment_url: Callable[[str], str] | None = None,
    attachments: Collection[str] | None = None,
) -> str:
    """The complete HTML document of a standard.

    ``attachment_url`` turns an attachment name into a URL; print uses
    ``attachments/<name>`` (served by the PDF fetcher), the preview should pass
    the app's attachment route. ``attachments`` are the names that exist.
    """
    options = options or LayoutOptions()
    if static_url is None:
        static_url = PRINT_STATIC_URL if for_print else PREVIEW_STATIC_URL
    rendered = render(
        text,
        attachment_url=attachment_url or print_attachment_url,
        attachments=attachments,
    )
    return render_document(
        meta, rendered, for_print=for_print, options=options, static_url=static_url
    )


def render_document(
    meta: DocumentMeta,
    rendered: Rendered,
    *,
    for_print: bool,
    options: LayoutOptions,
    static_url: str,
) -> str:
    """Lay an already rendered text out in the document template."""
    forewords = rendered.sections_of("foreword")
    foreword = _first(forewords)
    # A second 前言 or 引言 is a check error, but its text must not vanish from the PDF.
    introductions = rendered.sections_of("introduction")
    main = [s for s in rendered.sections if s.kind not in ("foreword", "introduction")]
    template = environment().get_template("export/standard.html")
    return template.render(
        meta=meta,
        for_print=for_print,
        options=options,
        static_url=static_url,
        foreword=_markup(foreword),
        foreword_blocks=compose_foreword(
            meta, foreword, drafting_units=meta.drafting_units, drafters=meta.drafters
        ),
        adoption_label=adoption_label(meta.adoption) if meta.adoption else "",
        title_pieces=title_pieces(meta.title_zh),
        extra_forewords=[_markup(s) for s in forewords[1:]],
        introductions=[_markup(s) for s in introductions],
        main=[_markup(s) for s in main],
        toc=toc_entries(rendered.outline, options.toc_depth),
        patent_notice=PATENT_NOTICE,
    )


def toc_entries(outline: list[Heading], depth: int) -> list[TocEntry]:
    """目次: the front matter (roman page numbers), chapters and clauses down to
    ``depth``, annexes with their nature, the bibliography; never term entries."""
    entries = []
    for heading in outline:
        if heading.kind in ("foreword", "introduction") and heading.level == 1:
            entries.append(TocEntry(heading.anchor, heading.title, "toc-front", roman=True))
        elif heading.headless:
            continue  # a 条 without a heading is not in 目次
        elif heading.kind == "clause" and heading.number and heading.level <= depth:
            if heading.number.startswith("0."):
                continue  # introduction subclauses stay out, as in GB texts
            entries.append(TocEntry(heading.anchor, heading.display, f"toc-level-{heading.level}"))
        elif heading.kind == "annex":
            entries.append(TocEntry(heading.anchor, heading.display, "toc-annex"))
        elif heading.kind in ("bibliography", "index") and heading.level == 1:
            entries.append(TocEntry(heading.anchor, heading.title, "toc-back"))
    if not any(e.anchor == "foreword" for e in entries):
        entries.insert(0, TocEntry("foreword", "前言", "toc-front", roman=True))
    return entries


def _first(sections: list[Section]) -> Section | None:
    return sections[0] if sections else None


@dataclass(frozen=True, slots=True)
class _SafeSection:
    """A section whose HTML the template may print as is (it was sanitised)."""

    kind: str
    heading: Heading | None
    heading_html: Markup
    body_html: Markup

    @property
    def html(self) -> Markup:
        return self.heading_html + self.body_html


def _markup(section: Section | None) -> _SafeSection | None:
    if section is None:
        return None
    return _SafeSection(
        section.kind, section.heading, Markup(section.heading_html), Markup(section.body_html)
    )

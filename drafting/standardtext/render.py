"""Markdown of a standard → body HTML with numbered, anchored elements."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from drafting.standardtext import math as std_math
from drafting.standardtext.footnotes import FootnoteMark, TableFootnotes, finish_footnotes
from drafting.standardtext.foreword import Block, assign_parts, block_ranges, block_text
from drafting.standardtext.model import NATURE_LABELS, Heading, Rendered, Section
from drafting.standardtext.punctuation import compress
from drafting.standardtext.resolve import finish
from drafting.standardtext.structure import Structure, is_cjk, structure_rule
from drafting.standardtext.syntax import make_parser
from drafting.standardtext.tables import caption_rule, tables_rule

AttachmentUrl = Callable[[str], str]

#: Between a number and its title, as in GB texts: "4.2　一般要求", "表1　参数".
NUMBER_GAP = "\u3000"


def default_attachment_url(name: str) -> str:
    """Where an attachment is found relative to the export HTML."""
    return "attachments/" + quote(name)


class StandardRenderer(RendererHTML):
    """markdown-it's HTML renderer plus the elements of a standard.

    Every rule reads what the structural pass stored in ``token.meta``; only
    markup we generate ourselves, or escaped text, is emitted.
    """

    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        token = tokens[idx]
        heading: Heading | None = token.meta.get("heading")
        if heading is None:
            return self.renderToken(tokens, idx, options, env)
        tag, anchor = token.tag, heading.anchor
        if heading.kind == "term":
            term = token.meta["term"]
            english = f'<span class="term-en">{escape(term.term_en)}</span>' if term.term_en else ""
            return (
                f'<{tag} id="{anchor}" class="term"><span class="num">{heading.number}</span>'
                f'<span class="term-zh">{escape(term.term)}</span>{english}'
            )
        if heading.kind == "annex":
            nature = NATURE_LABELS.get(heading.annex_nature or "")
            nature_html = f'<span class="annex-nature">（{nature}）</span>' if nature else ""
            return (
                f'<h1 id="{anchor}" class="annex"><span class="annex-label">附录{heading.number}</span>'
                f'{nature_html}<span class="title">'
            )
        if heading.number is None:
            css = heading.kind if heading.level == 1 else "unnumbered"
            return f'<{tag} id="{anchor}" class="{css}"><span class="title">'
        return (
            f'<{tag} id="{anchor}" class="clause"><span class="num">{heading.number}</span>'
            f'{NUMBER_GAP}<span class="title">'
        )

    def heading_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        token = tokens[idx]
        heading: Heading | None = token.meta.get("heading")
        if heading is None:
            return self.renderToken(tokens, idx, options, env)
        if heading.kind == "term":
            return f"</{token.tag}>\n"
        return f"</span></{token.tag}>\n"

    def paragraph_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        meta = tokens[idx].meta
        if "note" in meta:
            kind, label = meta["note"]
            return f'<p class="{kind}"><span class="{kind}-label">{label}</span>'
        if "caption" in meta:
            table = meta["caption"]
            return (
                f'<p class="table-caption" id="{table.anchor}">'
                f'<span class="num">{table.display_number}</span>{NUMBER_GAP}'
            )
        if "figure" in meta:
            return f'<figure class="figure" id="{meta["figure"].anchor}">'
        if "headless" in meta:
            clause = meta["headless"]
            return (
                f'<p class="clause-headless" id="{clause.anchor}">'
                f'<span class="num">{clause.number}</span>{NUMBER_GAP}'
            )
        return self.renderToken(tokens, idx, options, env)

    def paragraph_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        opener = _opener_of(tokens, idx)
        figure = opener.meta.get("figure") if opener is not None else None
        if figure is not None:
            notes = opener.meta.get("footnotes")
            last_note = _figure_notes_end(tokens, idx)
            if last_note is not None:
                # GB/T 1.1: the figure's notes come above its title.
                tokens[last_note].meta["closes_figure"] = (figure, notes)
                return "\n"
            return self._figcaption(figure, notes, options, env)
        closing = tokens[idx].meta.get("closes_figure")
        if closing is not None:
            return "</p>\n" + self._figcaption(*closing, options, env)
        return self.renderToken(tokens, idx, options, env)

    def _figcaption(self, figure, notes, options: OptionsDict, env: Any) -> str:
        """The figure's title, then its footnotes a), b)… below it (GB/T 1.1)."""
        caption = f"{NUMBER_GAP}{escape(figure.caption)}" if figure.caption else ""
        footnotes = "".join(
            f'<p class="figure-footnote"><span class="fn-mark">{mark}</span>'
            f"{self.renderInline(children, options, env)}</p>\n"
            for mark, children in (notes.entries if notes is not None else [])
        )
        return (
            f'<figcaption><span class="num">{figure.display_number}</span>{caption}'
            f"</figcaption>\n{footnotes}</figure>\n"
        )

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        table = tokens[idx].meta.get("table")
        if table is None:
            return '<table class="std-table">\n'
        return f'<table class="std-table" id="{table.anchor}">\n'

    def caption_row_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        meta = tokens[idx].meta
        table = meta["table"]
        # The continuation label comes first so that it always sits on the
        # first line; the layout pass keeps one of the two (continuation.py).
        captioned = tokens[idx + 1].type == "inline"
        gap = NUMBER_GAP if captioned else ""
        return (
            f'<tr class="caption-row"><th colspan="{meta["columns"]}">'
            f'<span class="caption-cont">{table.display_number}（续）</span>'
            f'<span class="caption-first"><span class="num">{table.display_number}</span>{gap}'
        )

    def caption_row_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        return "</span></th></tr>\n"

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return _cell("th", tokens[idx])

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return _cell("td", tokens[idx])

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        token = tokens[idx]
        figure = token.meta.get("figure")
        alt = (
            figure.caption
            if figure is not None
            else self.renderInlineAsText(token.children, options, env)
        )
        name = token.meta.get("attachment")
        if name is None:
            shown = token.meta.get("refused") or token.meta.get("missing") or ""
            labels = env.get("placeholders") or PLACEHOLDERS
            label = labels["refused" if "refused" in token.meta else "missing"]
            return f'<span class="image-placeholder">{escape(label % {"name": shown})}</span>'
        url = env.get("attachment_url", default_attachment_url)(name)
        css = "figure-image" if figure is not None else "inline-image"
        return f'<img class="{css}" src="{escape(url)}" alt="{escape(alt)}" />'

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        if tokens[idx].meta.get("refused"):
            return '<span class="link-refused">'
        return self.renderToken(tokens, idx, options, env)

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        if tokens[idx].meta.get("refused"):
            return "</span>"
        return self.renderToken(tokens, idx, options, env)

    def xref(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        ref = tokens[idx].meta.get("ref")
        if ref is None or ref.anchor is None:
            return f'<span class="xref unresolved">[[{escape(tokens[idx].content)}]]</span>'
        return f'<a class="xref" href="#{ref.anchor}">{escape(ref.text or "")}</a>'

    def std_front_matter(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        return f'<pre class="unsupported front-matter">{escape(tokens[idx].content)}</pre>\n'

    def std_comment(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return ""

    # -- formulas, sub/superscripts (math.py) -----------------------------------

    def math_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        svg = tokens[idx].meta.get("svg") or std_math.tex_svg(tokens[idx].content, False).svg
        if svg is None:
            return '<span class="formula-error">［公式无法解析］</span>'
        return f'<span class="math">{std_math.slot(env, svg)}</span>'

    def math_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        token = tokens[idx]
        formula = token.meta.get("formula")
        svg = token.meta.get("svg") or std_math.tex_svg(token.content, True).svg
        body = (
            std_math.slot(env, svg)
            if svg is not None
            else '<span class="formula-error">［公式无法解析］</span>'
        )
        if formula is None:
            return f'<div class="formula"><span class="formula-body">{body}</span></div>\n'
        return (
            f'<div class="formula" id="{formula.anchor}"><span class="formula-body">{body}</span>'
            f'<span class="formula-number">{formula.display_number}</span></div>\n'
        )

    def sub(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"<sub>{escape(tokens[idx].content)}</sub>"

    def sup(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"<sup>{escape(tokens[idx].content)}</sup>"

    def where_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return '<div class="formula-where"><p class="where-label">其中：</p>\n'

    def where_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return "</div>\n"

    def where_item_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        return '<p class="where-item"><span class="where-symbol">'

    def where_sep(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return '</span><span class="where-dash">——</span><span class="where-text">'

    def where_item_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        return "</span></p>\n"

    # -- footnotes (footnotes.py) and table notes (tables.py) --------------------

    def footnote_ref(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        token = tokens[idx]
        mark: FootnoteMark | None = token.meta.get("mark")
        if mark is None:
            return f'<span class="footnote-unresolved">[^{escape(token.content)}]</span>'
        if mark.kind == "table" or not mark.first:
            css = "table-fn-ref" if mark.kind == "table" else "fn-ref"
            return f'<sup class="{css}">{mark.mark}</sup>'
        text = self.renderInline(mark.children or [], options, env)
        # The call is ours (not ::footnote-call), so print and preview show
        # the same number; the span floats to the foot of the page in print.
        return (
            f'<sup class="fn-call">{mark.mark}</sup><span class="footnote">'
            f'<span class="fn-mark">{mark.mark}</span><span class="fn-text">{text}</span></span>'
        )

    def footnote_def_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        meta = tokens[idx].meta
        if not meta.get("unused"):
            return ""
        # Cited nowhere: printed where it was written, never dropped.
        text = self.renderInline(meta.get("children") or [], options, env)
        return (
            f'<p class="footnote-orphan"><span class="fn-mark">[^{escape(meta["label"])}]</span>'
            f"{text}</p>\n"
        )

    def footnote_def_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        return ""

    def cell_break(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return "<br />"

    def table_notes_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        meta = tokens[idx].meta
        if not meta["notes"] and not _table_footnotes(meta):
            return ""
        return f'<tbody class="table-notes"><tr><td colspan="{meta["columns"]}">\n'

    def table_notes_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        meta = tokens[idx].meta
        entries = _table_footnotes(meta)
        if not entries and not _opener_meta(tokens, idx).get("notes"):
            return ""
        notes = "".join(
            f'<p class="table-footnote"><span class="fn-mark">{mark}</span>'
            f"{self.renderInline(children, options, env)}</p>\n"
            for mark, children in entries
        )
        return f"{notes}</td></tr></tbody>\n"

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return compress(tokens[idx].content)

    def softbreak(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        # A line break inside Chinese text is not a word space: joining the
        # lines with "\n" would print a stray space between two characters.
        before = tokens[idx - 1].content[-1:] if idx > 0 else ""
        after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
        if (before and is_cjk(before)) or (after and is_cjk(after)):
            return ""
        return "\n"


_ALIGN_CLASSES = {
    "text-align:left": "align-left",
    "text-align:center": "align-center",
    "text-align:right": "align-right",
}


def _cell(tag: str, token: Token) -> str:
    """Column alignment as a class, not a style attribute: no inline CSS ever
    reaches the output, and WeasyPrint need not parse one per cell. Spans
    come from merged cells (tables.py)."""
    css = _ALIGN_CLASSES.get(str(token.attrs.get("style", "")))
    spans = "".join(
        f' {name}="{token.meta[name]}"' for name in ("colspan", "rowspan") if name in token.meta
    )
    return f'<{tag} class="{css}"{spans}>' if css else f"<{tag}{spans}>"


def _table_footnotes(meta: dict) -> list:
    notes: TableFootnotes | None = meta["table_open"].meta.get("footnotes")
    return notes.entries if notes is not None else []


def _opener_meta(tokens: Sequence[Token], idx: int) -> dict:
    """The table_notes_open of a table_notes_close."""
    for k in range(idx - 1, -1, -1):
        if tokens[k].type == "table_notes_open":
            return tokens[k].meta
    return {}


def _figure_notes_end(tokens: Sequence[Token], idx: int) -> int | None:
    """The paragraph_close of the last 注 paragraph right after a figure, if any."""
    last, j = None, idx + 1
    while (
        j + 2 < len(tokens)
        and tokens[j].type == "paragraph_open"
        and tokens[j].meta.get("note", ("",))[0] == "note"
    ):
        last = j + 2
        j += 3
    return last


def _opener_of(tokens: Sequence[Token], idx: int) -> Token | None:
    """The paragraph_open of a paragraph_close: two tokens back (open, inline, close)."""
    return tokens[idx - 2] if idx >= 2 and tokens[idx - 2].type == "paragraph_open" else None


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared parser: markdown-it keeps no state between calls."""
    md = make_parser(StandardRenderer)
    md.core.ruler.after("block", "std_tables", tables_rule)
    md.core.ruler.after("std_tables", "std_where", std_math.where_rule)
    md.core.ruler.after("std_where", "std_structure", structure_rule)
    md.core.ruler.after("std_structure", "std_captions", caption_rule)
    return md


# Defence in depth: even if a rule above let something through, only these
# tags, attributes and URL schemes can reach a browser or WeasyPrint.
_CLEANER = nh3.Cleaner(
    tags={
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "span",
        "a",
        "em",
        "strong",
        "s",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "img",
        "br",
        "hr",
        "sub",
        "sup",
        "div",
    },
    attributes={
        "*": {"id", "class"},
        "a": {"href", "title"},
        "img": {"src", "alt", "title"},
        "ol": {"start"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
    },
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    strip_comments=True,
)


def sanitize(html: str) -> str:
    return _CLEANER.clean(html)


@dataclass(slots=True)
class Analysis:
    """A parsed text: the tokens and what the structural pass found."""

    tokens: list[Token]
    structure: Structure
    env: dict[str, Any]


def analyze(text: str, *, attachments: Collection[str] | None = None) -> Analysis:
    """Parse once and run both passes; shared by :func:`render` and the checks."""
    env: dict[str, Any] = {}
    tokens = parser().parse(text, env)
    structure: Structure = env["structure"]
    finish(tokens, structure, attachments)
    finish_footnotes(tokens, structure)
    std_math.check_formulas(tokens, structure.findings)
    return Analysis(tokens, structure, env)


# What an image that cannot be shown becomes; the pages pass them in the
# reader's language (a standard's own text, and its PDF, stay Chinese).
PLACEHOLDERS = {"missing": "［缺少附件：%(name)s］", "refused": "［图片不可用：%(name)s］"}


def foreword_blocks(md: MarkdownIt, analysis: Analysis, start: int, end: int) -> list[Block]:
    """The foreword's top-level blocks, each rendered on its own and given its part."""
    tokens = analysis.tokens
    ranges = [
        (a, b) for a, b in block_ranges(tokens, start, end) if tokens[a].type != "std_comment"
    ]
    texts = [block_text(tokens[a:b]) for a, b in ranges]
    blocks = []
    for (a, b), text, part in zip(ranges, texts, assign_parts(texts), strict=True):
        html = std_math.inject(
            sanitize(md.renderer.render(tokens[a:b], md.options, analysis.env)), analysis.env
        )
        line = tokens[a].map[0] + 1 if tokens[a].map else 0
        blocks.append(Block(text, html, line, part))
    return blocks


def render(
    text: str,
    *,
    attachment_url: AttachmentUrl | None = None,
    attachments: Collection[str] | None = None,
    placeholders: dict[str, str] | None = None,
) -> Rendered:
    """Render a standard's Markdown to body HTML and its outline.

    ``attachment_url`` maps an attachment name to the URL the HTML should use
    (default ``attachments/<name>``, which the PDF fetcher serves).
    ``attachments``, when given, are the names that exist: images naming
    anything else become a placeholder, worded by ``placeholders`` (keys
    "missing" and "refused", each with ``%(name)s``; default Chinese).
    """
    analysis = analyze(text, attachments=attachments)
    if attachment_url is not None:
        analysis.env["attachment_url"] = attachment_url
    if placeholders is not None:
        analysis.env["placeholders"] = placeholders
    md, tokens, structure = parser(), analysis.tokens, analysis.structure
    sections = []
    for span in structure.sections:
        head_end = span.start + 3 if span.heading is not None else span.start
        heading_html = md.renderer.render(tokens[span.start : head_end], md.options, analysis.env)
        body_html = md.renderer.render(tokens[head_end : span.end], md.options, analysis.env)
        env = analysis.env
        section = Section(
            span.kind,
            span.heading,
            std_math.inject(sanitize(heading_html), env),
            std_math.inject(sanitize(body_html), env),
        )
        if span.kind == "foreword":
            section.blocks = foreword_blocks(md, analysis, head_end, span.end)
        sections.append(section)
    return Rendered(
        html="".join(section.html for section in sections),
        outline=structure.headings,
        terms=structure.terms,
        tables=structure.tables,
        figures=structure.figures,
        references=structure.references,
        sections=sections,
    )

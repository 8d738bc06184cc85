"""Our Markdown dialect → a .docx laid out per GB/T 1.1-2020.

It walks the same parsed structure the PDF is made from
(:func:`drafting.standardtext.render.analyze`: numbered headings, terms,
notes, tables, figures and resolved references in ``token.meta``) and writes
it with python-docx:

- three Word sections: the cover (no page number), 目次 / 前言 / 引言 (roman
  page numbers) and the body (arabic from 1), each with the standard number
  in the header and the page number in the footer;
- 目次 is a real ``TOC`` field (Word fills in the page numbers; the entries
  are written into it already, so a reader that does not update fields still
  shows them);
- chapters and clauses are Word's Heading 1…5 (outline levels 0…4) with their
  number as text, annexes and 前言 / 引言 / 参考文献 have level-0 styles of their own;
- every element has a named style (``styles.py``); formulas are Word
  equations (OMML, see ``math.py``) numbered (1), (A.1) as the structural pass
  numbered them; footnotes are Word footnotes; a table's footnotes a), b)… and
  notes are printed in its frame (a last row spanning all columns), as in the PDF;
- 前言 is composed by ``drafting.export.foreword.compose_foreword`` (the same
  decisions as the PDF: 起草依据, 代替, 一致性程度, the patent sentence, units,
  drafters, and the typed blocks in their parts).

Nothing here re-reads the Markdown: formulas, sub/superscripts, footnotes,
merged cells, ``#.`` clauses and 索引 all come from the parser's tokens.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree
from markdown_it.token import Token

from drafting.core.spreadsheet import clean_text
from drafting.export.assemble import PATENT_NOTICE, toc_entries
from drafting.export.foreword import adoption_label, compose_foreword
from drafting.export.meta import DocumentMeta
from drafting.standardtext.foreword import Block, assign_parts, block_ranges, block_text
from drafting.standardtext.model import NATURE_LABELS, Heading, Section
from drafting.standardtext.render import analyze
from drafting.standardtext.structure import is_cjk
from drafting.word import styles as st
from drafting.word.math import latex_to_omml

Attachment = bytes | Path
#: What follows Word's footnote number in the text and at the foot of the page:
#: GB/T 1.1 footnotes are 1), 2)…  Word's own numbering (w:numFmt) has no
#: suffix, and a custom mark (w:customMarkFollows) is printed twice by
#: LibreOffice 7.4 ("1)1)"), so the number stays Word's (it renumbers as
#: footnotes are added) and ")" is a run of the same character style after it.
FOOTNOTE_SUFFIX = ")"
#: The widest a figure may be printed (the text block of an A4 page).
MAX_FIGURE_WIDTH = Mm(150)


@dataclass
class _State:
    footnotes: dict[str, str] = field(default_factory=dict)
    #: the footnotes' paragraphs (w:p), written like body text, by footnote number
    footnote_paragraphs: dict[int, object] = field(default_factory=dict)
    footnote_numbers: dict[str, int] = field(default_factory=dict)
    formulas: list[str] = field(default_factory=list)
    #: placeholders (run elements) to replace with the OMML of formulas[i]
    formula_runs: list[tuple[object, int]] = field(default_factory=list)
    #: the table footnotes a), b)… of the table being written, printed in its frame
    table_footnotes: list[tuple[str, list[Token]]] = field(default_factory=list)


def bookmark_name(anchor: str) -> str:
    """Word bookmark names: a letter first, then letters, digits and "_"."""
    return "x_" + re.sub(r"[^0-9A-Za-z_]", "_", anchor)[:38]


def label_bookmark(label: str) -> str | None:
    """The bookmark that keeps a ``{#label}`` (hex of its UTF-8, so any label fits), or None if too long."""
    name = "x_lbl_" + label.encode("utf-8").hex()
    return name if len(name) <= 40 else None


def export_docx(
    meta: DocumentMeta,
    text: str,
    *,
    attachments: Mapping[str, Attachment] | None = None,
    toc_depth: int = 2,
) -> bytes:
    """The .docx of a standard."""
    # Control characters and lone surrogates cannot be written into XML: they
    # become U+FFFD, as in the spreadsheets, rather than failing the export.
    text = clean_text(text)
    meta = dataclasses.replace(
        meta,
        **{
            f.name: clean_text(value)
            if isinstance(value, str)
            else tuple(clean_text(v) for v in value)
            for f in dataclasses.fields(meta)
            if isinstance(value := getattr(meta, f.name), str)
            or (isinstance(value, tuple) and all(isinstance(v, str) for v in value))
        },
    )
    attachments = dict(attachments or {})
    analysis = analyze(text, attachments=set(attachments))
    tokens = analysis.tokens
    structure = analysis.structure
    document = Document()
    st.install_styles(document)
    _update_fields_on_open(document)
    state = _State()
    state.footnotes = _footnote_definitions(tokens)
    writer = _Writer(document, state, attachments)

    cover = document.sections[0]
    st.page_setup(cover)
    writer.cover(meta)
    front = document.add_section(WD_SECTION.ODD_PAGE)
    # python-docx's newest section is always the body's last sectPr; the next
    # add_section copies it into the front matter, header and numbering included.
    _page_numbers(front, "upperRoman")
    _header_footer(front, meta.number, document)
    writer.toc(toc_entries(structure.headings, toc_depth))

    spans = structure.sections
    forewords = [s for s in spans if s.kind == "foreword"]
    introductions = [s for s in spans if s.kind == "introduction"]
    main = [s for s in spans if s.kind not in ("foreword", "introduction")]
    writer.page_break()
    if forewords:
        first = forewords[0]
        writer.blocks(tokens, first.start, first.start + 3)
        writer.foreword(meta, tokens, first.start + 3, first.end)
    else:
        writer.paragraph("前言", "StdFrontTitle", bookmark="foreword")
        writer.foreword(meta, tokens, 0, 0)
    for extra in forewords[1:]:
        writer.blocks(tokens, extra.start, extra.end)
    for introduction in introductions:
        writer.page_break()
        writer.blocks(tokens, introduction.start, introduction.end)

    body_section = document.add_section(WD_SECTION.ODD_PAGE)
    _page_numbers(body_section, "decimal")
    writer.paragraph(meta.title_zh, "StdBodyTitle")
    for span in main:
        if span.heading is not None and span.heading.kind in ("annex", "bibliography"):
            writer.page_break()
        writer.blocks(tokens, span.start, span.end)
    writer.paragraph("", "StdEndMark")
    _end_rule(document.paragraphs[-1])

    cover.different_first_page_header_footer = False
    _formulas(state)
    _footnotes_part(document, state)
    _core_properties(document, meta)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the writer -------------------------------------------------------------------


class _Writer:
    def __init__(self, document, state: _State, attachments: dict[str, Attachment]) -> None:
        self.document = document
        self.state = state
        self.attachments = attachments
        self.bookmark_id = 100

    # paragraphs

    def paragraph(self, text: str = "", style: str = "StdBody", *, bookmark: str | None = None):
        paragraph = self.document.add_paragraph()
        _pstyle(paragraph, style)
        if text:
            paragraph.add_run(text)
        if bookmark:
            self.bookmark(paragraph, bookmark)
        return paragraph

    def _style(self, style_id: str):
        if style_id.startswith("Heading"):
            return self.document.styles[style_id]
        name = st.PARAGRAPH_STYLES[style_id][0]
        return self.document.styles[name]

    def label(self, paragraph, label: str | None) -> None:
        name = label_bookmark(label) if label else None
        if name is not None:
            self.bookmark(paragraph, name, raw=True)

    def bookmark(self, paragraph, anchor: str, *, raw: bool = False) -> None:
        self.bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), anchor if raw else bookmark_name(anchor))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.bookmark_id))
        ppr = paragraph._p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            paragraph._p.insert(0, start)
        paragraph._p.append(end)

    def page_break(self) -> None:
        paragraph = self.document.add_paragraph()
        _pstyle(paragraph, "StdBody")
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.add_run().add_break(WD_BREAK.PAGE)

    # cover and toc

    def cover(self, meta: DocumentMeta) -> None:
        self.paragraph(f"ICS {meta.ics or '　'}", "StdCoverCodes")
        self.paragraph(f"CCS {meta.ccs or '　'}", "StdCoverCodes")
        self.paragraph(meta.association_code, "StdCoverMark")
        masthead = self.paragraph("团体标准", "StdCoverMasthead")
        masthead.paragraph_format.space_before = Pt(36)
        number = self.paragraph(meta.number, "StdCoverNumber")
        number.paragraph_format.space_before = Pt(12)
        if meta.replaces:
            self.paragraph(f"代替 {meta.replaces}", "StdCoverReplaces")
        _rule(number)
        title = self.paragraph(meta.title_zh, "StdCoverTitle")
        title.paragraph_format.space_before = Pt(120)
        if meta.title_en:
            self.paragraph(meta.title_en, "StdCoverTitleEn").paragraph_format.space_before = Pt(12)
        if meta.adoption:
            self.paragraph(adoption_label(meta.adoption), "StdCoverAdoption")
        if meta.stage.is_draft:
            self.paragraph(
                f"（{meta.stage.label}）", "StdCoverStage"
            ).paragraph_format.space_before = Pt(24)
            self.paragraph(PATENT_NOTICE, "StdCoverNotice").paragraph_format.space_before = Pt(12)
        dates = self.paragraph(
            f"{meta.published_label} 发布\t{meta.implemented_label} 实施", "StdCoverDates"
        )
        dates.paragraph_format.alignment = None
        dates.paragraph_format.tab_stops.add_tab_stop(Mm(165), WD_TAB_ALIGNMENT.RIGHT)
        dates.paragraph_format.space_before = Pt(150)
        _rule(dates)
        self.paragraph(f"{meta.issuer}　发布", "StdCoverIssuer").paragraph_format.space_before = Pt(
            12
        )

    def toc(self, entries) -> None:
        self.paragraph("目　　次", "StdTocTitle")
        styles = {"toc-level-1": "toc 1", "toc-level-2": "toc 2", "toc-front": "toc 1",
                  "toc-annex": "toc 1", "toc-back": "toc 1"}  # fmt: skip
        if not entries:
            entries = []
        first = None
        last = None
        for entry in entries:
            paragraph = self.document.add_paragraph()
            _pstyle(paragraph, styles.get(entry.css, "toc 2").replace("toc ", "TOC"))
            paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(165), WD_TAB_ALIGNMENT.RIGHT, 1)
            if first is None:
                first = paragraph
            paragraph.add_run(entry.text.replace("\n", " "))
            paragraph.add_run("\t")
            last = paragraph
        if first is None:
            first = last = self.document.add_paragraph()
            _pstyle(first, "TOC1")
        instr = 'TOC \\o "1-2" \\h \\u'
        begin = _field_char("begin", dirty=True)
        first._p.insert(1 if first._p.pPr is not None else 0, _run_with(begin))
        begin_run = first._p[1 if first._p.pPr is not None else 0]
        begin_run.addnext(_run_with(_instr(instr)))
        begin_run.getnext().addnext(_run_with(_field_char("separate")))
        last._p.append(_run_with(_field_char("end")))

    def foreword(self, meta: DocumentMeta, tokens: list[Token], start: int, end: int) -> None:
        """前言 as the PDF composes it (drafting/export/foreword.py): the generated
        sentences (起草依据, 代替, 一致性程度, patents, units, drafters) and the typed
        blocks, each in its part; a typed block that repeats a generated one is left out."""
        ranges = [
            (a, b) for a, b in block_ranges(tokens, start, end) if tokens[a].type != "std_comment"
        ]
        texts = [block_text(tokens[a:b]) for a, b in ranges]
        markers = {}
        blocks = []
        for k, ((a, b), text, part) in enumerate(
            zip(ranges, texts, assign_parts(texts), strict=True)
        ):
            marker = f"<!--word-block-{k}-->"
            markers[marker] = (a, b)
            line = tokens[a].map[0] + 1 if tokens[a].map else 0
            blocks.append(Block(text, marker, line, part))
        section = Section("foreword", None, "", "", blocks=blocks)
        for html in compose_foreword(
            meta, section, drafting_units=meta.drafting_units, drafters=meta.drafters
        ):
            if str(html) in markers:
                a, b = markers[str(html)]
                self.blocks(tokens, a, b)
                continue
            match = _GENERATED_RE.match(str(html))
            if match is not None:
                self.paragraph(unescape(match.group("text")), "StdBody")

    # blocks

    def blocks(self, tokens: list[Token], start: int, end: int) -> None:
        i = start
        while i < end:
            i = self.block(tokens, i, end)

    def block(self, tokens: list[Token], i: int, end: int) -> int:
        token = tokens[i]
        ttype = token.type
        if ttype == "heading_open":
            self.heading(token, tokens[i + 1])
            return i + 3
        if ttype == "math_block":
            formula = token.meta.get("formula")
            self.display_formula(token.content, formula, token.meta.get("label"))
            return i + 1
        if ttype == "where_open":
            return self.where(tokens, i)
        if ttype == "footnote_def_open":
            if token.meta.get("unused"):  # cited nowhere: printed where it was written
                paragraph = self.paragraph(f"[^{token.meta['label']}]: ", "StdBody")
                self.children(paragraph, token.meta.get("children") or [])
            return i + 3
        if ttype == "paragraph_open":
            return self.paragraph_block(tokens, i, end)
        if ttype in ("bullet_list_open", "ordered_list_open"):
            return self.list_block(tokens, i, 0)
        if ttype == "table_open":
            return self.table(tokens, i)
        if ttype in ("fence", "code_block"):
            for line in token.content.rstrip("\n").split("\n"):
                self.paragraph(line, "StdCode")
            return i + 1
        if ttype == "blockquote_open":
            depth, j = 0, i
            while j < end:
                if tokens[j].type == "blockquote_open":
                    depth += 1
                elif tokens[j].type == "blockquote_close":
                    depth -= 1
                    if depth == 0:
                        break
                elif tokens[j].type == "inline":
                    paragraph = self.paragraph("", "StdQuote")
                    self.inline(paragraph, tokens[j])
                j += 1
            return j + 1
        return i + 1

    def heading(self, open_token: Token, inline: Token) -> None:
        heading: Heading | None = open_token.meta.get("heading")
        if heading is None:
            paragraph = self.paragraph("", "StdBody")
            self.inline(paragraph, inline)
            return
        if heading.kind == "term":
            term = open_token.meta["term"]
            number = self.paragraph(heading.number or "", "StdTermNumber", bookmark=heading.anchor)
            number.paragraph_format.keep_with_next = True
            paragraph = self.paragraph(term.term, "StdTerm")
            if term.term_en:
                paragraph.add_run("　")
                _rstyle(paragraph.add_run(term.term_en), "StdTermEn")
            return
        if heading.kind == "annex":
            self.state.annex = heading.number
            paragraph = self.paragraph(
                f"附录{heading.number}", "StdAnnexTitle", bookmark=heading.anchor
            )
            nature = NATURE_LABELS.get(heading.annex_nature or "")
            run = paragraph.add_run()
            run.add_break()
            paragraph.add_run(f"（{nature}）" if nature else "")
            paragraph.add_run().add_break()
            self.inline(paragraph, inline)
            return
        if heading.kind == "index" and heading.level == 1:
            self.paragraph("索　　引", "StdBibliographyTitle", bookmark=heading.anchor)
            return
        if heading.level == 1 and heading.number is None:
            style = "StdBibliographyTitle" if heading.kind == "bibliography" else "StdFrontTitle"
            title = "　".join(heading.title) if len(heading.title) == 2 else heading.title
            self.paragraph(title, style, bookmark=heading.anchor)
            return
        if heading.number is None:
            paragraph = self.paragraph("", "StdBody")
            self.inline(paragraph, inline, bold=True)
            return
        level = min(heading.level, st.HEADING_LEVELS)
        paragraph = self.paragraph("", f"Heading {level}", bookmark=heading.anchor)
        self.label(paragraph, heading.label)
        _rstyle(paragraph.add_run(heading.number), "StdNumber")
        paragraph.add_run("　")
        self.inline(paragraph, inline)

    def paragraph_block(self, tokens: list[Token], i: int, end: int) -> int:
        open_token, inline = tokens[i], tokens[i + 1]
        meta = open_token.meta
        if open_token.hidden:  # inside a tight list: handled by list_block
            paragraph = self.paragraph("", "StdBody")
            self.inline(paragraph, inline)
            return i + 3
        if "note" in meta:
            kind, label = meta["note"]
            style = "StdNote" if kind == "note" else "StdExample"
            paragraph = self.paragraph("", style)
            _rstyle(paragraph.add_run(label), "StdNoteLabel")
            self.inline(paragraph, inline)
            return i + 3
        if "caption" in meta:
            return i + 3  # printed by table()
        if "figure" in meta:
            self.figure(meta["figure"], inline)
            # GB/T 1.1 (and the PDF): the figure's notes come above its title
            j = i + 3
            while (
                j + 2 < end
                and tokens[j].type == "paragraph_open"
                and tokens[j].meta.get("note", ("",))[0] == "note"
            ):
                j = self.paragraph_block(tokens, j, end)
            self.figure_caption(meta["figure"])
            return j
        if "headless" in meta:
            # a 条 without a heading: its number on the same line, not in 目次
            clause: Heading = meta["headless"]
            paragraph = self.paragraph("", "StdBody", bookmark=clause.anchor)
            self.label(paragraph, clause.label)
            paragraph.paragraph_format.first_line_indent = Pt(0)
            _rstyle(paragraph.add_run(clause.number or ""), "StdNumber")
            paragraph.add_run("　")
            self.inline(paragraph, inline)
            return i + 3
        paragraph = self.paragraph("", "StdBody")
        self.inline(paragraph, inline)
        return i + 3

    def display_formula(self, tex: str, formula, label: str | None) -> None:
        """A display formula and its number (1), (A.1) as the structural pass gave it."""
        paragraph = self.paragraph(
            "", "StdFormula", bookmark=formula.anchor if formula is not None else None
        )
        self.label(paragraph, label)
        fmt = paragraph.paragraph_format
        fmt.tab_stops.add_tab_stop(Mm(82), WD_TAB_ALIGNMENT.CENTER)
        fmt.tab_stops.add_tab_stop(Mm(165), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run("\t")
        self.formula(paragraph, tex.strip())
        if formula is not None:
            paragraph.add_run(f"\t{formula.display_number}")

    def where(self, tokens: list[Token], i: int) -> int:
        """其中： and one symbol——explanation per line, in one paragraph."""
        paragraph = self.paragraph("其中：", "StdBody")
        paragraph.paragraph_format.first_line_indent = Pt(0)
        # left, not justified: a justified line that ends in a break is stretched
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        j = i + 1
        while tokens[j].type != "where_close":
            token = tokens[j]
            if token.type == "where_item_open":
                paragraph.add_run().add_break()
            elif token.type == "where_sep":
                paragraph.add_run("——")
            elif token.type == "inline":
                self.inline(paragraph, token)
            j += 1
        return j + 1

    def formula(self, paragraph, tex: str) -> None:
        index = len(self.state.formulas)
        self.state.formulas.append(tex)
        run = paragraph.add_run(f"${tex}$")
        self.state.formula_runs.append((run._r, index))

    def figure(self, figure, inline: Token) -> None:
        paragraph = self.paragraph("", "StdFigure", bookmark=figure.anchor)
        self.label(paragraph, figure.label)
        data = self.attachments.get(figure.source or "")
        if data is not None:
            blob = data.read_bytes() if isinstance(data, Path) else bytes(data)
            try:
                picture = paragraph.add_run().add_picture(io.BytesIO(blob))
                if picture.width > MAX_FIGURE_WIDTH:
                    ratio = MAX_FIGURE_WIDTH / picture.width
                    picture.width = MAX_FIGURE_WIDTH
                    picture.height = int(picture.height * ratio)
                picture._inline.docPr.set("descr", figure.source or "")
            except Exception:  # an image python-docx cannot read: say so in the text
                paragraph.add_run(f"［图片不可用：{figure.source}］")
        else:
            images = [c for c in inline.children or [] if c.type == "image"]
            missing = images[0].meta.get("missing") if images else None
            shown = figure.source or missing or figure.refused or ""
            paragraph.add_run(f"［缺少附件：{shown}］")

    def figure_caption(self, figure) -> None:
        caption = self.paragraph("", "StdFigureCaption")
        caption.add_run(figure.display_number)
        if figure.caption:
            caption.add_run("　" + figure.caption)

    def list_block(self, tokens: list[Token], i: int, depth: int) -> int:
        open_token = tokens[i]
        ordered = open_token.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        start = int(open_token.attrs.get("start", 1) or 1) if ordered else 1
        n = start - 1
        j = i + 1
        while tokens[j].type != close or tokens[j].level != open_token.level:
            token = tokens[j]
            if token.type == "list_item_open":
                n += 1
                first = True
                j += 1
                while not (tokens[j].type == "list_item_close" and tokens[j].level == token.level):
                    inner = tokens[j]
                    if inner.type in ("bullet_list_open", "ordered_list_open"):
                        j = self.list_block(tokens, j, depth + 1)
                        continue
                    if inner.type == "inline":
                        style, marker = _list_style(ordered, depth, n)
                        paragraph = self.paragraph("", style)
                        if first:
                            paragraph.add_run(marker)
                        else:
                            paragraph.paragraph_format.first_line_indent = Pt(0)
                        first = False
                        self.inline(paragraph, inner)
                    j += 1
            j += 1
        return j + 1

    def table(self, tokens: list[Token], i: int) -> int:
        """A table as the PDF lays it out (tables.py): the caption above it, the
        header rows repeated, merged cells from the cells' spans, line breaks and
        lists in cells, and the notes and table footnotes a), b)… in its frame."""
        open_token = tokens[i]
        table_meta = open_token.meta.get("table")
        caption_inline: Token | None = None
        #: rows of (the cell's tokens, rowspan, colspan, align)
        rows: list[list[tuple[list[Token], int, int, str]]] = []
        header_rows = 0
        notes: list[tuple[str, Token]] = []
        j = i + 1
        in_head = in_notes = False
        while tokens[j].type != "table_close":
            token = tokens[j]
            ttype = token.type
            if ttype == "caption_row_open":
                if tokens[j + 1].type == "inline":
                    caption_inline = tokens[j + 1]
                while tokens[j].type != "caption_row_close":
                    j += 1
            elif ttype == "thead_open":
                in_head = True
            elif ttype == "thead_close":
                in_head = False
            elif ttype == "table_notes_open":
                in_notes = True
            elif ttype == "table_notes_close":
                in_notes = False
            elif ttype == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif ttype in ("th_open", "td_open"):
                close = "th_close" if ttype == "th_open" else "td_close"
                k = j + 1
                while tokens[k].type != close:
                    k += 1
                rowspan = int(token.meta.get("rowspan", 1))
                colspan = int(token.meta.get("colspan", 1))
                align = str(token.attrs.get("style", ""))
                rows[-1].append((tokens[j + 1 : k], rowspan, colspan, align))
                j = k
            elif ttype == "paragraph_open" and in_notes and "note" in token.meta:
                notes.append((token.meta["note"][1], tokens[j + 1]))
                j += 2
            j += 1
        after = j + 1
        footnotes = open_token.meta.get("footnotes")
        entries = list(footnotes.entries) if footnotes is not None else []
        if table_meta is not None:
            title = self.paragraph("", "StdTableCaption", bookmark=table_meta.anchor)
            self.label(title, table_meta.label)
            title.add_run(table_meta.display_number)
            if caption_inline is not None and caption_inline.content.strip():
                title.add_run("　")
                self.inline(title, caption_inline)
        # place the cells on a grid, as a browser does with colspan/rowspan
        placed: dict[tuple[int, int], tuple[list[Token], int, int, str]] = {}
        taken: set[tuple[int, int]] = set()
        columns = 1
        for r, row in enumerate(rows):
            c = 0
            for item in row:
                while (r, c) in taken:
                    c += 1
                _inline, rowspan, colspan, _align = item
                rowspan = max(1, min(rowspan, len(rows) - r))
                placed[(r, c)] = (_inline, rowspan, colspan, _align)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                c += colspan
            columns = max(columns, c, *(cc + 1 for rr, cc in taken if rr == r))
        frame = bool(notes or entries)
        total_rows = len(rows) + (1 if frame else 0)
        table = self.document.add_table(rows=total_rows, cols=columns)
        table.style = self.document.styles["Table Grid"]
        # table.cell() rebuilds the whole grid each call: take it once, merge, take it again
        grid = table._cells
        for (r, c), (_inline, rowspan, colspan, _align) in placed.items():
            colspan = min(colspan, columns - c)
            if rowspan > 1 or colspan > 1:
                grid[r * columns + c].merge(grid[(r + rowspan - 1) * columns + c + colspan - 1])
        if frame and columns > 1:
            grid[len(rows) * columns].merge(grid[len(rows) * columns + columns - 1])
        grid = table._cells
        assert len(grid) == total_rows * columns
        for (r, c), (content, _rowspan, _colspan, align) in placed.items():
            cell = grid[r * columns + c]
            paragraph = cell.paragraphs[0]
            _pstyle(paragraph, "StdTableText")
            if r < header_rows or "center" in align:
                paragraph.paragraph_format.alignment = 1
            elif "right" in align:
                paragraph.paragraph_format.alignment = 2
            elif "left" in align:
                paragraph.paragraph_format.alignment = 0
            self.cell_content(cell, paragraph, content)
        for r in range(header_rows):
            _repeat_header(table.rows[r])
        if frame:
            cell = grid[len(rows) * columns]
            paragraph = cell.paragraphs[0]
            first = True
            for label, inline in notes:
                if not first:
                    paragraph = cell.add_paragraph()
                first = False
                _pstyle(paragraph, "StdTableNote")
                _rstyle(paragraph.add_run(label), "StdNoteLabel")
                self.inline(paragraph, inline)
            for mark, children in entries:
                if not first:
                    paragraph = cell.add_paragraph()
                first = False
                _pstyle(paragraph, "StdTableNote")
                _rstyle(paragraph.add_run(mark), "StdTableFootnoteMark")
                paragraph.add_run("　")
                self.children(paragraph, children)
        return after

    def cell_content(self, cell, paragraph, content: list[Token]) -> None:
        """A cell's tokens (tables.py split it at ``<br>``): line breaks, or a
        list (——) when every part started with "- "."""
        first = True
        for token in content:
            if token.type == "cell_break":
                paragraph.add_run().add_break()
            elif token.type == "inline" and _in_list(content, token):
                if not first:
                    paragraph = cell.add_paragraph()
                    _pstyle(paragraph, "StdTableText")
                first = False
                paragraph.add_run("——")
                self.inline(paragraph, token)
            elif token.type == "inline":
                self.inline(paragraph, token)

    # inline

    def inline(self, paragraph, inline: Token, *, bold: bool = False) -> None:
        self.children(paragraph, inline.children or [], bold=bold)

    def children(self, paragraph, children: list[Token], *, bold: bool = False) -> None:
        """Inline tokens as runs: the parser already knows formulas, sub/superscripts,
        footnotes and references, so no text is re-read here."""
        marks: list[str] = ["strong"] if bold else []
        for child in children:
            ctype = child.type
            if ctype == "text":
                _marks(paragraph.add_run(child.content), marks)
            elif ctype in ("strong_open", "em_open", "s_open"):
                marks.append(ctype[:-5])
            elif ctype in ("strong_close", "em_close", "s_close"):
                if ctype[:-6] in marks:
                    marks.remove(ctype[:-6])
            elif ctype == "code_inline":
                run = paragraph.add_run(child.content)
                st.set_fonts(run._r, "Noto Sans Mono CJK SC", "Noto Sans Mono CJK SC")
            elif ctype in ("softbreak", "hardbreak"):
                if ctype == "hardbreak":
                    paragraph.add_run().add_break()
                else:
                    # as the PDF: no space between two lines of Chinese text
                    before = paragraph.runs[-1].text[-1:] if paragraph.runs else ""
                    if not before or not is_cjk(before):
                        paragraph.add_run(" ")
            elif ctype == "xref":
                ref = child.meta.get("ref")
                if ref is None or ref.anchor is None:
                    paragraph.add_run(f"[[{child.content}]]")
                else:
                    target = label_bookmark(ref.target[1:]) if ref.target.startswith("#") else None
                    _internal_link(paragraph, target or bookmark_name(ref.anchor), ref.text or "")
            elif ctype == "image":
                name = child.meta.get("attachment")
                paragraph.add_run(f"［图片：{name or child.attrs.get('src', '')}］")
            elif ctype == "math_inline":
                self.formula(paragraph, child.content)
            elif ctype in ("sub", "sup"):
                run = paragraph.add_run(child.content)
                _marks(run, marks)
                if ctype == "sub":
                    run.font.subscript = True
                else:
                    run.font.superscript = True
            elif ctype == "footnote_ref":
                self.footnote_ref(paragraph, child)

    def footnote_ref(self, paragraph, child: Token) -> None:
        mark = child.meta.get("mark")
        if mark is None:  # no definition: stays visible, as in the PDF
            paragraph.add_run(f"[^{child.content}]")
            return
        if mark.kind == "table":
            run = _rstyle(paragraph.add_run(mark.mark), "StdTableFootnoteMark")
            run.font.superscript = True
            return
        label = child.content
        numbers = self.state.footnote_numbers
        number = numbers.setdefault(label, len(numbers) + 1)
        if number not in self.state.footnote_paragraphs:
            # written like body text (formulas, sub/superscripts…), then moved to footnotes.xml
            note = self.document.add_paragraph()
            _pstyle(note, "StdFootnote")
            # "1)" at the foot of the page, on the line (as the PDF prints it)
            ref_run = _rstyle(note.add_run(), "StdFootnoteMark")
            ref_run._r.append(OxmlElement("w:footnoteRef"))
            _rstyle(note.add_run(FOOTNOTE_SUFFIX), "StdFootnoteMark")
            note.add_run(" ")
            self.children(note, mark.children or [])
            note._p.getparent().remove(note._p)
            self.state.footnote_paragraphs[number] = note._p
        run = _rstyle(paragraph.add_run(), "StdFootnoteRef")
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(number))
        run._r.append(ref)
        # GB/T 1.1 calls footnotes 1), 2)…: Word's number, then ")" in the same style
        _rstyle(paragraph.add_run(FOOTNOTE_SUFFIX), "StdFootnoteRef")


# --- helpers ------------------------------------------------------------------------


def _pstyle(paragraph, style_id: str) -> None:
    """Set a paragraph style by id (python-docx's by-name lookup scans all styles every time)."""
    if style_id.startswith("Heading "):
        style_id = style_id.replace(" ", "")
    paragraph._p.get_or_add_pPr().style = style_id


def _rstyle(run, style_id: str):
    run._r.get_or_add_rPr().style = style_id
    return run


def _list_style(ordered: bool, depth: int, n: int) -> tuple[str, str]:
    if not ordered:
        return ("StdListDash", "——") if depth == 0 else ("StdListDot", "·")
    if depth == 0:
        letters = "abcdefghijklmnopqrstuvwxyz"
        letter = (
            letters[(n - 1) % 26] if n <= 26 else letters[(n - 1) // 26 - 1] + letters[(n - 1) % 26]
        )
        return "StdListLetter", f"{letter})　"
    return "StdListNumber", f"{n})　"


def _marks(run, marks: list[str]) -> None:
    if "strong" in marks:
        run.bold = True
    if "em" in marks:
        run.italic = True
    if "s" in marks:
        run.font.strike = True


def _field_char(kind: str, dirty: bool = False):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if dirty:
        element.set(qn("w:dirty"), "true")
    return element


def _instr(text: str):
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {text} "
    return element


def _run_with(*children):
    run = OxmlElement("w:r")
    for child in children:
        run.append(child)
    return run


def _internal_link(paragraph, anchor: str, text: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "StdXref")
    rpr.append(style)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _rule(paragraph) -> None:
    """A line under the paragraph (the cover's rules)."""
    ppr = paragraph._p.get_or_add_pPr()
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="8" w:space="4" w:color="000000"/></w:pBdr>'
    )
    ppr.append(border)


def _end_rule(paragraph) -> None:
    paragraph.paragraph_format.left_indent = Mm(60)
    paragraph.paragraph_format.right_indent = Mm(60)
    paragraph.paragraph_format.space_before = Pt(24)
    _rule(paragraph)


def _page_numbers(section, fmt: str) -> None:
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    element = OxmlElement("w:pgNumType")
    element.set(qn("w:fmt"), fmt)
    element.set(qn("w:start"), "1")
    # pgNumType comes after the page size/margins in CT_SectPr's sequence.
    cols = sect_pr.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(element)
    else:
        sect_pr.append(element)


def _header_footer(section, number: str, document) -> None:
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.text = number
    _pstyle(header, "StdHeader")
    footer = section.footer.paragraphs[0]
    _pstyle(footer, "StdFooter")
    run = footer.add_run()
    run._r.append(_field_char("begin"))
    run2 = footer.add_run()
    run2._r.append(_instr("PAGE"))
    run3 = footer.add_run()
    run3._r.append(_field_char("separate"))
    run4 = footer.add_run()
    run4._r.append(_field_char("end"))


def _update_fields_on_open(document) -> None:
    settings = document.settings.element
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    settings.append(element)


def _footnote_definitions(tokens: list[Token]) -> dict[str, str]:
    """{label: the definition's text as written} (Word footnotes hold plain text)."""
    out: dict[str, str] = {}
    for i, token in enumerate(tokens):
        if token.type == "footnote_def_open" and not token.meta.get("unused"):
            out.setdefault(token.meta["label"], tokens[i + 1].content.strip())
    return out


def _in_list(content: list[Token], token: Token) -> bool:
    """Whether an inline token of a cell is an item of the cell's list."""
    index = content.index(token)
    return index > 0 and content[index - 1].type == "list_item_open"


_GENERATED_RE = re.compile(r'^<p class="foreword-generated [\w-]+">(?P<text>.*)</p>$', re.S)


def _formulas(state: _State) -> None:
    if not state.formula_runs:
        return
    omml = latex_to_omml(state.formulas)
    for run, index in state.formula_runs:
        element = omml[index] if index < len(omml) else None
        if element is None:
            continue  # the LaTeX stays as text: a reader still sees the formula
        run.addnext(parse_xml(_serialize(element)))
        run.getparent().remove(run)


def _serialize(element) -> str:
    return etree.tostring(element, encoding="unicode")


_FOOTNOTES_XML = (
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "{notes}</w:footnotes>"
)


def _footnotes_part(document, state: _State) -> None:
    if not state.footnote_numbers:
        return

    notes = []
    for label, number in sorted(state.footnote_numbers.items(), key=lambda item: item[1]):
        paragraph = state.footnote_paragraphs.get(number)
        if paragraph is not None:
            notes.append(f'<w:footnote w:id="{number}">{_serialize(paragraph)}</w:footnote>')
            continue
        text = escape(state.footnotes.get(label, ""))
        notes.append(
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="StdFootnote"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="StdFootnoteMark"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr><w:rStyle w:val="StdFootnoteMark"/></w:rPr><w:t>{FOOTNOTE_SUFFIX}</w:t></w:r>'
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        )
    blob = _FOOTNOTES_XML.format(notes="".join(notes)).encode("utf-8")
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def _core_properties(document, meta: DocumentMeta) -> None:
    props = document.core_properties
    props.title = meta.title_zh
    props.subject = meta.number
    props.keywords = " ".join(
        x for x in (meta.ics and f"ICS {meta.ics}", meta.ccs and f"CCS {meta.ccs}") if x
    )
    props.author = meta.issuer
    props.category = meta.stage.label

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
  equations (OMML, see ``math.py``); footnotes are Word footnotes numbered 1), 2).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree
from markdown_it.token import Token

from drafting.export.assemble import GB_T_1_1_SENTENCE, PATENT_NOTICE, toc_entries
from drafting.export.meta import DocumentMeta
from drafting.standardtext.model import NATURE_LABELS, Heading
from drafting.standardtext.render import analyze
from drafting.standardtext.structure import squash
from drafting.word import styles as st
from drafting.word.math import latex_to_omml
from drafting.word.syntax import DISPLAY_MATH_RE, FOOTNOTE_DEF_RE, extract_footnotes, split_inline

Attachment = bytes | Path
#: The widest a figure may be printed (the text block of an A4 page).
MAX_FIGURE_WIDTH = Mm(150)


@dataclass
class _State:
    footnotes: dict[str, str] = field(default_factory=dict)
    footnote_numbers: dict[str, int] = field(default_factory=dict)
    formulas: list[str] = field(default_factory=list)
    #: placeholders (run elements) to replace with the OMML of formulas[i]
    formula_runs: list[tuple[object, int]] = field(default_factory=list)
    formula_count: int = 0
    annex: str | None = None
    #: the clause a "#." paragraph (a 条 without a heading) is numbered under, and its count
    clause: str | None = None
    clause_items: int = 0


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
    attachments = dict(attachments or {})
    text, footnotes = extract_footnotes(text)
    analysis = analyze(text, attachments=set(attachments))
    tokens = analysis.tokens
    structure = analysis.structure
    document = Document()
    st.install_styles(document)
    _update_fields_on_open(document)
    state = _State()
    state.footnotes = footnotes
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
        body = tokens[first.start + 3 : first.end]
    else:
        writer.paragraph("前言", "StdFrontTitle", bookmark="foreword")
        body = []
    if not any("GB/T 1.1" in (t.content or "") for t in body if t.type == "inline"):
        writer.paragraph(GB_T_1_1_SENTENCE, "StdBody")
    writer.blocks(body, 0, len(body))
    for extra in forewords[1:]:
        writer.blocks(tokens, extra.start, extra.end)
    if meta.drafting_units:
        writer.paragraph(f"本文件起草单位：{'、'.join(meta.drafting_units)}。", "StdBody")
    if meta.drafters:
        writer.paragraph(f"本文件主要起草人：{'、'.join(meta.drafters)}。", "StdBody")
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
        if heading.number:
            self.state.clause, self.state.clause_items = heading.number, 0
        if heading.level == 1 and squash(heading.title) == "索引":
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
        content = inline.content
        if open_token.hidden:  # inside a tight list: handled by list_block
            paragraph = self.paragraph("", "StdBody")
            self.inline(paragraph, inline)
            return i + 3
        if FOOTNOTE_DEF_RE.match(content):
            return i + 3  # printed at the foot of the page
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
            return i + 3
        if content.startswith("#.") and self.state.clause:
            # a 条 without a heading: numbered under the enclosing clause, not in 目次
            self.state.clause_items += 1
            paragraph = self.paragraph("", "StdBody")
            paragraph.paragraph_format.first_line_indent = Pt(0)
            _rstyle(
                paragraph.add_run(f"{self.state.clause}.{self.state.clause_items}"), "StdNumber"
            )
            paragraph.add_run("　")
            self.text_runs(paragraph, content[2:].lstrip())
            return i + 3
        display = DISPLAY_MATH_RE.match(content)
        if display is not None:
            self.display_formula(display.group("tex"), display.group("label"))
            return i + 3
        paragraph = self.paragraph("", "StdBody")
        self.inline(paragraph, inline)
        return i + 3

    def display_formula(self, tex: str, label: str | None) -> None:
        self.state.formula_count += 1
        number = (
            f"{self.state.annex}.{self.state.formula_count}"
            if self.state.annex
            else str(self.state.formula_count)
        )
        paragraph = self.paragraph("", "StdFormula")
        self.label(paragraph, label)
        fmt = paragraph.paragraph_format
        fmt.tab_stops.add_tab_stop(Mm(82), WD_TAB_ALIGNMENT.CENTER)
        fmt.tab_stops.add_tab_stop(Mm(165), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run("\t")
        self.formula(paragraph, tex.strip())
        paragraph.add_run(f"\t（{number}）")

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
        open_token = tokens[i]
        table_meta = open_token.meta.get("table")
        caption = ""
        if i >= 3 and tokens[i - 3].meta.get("caption") is table_meta and table_meta is not None:
            caption = table_meta.caption
        rows: list[list[Token]] = []
        header_rows = 0
        aligns: list[str] = []
        j = i + 1
        in_head = False
        while tokens[j].type != "table_close":
            token = tokens[j]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif token.type in ("th_open", "td_open"):
                if len(rows) == 1:
                    aligns.append(str(token.attrs.get("style", "")))
            elif token.type == "inline":
                rows[-1].append(token)
            j += 1
        after = j + 1
        notes: list[tuple[str, Token]] = []
        while (
            after + 2 < len(tokens)
            and tokens[after].type == "paragraph_open"
            and "note" in tokens[after].meta
        ):
            if tokens[after].meta["note"][0] != "note":
                break
            notes.append((tokens[after].meta["note"][1], tokens[after + 1]))
            after += 3
        if table_meta is not None:
            title = self.paragraph("", "StdTableCaption", bookmark=table_meta.anchor)
            self.label(title, table_meta.label)
            title.add_run(table_meta.display_number)
            if caption:
                title.add_run("　" + caption)
        columns = max((len(r) for r in rows), default=1) or 1
        table = self.document.add_table(rows=len(rows) + (1 if notes else 0), cols=columns)
        table.style = self.document.styles["Table Grid"]
        texts = [
            [(cell.content.strip() if cell is not None else "") for cell in row] for row in rows
        ]
        spans = _spans(texts, columns)
        # table.cell() rebuilds the whole grid each call: take it once, merge, take it again
        grid = table._cells
        total_rows = len(rows) + (1 if notes else 0)
        for (r, c), (rowspan, colspan) in spans.items():
            if rowspan > 1 or colspan > 1:
                grid[r * columns + c].merge(grid[(r + rowspan - 1) * columns + c + colspan - 1])
        if notes:
            grid[len(rows) * columns].merge(grid[len(rows) * columns + columns - 1])
        grid = table._cells
        assert len(grid) == total_rows * columns
        for r, row in enumerate(rows):
            for c in range(columns):
                if (r, c) not in spans:
                    continue
                cell = grid[r * columns + c]
                paragraph = cell.paragraphs[0]
                _pstyle(paragraph, "StdTableText")
                align = aligns[c] if c < len(aligns) else ""
                if r < header_rows or "center" in align:
                    paragraph.paragraph_format.alignment = 1
                elif "right" in align:
                    paragraph.paragraph_format.alignment = 2
                elif "left" in align:
                    paragraph.paragraph_format.alignment = 0
                if c < len(row):
                    self.cell_content(cell, paragraph, row[c])
        for r in range(header_rows):
            _repeat_header(table.rows[r])
        if notes:
            cell = grid[len(rows) * columns]
            paragraph = cell.paragraphs[0]
            for k, (label, inline) in enumerate(notes):
                if k:
                    paragraph = cell.add_paragraph()
                _pstyle(paragraph, "StdTableNote")
                _rstyle(paragraph.add_run(label), "StdNoteLabel")
                self.inline(paragraph, inline)
        return after

    def cell_content(self, cell, paragraph, inline: Token) -> None:
        parts = re.split(r"<br\s*/?>", inline.content)
        if len(parts) > 1 and all(p.strip().startswith("- ") for p in parts):
            for k, part in enumerate(parts):
                if k:
                    paragraph = cell.add_paragraph()
                    _pstyle(paragraph, "StdTableText")
                self.text_runs(paragraph, "——" + part.strip()[2:])
            return
        if len(parts) > 1:
            for k, part in enumerate(parts):
                if k:
                    paragraph.add_run().add_break()
                self.text_runs(paragraph, part.strip())
            return
        self.inline(paragraph, inline)

    # inline

    def inline(self, paragraph, inline: Token, *, bold: bool = False) -> None:
        marks: list[str] = ["strong"] if bold else []
        link_anchor: list[str | None] = [None]
        for child in inline.children or []:
            ctype = child.type
            if ctype == "text":
                self.text_runs(paragraph, child.content, marks)
            elif ctype in ("strong_open", "em_open", "s_open"):
                marks.append(ctype[:-5])
            elif ctype in ("strong_close", "em_close", "s_close"):
                if ctype[:-6] in marks:
                    marks.remove(ctype[:-6])
            elif ctype == "code_inline":
                run = paragraph.add_run(child.content)
                st.set_fonts(run._r, "Noto Sans Mono CJK SC", "Noto Sans Mono CJK SC")
            elif ctype == "softbreak":
                if inline.content.startswith("其中"):  # one symbol per line
                    paragraph.add_run().add_break()
            elif ctype == "hardbreak":
                paragraph.add_run().add_break()
            elif ctype == "xref":
                ref = child.meta.get("ref")
                if ref is None or ref.anchor is None:
                    paragraph.add_run(f"[[{child.content}]]")
                else:
                    target = label_bookmark(ref.target[1:]) if ref.target.startswith("#") else None
                    _internal_link(paragraph, target or bookmark_name(ref.anchor), ref.text or "")
            elif ctype == "link_open":
                link_anchor[0] = str(child.attrs.get("href", ""))
            elif ctype == "link_close":
                link_anchor[0] = None
            elif ctype == "image":
                name = child.meta.get("attachment")
                paragraph.add_run(f"［图片：{name or child.attrs.get('src', '')}］")
            elif ctype in ("math_inline",):
                self.formula(paragraph, child.content)
            elif ctype == "footnote_ref":
                label = str(child.meta.get("label", child.meta.get("id", "")))
                self.footnote_ref(paragraph, label)

    def text_runs(self, paragraph, text: str, marks: list[str] | None = None) -> None:
        for kind, value in split_inline(text):
            if kind == "text":
                run = paragraph.add_run(value)
                _marks(run, marks or [])
            elif kind == "math":
                self.formula(paragraph, value)
            elif kind in ("sub", "sup"):
                run = paragraph.add_run(value)
                _marks(run, marks or [])
                if kind == "sub":
                    run.font.subscript = True
                else:
                    run.font.superscript = True
            elif kind == "footnote":
                self.footnote_ref(paragraph, value)

    def footnote_ref(self, paragraph, label: str) -> None:
        text = self.state.footnotes.get(label)
        if text is None:
            paragraph.add_run(f"[^{label}]")
            return
        numbers = self.state.footnote_numbers
        number = numbers.setdefault(label, len(numbers) + 1)
        run = _rstyle(paragraph.add_run(), "StdFootnoteRef")
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(number))
        run._r.append(ref)


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


def _spans(texts: list[list[str]], columns: int) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of each cell that starts a merge region → (rowspan, colspan).

    ``<`` merges a cell into the one on its left, ``^`` into the one above."""

    def at(r: int, c: int) -> str:
        row = texts[r]
        return row[c] if c < len(row) else ""

    covered: set[tuple[int, int]] = set()
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(len(texts)):
        for c in range(columns):
            if (r, c) in covered:
                continue
            if at(r, c) in ("<", "^") and (r, c) not in covered:
                # a merge marker with nothing to merge into is kept as text
                if (at(r, c) == "<" and c == 0) or (at(r, c) == "^" and r == 0):
                    out[(r, c)] = (1, 1)
                continue
            colspan = 1
            while c + colspan < columns and at(r, c + colspan) == "<":
                colspan += 1
            rowspan = 1
            while r + rowspan < len(texts) and at(r + rowspan, c) == "^":
                rowspan += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, c + dc))
            out[(r, c)] = (rowspan, colspan)
    return out


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
    out: dict[str, str] = {}
    for token in tokens:
        if token.type == "inline":
            match = FOOTNOTE_DEF_RE.match(token.content)
            if match is not None:
                out[match.group("label")] = match.group("text").strip()
    return out


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
        text = escape(state.footnotes.get(label, ""))
        notes.append(
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="StdFootnote"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="StdFootnoteRef"/></w:rPr><w:footnoteRef/></w:r>'
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

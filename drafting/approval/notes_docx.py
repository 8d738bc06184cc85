"""The 编制说明 as .docx: the blocks of :mod:`drafting.approval.notes`, written with python-docx.

The editors' Markdown is written as plain runs from markdown-it's parse (no
markup reaches Word); headings and list items keep their text and their mark.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from markdown_it import MarkdownIt

from drafting.approval.notes import Block
from drafting.core.spreadsheet import clean_text

_md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")

SERIF, SANS = "宋体", "黑体"


def _fonts(run, east_asian: str) -> None:
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    fonts.set(qn("w:eastAsia"), east_asian)


def _para(doc, text: str, *, size=12, font=SERIF, align=None, indent=True, bold=False):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    run = p.add_run(clean_text(text))
    run.font.size = Pt(size)
    run.bold = bold
    _fonts(run, font)
    return p


def _inline_text(token) -> str:
    """The text of an inline token, markup dropped (links keep their text)."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def _markdown_to_docx(doc, text: str) -> None:
    tokens = _md.parse(text)
    prefix: list[str] = []
    counters: list[int] = []
    row: list[str] | None = None
    table_rows: list[list[str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "bullet_list_open":
            prefix.append("——")
            counters.append(0)
        elif tok.type == "ordered_list_open":
            prefix.append("ol")
            counters.append(0)
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            prefix.pop()
            counters.pop()
        elif tok.type == "list_item_open" and counters:
            counters[-1] += 1
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            table_rows.append(row)
            row = None
        elif tok.type == "table_close":
            width = max(len(r) for r in table_rows)
            table = doc.add_table(rows=len(table_rows), cols=width)
            table.style = "Table Grid"
            for r, values in enumerate(table_rows):
                for c, value in enumerate(values):
                    table.cell(r, c).text = clean_text(value)
            table_rows = []
        elif tok.type == "inline":
            content = _inline_text(tok)
            if row is not None:
                row.append(content)
                continue
            opener = tokens[i - 1].type if i else ""
            if opener == "heading_open":
                _para(doc, content, font=SANS, indent=False, bold=True)
            elif prefix:
                mark = f"{counters[-1]})" if prefix[-1] == "ol" else prefix[-1]
                _para(doc, f"{mark}{content}", indent=False)
            else:
                _para(doc, content)
        elif tok.type in ("fence", "code_block"):
            _para(doc, tok.content.rstrip("\n"), size=10, indent=False)


def write(blocks: list[Block]) -> bytes:
    doc = Document()
    for b in blocks:
        if b.kind == "title":
            _para(doc, b.text, size=18, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        elif b.kind == "subtitle":
            _para(doc, b.text, size=16, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        elif b.kind == "h1":
            _para(doc, b.text, size=14, font=SANS, indent=False)
        elif b.kind == "h2":
            _para(doc, b.text, size=12, font=SANS, indent=False)
        elif b.kind == "table":
            table = doc.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            table.style = "Table Grid"
            for r, values in enumerate(b.rows):
                for c, value in enumerate(values):
                    table.cell(r, c).text = clean_text(value)
        elif b.kind == "markdown":
            _markdown_to_docx(doc, b.text)
        elif b.kind == "right":
            _para(doc, b.text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        else:
            _para(doc, b.text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

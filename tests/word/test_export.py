"""The exported .docx, read back by python-docx (its XML) and by pandoc."""

from __future__ import annotations

import io
import zipfile

import pypandoc
from docx import Document
from lxml import etree

from drafting.export import DocumentMeta
from drafting.word import export_docx
from tests.word.conftest import EVERY_CONSTRUCT, make_meta

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
NS = {"w": W, "m": M}


def _xml(data: bytes, part: str = "word/document.xml"):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(part))


def _para_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))


def test_headings_are_word_heading_styles_with_outline_levels(every_docx):
    document = Document(io.BytesIO(every_docx))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert ("Heading 1", "1　范围") in headings
    assert ("Heading 2", "4.1　一般要求") in headings
    assert ("Heading 2", "A.1　试验条件") in headings
    styles = _xml(every_docx, "word/styles.xml")
    for level in (1, 2, 3):
        style = styles.find(f".//w:style[@w:styleId='Heading{level}']", NS)
        assert style.find(".//w:outlineLvl", NS).get(f"{{{W}}}val") == str(level - 1)
        fonts = style.find(".//w:rFonts", NS)
        assert fonts.get(f"{{{W}}}eastAsia") == "黑体"
    body = styles.find(".//w:style[@w:styleId='StdBody']", NS)
    assert body.find(".//w:rFonts", NS).get(f"{{{W}}}eastAsia") == "宋体"
    fonts = _xml(every_docx, "word/fontTable.xml")
    alternates = {
        f.get(f"{{{W}}}name"): f.find("w:altName", NS).get(f"{{{W}}}val")
        for f in fonts.findall("w:font", NS)
        if f.find("w:altName", NS) is not None
    }
    assert alternates["宋体"] == "Noto Serif CJK SC" and alternates["黑体"] == "Noto Sans CJK SC"
    # the annex and the unnumbered elements are level-0 outline entries too
    annex = styles.find(".//w:style[@w:styleId='StdAnnexTitle']", NS)
    assert annex.find(".//w:outlineLvl", NS).get(f"{{{W}}}val") == "0"


def test_every_element_has_a_named_style(every_docx):
    document = Document(io.BytesIO(every_docx))
    used = {p.style.name for p in document.paragraphs}
    for name in ("标准正文", "标准术语条目编号", "标准术语", "标准注", "标准示例", "标准列项——",
                 "标准列项a)", "标准表标题", "标准图", "标准图标题", "标准公式", "标准附录标题",
                 "标准前言引言标题", "标准参考文献标题", "标准封面编号", "标准封面阶段"):  # fmt: skip
        assert name in used, name
    by_text = {p.text: p.style.name for p in document.paragraphs}
    assert by_text["注：能效以百分数表示。"] == "标准注"
    assert by_text["示例：某电动机能效为96%，为1级。"] == "标准示例"
    assert by_text["——具有能耗计量功能；"] == "标准列项——"
    assert by_text["a)　接通电源；"] == "标准列项a)"
    assert by_text["表1　能效限值"] == "标准表标题"
    assert by_text["图1　试验装置"] == "标准图标题"
    assert by_text["（征求意见稿）"] == "标准封面阶段"
    assert "T/CESA 1234—2026" in by_text


def test_toc_is_a_field_and_sections_number_pages_roman_then_arabic(every_docx):
    root = _xml(every_docx)
    instr = " ".join(t.text for t in root.iter(f"{{{W}}}instrText"))
    assert 'TOC \\o "1-2"' in instr
    sections = root.findall(".//w:sectPr", NS)
    assert len(sections) == 3  # cover, front matter, body
    formats = [s.find("w:pgNumType", NS) for s in sections]
    assert formats[0] is None
    assert formats[1].get(f"{{{W}}}fmt") == "upperRoman" and formats[1].get(f"{{{W}}}start") == "1"
    assert formats[2].get(f"{{{W}}}fmt") == "decimal" and formats[2].get(f"{{{W}}}start") == "1"
    document = Document(io.BytesIO(every_docx))
    assert document.sections[1].header.paragraphs[0].text == "T/CESA 1234—2026"
    assert document.sections[2].header.paragraphs[0].text == "T/CESA 1234—2026"
    settings = _xml(every_docx, "word/settings.xml")
    assert settings.find("w:updateFields", NS) is not None


def test_table_repeats_its_header_and_merges_cells(every_docx):
    document = Document(io.BytesIO(every_docx))
    table = document.tables[0]
    first_row = table.rows[0]._tr
    assert first_row.find(".//w:tblHeader", NS) is not None
    cells = table._tbl.findall(".//w:tc", NS)
    spans = [c.find(".//w:gridSpan", NS) for c in cells]
    assert any(s is not None and s.get(f"{{{W}}}val") == "2" for s in spans)
    vmerge = [c.find(".//w:vMerge", NS) for c in cells]
    assert sum(v is not None for v in vmerge) == 2  # "0.5 W" restarts, "^" continues
    # the table note is the last row, spanning all columns
    assert table.rows[-1].cells[0].text == "注：表中数值为最低要求。"


def test_footnote_formula_figure_and_xref(every_docx):
    footnotes = _xml(every_docx, "word/footnotes.xml")
    texts = [_para_text(f) for f in footnotes.findall("w:footnote", NS)]
    assert any("用能设备包括电动机、变压器和照明装置。" in t for t in texts)
    root = _xml(every_docx)
    assert root.find(".//w:footnoteReference", NS) is not None
    maths = root.findall(".//m:oMath", NS)
    assert len(maths) == 2  # one inline, one display
    assert root.find(".//m:f", NS) is not None and root.find(".//m:rad", NS) is not None
    assert "$" not in "".join(_para_text(p) for p in root.iter(f"{{{W}}}p"))
    display = next(p for p in root.iter(f"{{{W}}}p") if p.find(".//m:f", NS) is not None)
    assert _para_text(display).endswith("(1)")  # numbered as the PDF numbers it
    assert root.find(".//w:drawing", NS) is not None
    links = {
        link.get(f"{{{W}}}anchor"): _para_text(link) for link in root.iter(f"{{{W}}}hyperlink")
    }
    assert links["x_tab_1"] == "表1"
    bookmarks = {b.get(f"{{{W}}}name") for b in root.iter(f"{{{W}}}bookmarkStart")}
    assert {"x_tab_1", "x_sec_4_1"} <= bookmarks


def test_foreword_gets_the_gb_sentence_and_the_drafting_units(every_docx):
    document = Document(io.BytesIO(every_docx))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("前　言")
    assert texts[start + 1].startswith("本文件按照GB/T 1.1—2020")
    assert "本文件起草单位：中国电子节能技术协会、华能节能科技股份有限公司。" in texts
    assert document.core_properties.title == "用能设备能效评价技术规范"


def test_pandoc_reads_it_back(tmp_path, every_docx):
    path = tmp_path / "standard.docx"
    path.write_bytes(every_docx)
    markdown = pypandoc.convert_file(str(path), "markdown")
    for expected in ("范围", "能效限值", "用能设备包括电动机", "试验方法", "\\frac{a}{b}"):
        assert expected in markdown, expected
    assert markdown.index("范围") < markdown.index("技术要求") < markdown.index("参考文献")


def test_missing_image_and_published_stage(figure_png):
    data = export_docx(make_meta(stage="published"), EVERY_CONSTRUCT, attachments={})
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert "［缺少附件：setup.png］" in texts
    assert not any("征求意见稿" in t for t in texts)


def test_control_characters_do_not_fail_the_export():
    """XML cannot hold them: they become U+FFFD (the fuzzer found the 500)."""
    meta = DocumentMeta("协会", "CESA", "T/CESA 1—2026", "标题\x0b一", drafters=("张\x01三",))
    data = export_docx(meta, "# 范围\n\n正文\x0b\ud800。\n")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "正文\ufffd\ufffd。" in text and "标题\ufffd一" in text

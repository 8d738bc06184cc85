"""Importing .docx drafts we did not write: built with python-docx in the styles and
numbering of Word's own template, and one saved by LibreOffice from an .odt."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from drafting.word.importer import ImportRefused, import_docx
from tests.documents.factories import png_bytes
from tests.word.conftest import libreoffice_convert

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
FRACTION = (
    f"<m:oMath {nsdecls('m')}><m:f><m:num><m:r><m:t>P</m:t></m:r></m:num>"
    "<m:den><m:sSub><m:e><m:r><m:t>U</m:t></m:r></m:e><m:sub><m:r><m:t>N</m:t></m:r></m:sub></m:sSub>"
    "</m:den></m:f></m:oMath>"
)
UNKNOWN_MATH = (
    f"<m:oMath {nsdecls('m')}><m:eqArr><m:e><m:r><m:t>x=1</m:t></m:r></m:e>"
    "<m:e><m:r><m:t>y=2</m:t></m:r></m:e></m:eqArr></m:oMath>"
)


def _footnote(document, paragraph, text: str) -> None:
    """python-docx writes no footnotes: add the part Word would, and a reference to it."""
    blob = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
        )
    )


def word_template_draft() -> bytes:
    """A draft as a drafting group writes it in Word: built-in heading and list styles
    (Word's numbering, so no number in the text), numbers typed by hand elsewhere."""
    document = Document()
    for line in ("ICS 27.010", "CCS F 01", "T/CESA 2001—2026", "储能电站运行维护规范",
                 "Specification for operation and maintenance of energy storage stations",
                 "（征求意见稿）", "2026-03-01 发布    2026-06-01 实施"):  # fmt: skip
        document.add_paragraph(line)
    document.add_paragraph("目次")
    document.add_paragraph("前言 ......... I", style="toc 1") if "toc 1" in [
        s.name for s in document.styles
    ] else document.add_paragraph("1 范围 ......... 1")
    document.add_heading("前  言", level=1)
    document.add_paragraph("本文件由某储能联盟提出。")
    document.add_heading("1 范围", level=1)
    scope = document.add_paragraph("本文件规定了储能电站运行维护的要求")
    _footnote(document, scope, "储能电站指电化学储能电站。")
    scope.add_run("。")
    document.add_heading("术语和定义", level=1)
    document.add_paragraph("3.1")
    document.add_paragraph("储能电站　energy storage station")
    document.add_paragraph("由储能设备组成的电站。")
    document.add_heading("运行要求", level=1)
    document.add_heading("一般要求", level=2)
    document.add_paragraph("运行人员应符合下列要求：")
    document.add_paragraph("经过培训；", style="List Bullet")
    document.add_paragraph("持证上岗。", style="List Bullet")
    document.add_paragraph("巡检步骤：")
    document.add_paragraph("检查电池簇；", style="List Number")
    document.add_paragraph("记录温度。", style="List Number")
    formula = document.add_paragraph("额定电流按 ")
    formula._p.append(parse_xml(FRACTION))
    formula.add_run(" 计算。")
    document.add_paragraph("注1：第一条注。")
    document.add_paragraph("注2：第二条注。")
    document.add_paragraph("4.2　巡检要求")  # numbered by hand, Normal style
    document.add_paragraph("表1　巡检项目")
    table = document.add_table(rows=4, cols=3)
    table.style = document.styles["Table Grid"]
    for r, row in enumerate(
        (("项目", "周期", "备注"), ("电池", "每日", "目视"), ("消防", "每周", ""), ("合计", "", ""))
    ):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(1, 2).merge(table.cell(2, 2))  # 目视 spans two rows
    table.cell(3, 0).merge(table.cell(3, 1))  # 合计 spans two columns
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(png_bytes(40, 20)))
    document.add_paragraph("图1　巡检路线")
    gif = document.add_paragraph()
    gif.add_run().add_picture(io.BytesIO(GIF))
    unknown = document.add_paragraph("方程组：")
    unknown._p.append(parse_xml(UNKNOWN_MATH))
    document.add_heading("附录A", level=1)
    document.add_paragraph("（资料性）", style="Heading 1")
    document.add_paragraph("巡检记录表", style="Heading 1")
    document.add_heading("A.1　记录要求", level=2)
    document.add_paragraph("记录应保存三年。")
    document.add_heading("参考文献", level=1)
    document.add_paragraph("[1] GB/T 36547　电化学储能电站接入电网技术规定")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def imported():
    return import_docx(word_template_draft())


def test_structure_is_recognised_by_style_and_by_numbering_text(imported):
    text = imported.text
    for block in (
        "# 前言\n\n本文件由某储能联盟提出。",
        "# 范围",
        "# 术语和定义\n\n## 储能电站 | energy storage station\n\n由储能设备组成的电站。",
        "# 运行要求\n\n## 一般要求",
        "- 经过培训；\n- 持证上岗。",
        "1. 检查电池簇；\n2. 记录温度。",
        "注：第一条注。\n\n注：第二条注。",
        "## 巡检要求",
        "# 附录（资料性）巡检记录表\n\n## 记录要求\n\n记录应保存三年。",
        "# 参考文献",
    ):
        assert block in text, block
    assert text.index("# 范围") < text.index("# 运行要求") < text.index("# 附录")
    assert "目次" not in text and "T/CESA 2001" not in text


def test_footnotes_formulas_tables_and_figures(imported):
    text = imported.text
    assert "本文件规定了储能电站运行维护的要求[^1]。" in text
    assert "[^1]: 储能电站指电化学储能电站。" in text
    assert "额定电流按 $\\frac{P}{U_N}$ 计算。" in text
    assert (
        "表：巡检项目\n\n| 项目 | 周期 | 备注 |\n|---|---|---|\n| 电池 | 每日 | 目视 |\n"
        "| 消防 | 每周 | ^ |\n| 合计 | < |   |"
    ) in text
    assert "![巡检路线](image1.png)" in text
    assert imported.images["image1.png"] == png_bytes(40, 20)


def test_what_cannot_be_converted_is_listed_and_kept(imported):
    codes = {f.code: f for f in imported.findings}
    assert set(codes) == {"image-type", "formula"}
    assert codes["image-type"].place.startswith("第") and codes["image-type"].place.endswith("段")
    assert codes["formula"].text == "x=1y=2"
    assert "方程组：$x=1y=2$" in imported.text  # the formula's text stays in the document
    assert "［图片：image2.bin］" in imported.text


def test_cover_fields(imported):
    assert imported.meta == {
        "ics": "27.010",
        "ccs": "F 01",
        "number": "T/CESA 2001—2026",
        "title_zh": "储能电站运行维护规范",
        "title_en": "Specification for operation and maintenance of energy storage stations",
        "stage": "征求意见稿",
        "published_on": "2026-03-01",
        "implemented_on": "2026-06-01",
    }


def test_a_draft_saved_by_libreoffice_from_an_odt(tmp_path):
    source = tmp_path / "draft.docx"
    source.write_bytes(word_template_draft())
    odt = libreoffice_convert(source, "odt", tmp_path)
    odt.rename(tmp_path / "saved.odt")
    again = libreoffice_convert(tmp_path / "saved.odt", "docx:MS Word 2007 XML", tmp_path)
    with zipfile.ZipFile(again) as zf:
        assert "word/document.xml" in zf.namelist()
    result = import_docx(again.read_bytes())
    for block in ("# 范围", "## 一般要求", "- 经过培训；", "1. 检查电池簇；", "## 巡检要求",
                  "| 电池 | 每日 | 目视 |", "# 附录（资料性）巡检记录表", "[^1]: 储能电站指电化学储能电站。",
                  "$\\frac{P}{U_N}$", "# 参考文献"):  # fmt: skip
        assert block in result.text, block
    assert len(result.images) == 1


def test_refuses_what_is_not_a_docx_and_zip_bombs():
    with pytest.raises(ImportRefused) as error:
        import_docx(b"%PDF-1.7 not a word file")
    assert error.value.code == "file_type"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ImportRefused) as error:
        import_docx(buffer.getvalue())
    assert error.value.code == "zip_bomb"
    assert "压缩炸弹" in str(error.value)


def test_damaged_documents_are_refused_not_crashed():
    good = word_template_draft()
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    for document_xml in (
        b"<not xml",
        parts["word/document.xml"]
        .replace(b"<w:tblGrid>", b'<w:tblGrid><w:gridCol w:w="x"/>')
        .replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="many"/>', 1),
    ):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, document_xml if name == "word/document.xml" else data)
        with pytest.raises(ImportRefused) as error:
            import_docx(buffer.getvalue())
        assert error.value.code == "damaged"

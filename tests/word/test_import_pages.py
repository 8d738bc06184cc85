"""Findings name the page of the Word file as Word last laid it out, and the paragraph.

The page is counted from ``w:lastRenderedPageBreak`` (where Word ended a page
when it last saved), explicit page breaks, ``pageBreakBefore`` (on the
paragraph or its style) and section breaks that start a new page; a rendered
break at the top of a page a hard break began is not counted again. Fixtures
are built with python-docx; the rendered breaks Word would write are added
to its runs as Word writes them.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement

from drafting.word.importer import import_docx, place_of


def _object(paragraph) -> None:
    """An embedded OLE object: the import cannot convert it and says where it is."""
    paragraph.add_run()._r.append(OxmlElement("w:object"))


def _rendered_break(run) -> None:
    run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def paged_draft() -> bytes:
    d = Document()
    d.add_paragraph("1　范围", style="Heading 1")
    _object(d.add_paragraph("第一页的对象"))  # page 1
    d.add_paragraph("第一页的最后一段").add_run().add_break(WD_BREAK.PAGE)
    _object(d.add_paragraph("第二页：硬分页之后"))  # page 2
    # Word ran out of room in the middle of this paragraph: it starts on page 2
    long = d.add_paragraph("这一段从第二页开始，")
    tail = long.add_run("在第三页结束。")
    _rendered_break(tail)
    _object(long)
    _object(d.add_paragraph("第三页的一段"))  # page 3
    # a rendered break at the start of a paragraph: page 4
    first = d.add_paragraph()
    _rendered_break(first.add_run("第四页的第一段"))
    _object(first)
    # a hard break, and Word's rendered break where the next page begins: one page (5)
    d.add_paragraph("第四页的最后一段").add_run().add_break(WD_BREAK.PAGE)
    after = d.add_paragraph()
    _rendered_break(after.add_run("第五页，不是第六页"))
    _object(after)
    # page break before, set on the paragraph: page 6
    before = d.add_paragraph("第六页：段前分页")
    before.paragraph_format.page_break_before = True
    _object(before)
    # a section break to a new page: page 7
    d.add_section(WD_SECTION.NEW_PAGE)
    _object(d.add_paragraph("第七页：新节"))
    # a continuous section break: still page 7
    d.add_section(WD_SECTION.CONTINUOUS)
    _object(d.add_paragraph("仍在第七页：连续节"))
    # a style that starts a page: page 8
    style = d.styles.add_style("章标题分页", 1)
    style.base_style = d.styles["Heading 1"]
    style.paragraph_format.page_break_before = True
    d.add_paragraph("2　要求", style="章标题分页")
    _object(d.add_paragraph("第八页：样式段前分页"))
    return _save(d)


def test_findings_name_the_page_word_laid_out_and_the_paragraph():
    result = import_docx(paged_draft())
    objects = [f for f in result.findings if f.code == "object"]
    assert [f.page for f in objects] == [1, 2, 2, 3, 4, 5, 6, 7, 7, 8]
    paragraphs = [f.paragraph for f in objects]
    assert paragraphs == sorted(paragraphs) and len(set(paragraphs)) == len(paragraphs)
    assert objects[1].place == f"第2页（约），第{objects[1].paragraph}段"
    assert objects[1].to_dict()["page"] == 2
    # the text around each object is kept
    for kept in ("第二页：硬分页之后", "第五页，不是第六页", "第八页：样式段前分页"):
        assert kept in result.text


def test_without_any_page_break_the_page_is_not_guessed():
    d = Document()
    d.add_paragraph("1　范围", style="Heading 1")
    for n in range(30):
        d.add_paragraph(f"第{n}段正文。" * 20)
    _object(d.add_paragraph("对象"))
    (finding,) = import_docx(_save(d)).findings
    assert finding.page is None
    assert finding.place == f"第{finding.paragraph}段" and finding.paragraph == 32


def test_tables_are_placed_by_page_too():
    d = Document()
    d.add_paragraph("1　范围", style="Heading 1")
    d.add_paragraph("正文").add_run().add_break(WD_BREAK.PAGE)
    table = d.add_table(rows=1, cols=1)
    table.cell(0, 0).add_table(rows=1, cols=1)  # a table in a table: flattened, said where
    (finding,) = import_docx(_save(d)).findings
    assert (finding.code, finding.page, finding.table) == ("nested-table", 2, 1)
    assert finding.place == "第2页（约），表格1"
    assert place_of(None, table=3) == "表格3"


def test_the_page_and_paragraph_in_the_readers_language(client, login_as, world, doc):
    login_as(world.main_editor)
    url = f"/api/v1/documents/{doc.id}/import"
    places = {}
    for language in ("zh", "en"):
        r = client.post(
            url,
            data={"file": (io.BytesIO(paged_draft()), "分页.docx")},
            content_type="multipart/form-data",
            headers={"Accept-Language": language},
        )
        assert r.status_code == 200, r.get_json()
        places[language] = [
            (f["page"], f["paragraph"], f["place"]) for f in r.get_json()["findings"]
        ]
    page, paragraph, place = places["zh"][1]
    assert page == 2 and place == f"第 2 页（约），第 {paragraph} 段"
    assert places["en"][1][2] == f"page 2 (approx.), paragraph {paragraph}"
    # and on the page, with the help saying what the page is
    r = client.post(
        f"/documents/{doc.id}/import",
        data={"file": (io.BytesIO(paged_draft()), "分页.docx")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "zh"},
    )
    html = r.get_data(as_text=True)
    assert f"第 2 页（约），第 {paragraph} 段" in html
    assert "页码为Word上次保存该文件时的排版页码" in html

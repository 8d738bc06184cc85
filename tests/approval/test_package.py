"""The approval package: one ZIP, every part opened and checked, named in Chinese within 255 bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from drafting.approval import package, services
from drafting.core.errors import Refused
from drafting.documents import services as documents
from drafting.documents.queries import document_meta
from drafting.documents.services import attachment_files, export_inputs
from drafting.documents.states import DocumentStage
from drafting.export import LayoutOptions, cache_key
from drafting.jobs import services as jobs
from tests.approval.factories import make_approval_world
from tests.approval.test_notes import SECTIONS, docx_text, pdf_text
from tests.documents.factories import TEXT, add_image


def _squash(text: str) -> str:
    return "".join(text.split())


def _change_the_text(aw) -> None:
    """The 报批稿 differs from the 征求意见稿: one sentence added to 4.1."""
    doc = aw.document
    text = TEXT.replace(
        "回收企业应具备相应的处理能力。", "回收企业应具备相应的处理能力。回收企业应具备资质。"
    )
    documents.save_revision(doc, text, doc.head_revision_id, "报批修改", actor=aw.main_editor)


def _open(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            assert info.flag_bits & 0x800, f"{info.filename}: no UTF-8 flag"
            assert len(info.filename.encode()) <= 255
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_the_package_holds_every_part(aw, client, login_as):
    services.save_notes(aw.document, SECTIONS, actor=aw.main_editor)
    _change_the_text(aw)
    login_as(aw.main_editor)
    response = client.post(f"/documents/{aw.document.id}/approval/package")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''T-CESA" in disposition and "%E6%8A%A5%E6%89%B9" in disposition  # 报批
    files = _open(response.data)
    number = aw.document.number.replace("/", "-")
    folder = f"{number} 报批材料"
    names = sorted(files)
    title = aw.document.title_zh
    assert names == sorted(
        [
            f"{folder}/00 清单.txt",
            f"{folder}/01 {number} {title}（报批稿）.pdf",
            f"{folder}/02 {number} {title}（报批稿）.docx",
            f"{folder}/03 {number} 征求意见汇总处理表.xlsx",
            f"{folder}/04 {number} 表决情况汇总表.xlsx",
            f"{folder}/05 {number} 表决情况汇总表.pdf",
            f"{folder}/06 {number} 与征求意见稿对照（修订标记）.pdf",
            f"{folder}/07 {number} 条文对照表.xlsx",
            f"{folder}/08 {number} 编制说明.pdf",
            f"{folder}/09 {number} 编制说明.docx",
        ]
    )

    # The 报批稿 PDF: the standard, with the stage on its cover.
    standard = _squash(pdf_text(files[f"{folder}/01 {number} {title}（报批稿）.pdf"]))
    assert _squash(title) in standard and "报批稿" in standard
    assert "回收企业应具备相应的处理能力" in standard
    # The .docx of the same revision.
    word = docx_text(files[f"{folder}/02 {number} {title}（报批稿）.docx"])
    assert "回收企业应具备相应的处理能力" in word
    # The comment resolution table: one row per comment with its resolution.
    sheet = load_workbook(io.BytesIO(files[f"{folder}/03 {number} 征求意见汇总处理表.xlsx"])).active
    assert sheet["A2"].value == "序号" and sheet["E2"].value == "处理意见"
    assert [sheet.cell(row=r, column=5).value for r in (3, 4, 5)] == ["采纳", "部分采纳", "未采纳"]
    # The ballot summary, both formats: the one voter and the result.
    ballot = load_workbook(io.BytesIO(files[f"{folder}/04 {number} 表决情况汇总表.xlsx"])).active
    ballot_cells = [str(c.value or "") for row in ballot.iter_rows() for c in row]
    assert aw.other_org.name in ballot_cells and "赞成" in ballot_cells
    assert any("表决结论：通过" in c for c in ballot_cells)
    ballot_pdf = _squash(pdf_text(files[f"{folder}/05 {number} 表决情况汇总表.pdf"]))
    assert "表决情况汇总表" in ballot_pdf and "表决结论：通过" in ballot_pdf
    # The redline: the 报批稿 (revision 2) against the revision the 征求意见稿 left at (1).
    redline = _squash(pdf_text(files[f"{folder}/06 {number} 与征求意见稿对照（修订标记）.pdf"]))
    assert "比较：第1版" in redline and "第2版（报批稿" in redline
    assert "回收企业应具备相应的处理能力" in redline and "回收企业应具备资质" in redline
    clauses = load_workbook(io.BytesIO(files[f"{folder}/07 {number} 条文对照表.xlsx"])).active
    cells = [str(c.value or "") for row in clauses.iter_rows() for c in row]
    assert any("回收企业应具备资质" in c for c in cells)
    # The 编制说明, both formats, from the record.
    notes_pdf = _squash(pdf_text(files[f"{folder}/08 {number} 编制说明.pdf"]))
    assert "张三、李四、王五" in notes_pdf and "2026-05-11" in notes_pdf
    notes_docx = docx_text(files[f"{folder}/09 {number} 编制说明.docx"])
    assert "意见3条，其中采纳1条，部分采纳1条，未采纳1条" in notes_docx
    # The list names every part, and says what is missing and why.
    listing = files[f"{folder}/00 清单.txt"].decode("utf-8-sig")
    assert f"01 标准报批稿（PDF）：01 {number} {title}（报批稿）.pdf" in listing
    assert "04 送审稿表决情况汇总表（XLSX）" in listing
    assert "06 报批稿与征求意见稿的对照（修订标记）" in listing
    assert "09 编制说明（Word）" in listing
    assert "未包含" not in listing


def test_the_pdf_and_docx_parts_are_the_export_jobs_cached_files(aw):
    """One definition of what an export is made from (documents.services.export_inputs):
    a file an export job stored under its key is what the package takes, laid out again
    for neither format."""
    add_image(aw.document, aw.secretariat)  # the images are inputs too
    revision = aw.document.head_revision
    ctx = package.PackageContext(aw.document, revision, record=None)
    for fmt, producer in (("pdf", package.approval_pdf), ("docx", package.approval_docx)):
        key = jobs.cache_key_for(aw.document, revision, fmt)
        path = jobs.export_dir() / jobs.relative_result_path(key, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        stand_in = f"the {fmt} an export job stored".encode()
        path.write_bytes(stand_in)
        assert producer(ctx) == stand_in, fmt
    # What the PDF's key hashes: the metadata, the text, the images and the layout options.
    assert export_inputs(aw.document, revision).cache_key() == cache_key(
        document_meta(aw.document),
        revision.text,
        attachments=attachment_files(aw.document),
        options=LayoutOptions(),
    )
    assert jobs.cache_key_for(aw.document, revision, "docx") != jobs.cache_key_for(
        aw.document, revision
    )


def test_long_titles_keep_every_name_within_255_bytes(db):
    w = make_approval_world()
    w.document.title_zh = "电动汽车用动力蓄电池回收利用技术规范" * 8
    db.session.flush()
    parts = [p for p in package.PARTS if p.key in ("resolution_table", "notes_docx")]
    result = package.assemble(w.document, w.document.head_revision, parts=parts)
    files = _open(result.data)
    assert len(files) == 3
    assert len(result.filename.encode()) <= 255 and result.filename.endswith(".zip")


def test_only_a_draft_for_approval_makes_a_package(db):
    w = make_approval_world(stage=DocumentStage.DRAFT_FOR_REVIEW)
    with pytest.raises(Refused):
        services.assemble_package(w.document, actor=w.main_editor)


def test_the_web_refuses_outside_the_stage(db, client, login_as):
    w = make_approval_world(stage=DocumentStage.DRAFT_FOR_REVIEW)
    login_as(w.main_editor)
    response = client.post(f"/documents/{w.document.id}/approval/package")
    assert response.status_code == 409
    assert "draft for approval" in response.get_data(as_text=True)


def test_a_part_that_cannot_be_made_is_named_in_the_list_with_its_reason(aw):
    def refuses(ctx):
        raise package.PartMissing("修订标记对照稿未能生成：文本过长。")

    parts = [
        package.Part("redline", "对照.pdf", "修订标记对照稿", refuses),
        *[p for p in package.PARTS if p.key == "notes_docx"],
    ]
    result = package.assemble(aw.document, aw.document.head_revision, parts=parts)
    files = _open(result.data)
    listing = next(v for k, v in files.items() if k.endswith("清单.txt")).decode("utf-8-sig")
    assert "—— 修订标记对照稿：未包含。修订标记对照稿未能生成：文本过长。" in listing
    assert "01 编制说明（Word）" in listing
    assert result.missing == ["redline"] and result.included == ["notes_docx"]


def test_without_a_ballot_the_list_says_what_to_add(db):
    w = make_approval_world(ballot=False)
    parts = [p for p in package.PARTS if p.key == "ballot_summary"]
    result = package.assemble(w.document, w.document.head_revision, parts=parts)
    listing = next(v for k, v in _open(result.data).items() if k.endswith("清单.txt"))
    assert (
        "—— 送审稿表决情况汇总表（XLSX）：未包含。本系统中没有送审稿的表决记录"
        in listing.decode("utf-8-sig")
    )

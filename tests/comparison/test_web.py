"""The comparison page and its downloads, on a document that went 征求意见稿 → 送审稿."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from drafting.comparison import services
from drafting.documents import services as documents
from tests.documents.factories import make_world

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")

COVER = "比较：第 2 版（征求意见稿，2026-04-01） → 第 3 版（送审稿，2026-05-20）"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_default_revisions_are_last_comment_draft_and_review_head(cw):
    old, new = services.default_revisions(cw.document)
    assert (old.id, new.id) == (cw.comment_revision.id, cw.review_revision.id)
    assert services.cover_text(old, new) == COVER


def test_no_default_before_the_draft_for_review(db):
    assert services.default_revisions(make_world().document) is None


def test_rows_carry_the_accepted_resolution_only(cw):
    old, new = services.default_revisions(cw.document)
    rows = services.table_rows(cw.document, old, new)
    by_number = {r.clause.number: r for r in rows}
    assert set(by_number) == {"4.1", "4.2"}
    changed = by_number["4.1"]
    assert changed.clause.kind == "changed"
    assert [r.comment_id for r in changed.reasons] == [cw.accepted.id]
    assert changed.reason_text == f"采纳：改为推荐性条款（意见 #{cw.accepted.id}）"
    assert by_number["4.2"].reasons == ()


def test_page_shows_the_table_with_links_to_the_comments(client, login_as, cw):
    login_as(cw.participant)
    r = client.get(f"/documents/{cw.document.id}/comparison")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert COVER in html
    assert f"#c{cw.accepted.id}" in html and f"#c{cw.rejected.id}" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    # the downloads keep the chosen pair
    assert f"redline.pdf?from={cw.comment_revision.id}&amp;to={cw.review_revision.id}" in html


def test_history_and_diff_link_to_the_comparison(client, login_as, cw):
    login_as(cw.participant)
    for page in ("history", "diff"):
        html = client.get(f"/documents/{cw.document.id}/{page}").get_data(as_text=True)
        assert f"/documents/{cw.document.id}/comparison" in html


def test_bad_revision_choices(client, login_as, cw, db):
    login_as(cw.participant)
    base = f"/documents/{cw.document.id}/comparison"
    # not a number: the default pair
    r = client.get(base + "?from=abc&to=%00")
    assert r.status_code == 200 and COVER in r.get_data(as_text=True)
    assert client.get(base + "?from=999999").status_code == 404
    other = make_world().document
    db.session.commit()
    assert client.get(base + f"?to={other.head_revision_id}").status_code == 404
    # the same revision twice: nothing changed, said so
    same = cw.review_revision.id
    r = client.get(base + f"?from={same}&to={same}")
    assert 'data-testid="comparison-empty"' in r.get_data(as_text=True)


def test_outsiders_do_not_see_it(client, login_as, cw):
    login_as(cw.outsider)
    # a 送审稿 is visible to the group only: hidden as missing
    assert client.get(f"/documents/{cw.document.id}/comparison").status_code == 404
    assert (
        client.get(f"/documents/{cw.document.id}/comparison/clause-table.xlsx").status_code == 404
    )


def test_clause_table_xlsx_read_back(client, login_as, cw):
    login_as(cw.main_editor)
    r = client.get(f"/documents/{cw.document.id}/comparison/clause-table.xlsx")
    assert r.status_code == 200
    assert "attachment;" in r.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(r.data)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0].endswith("条文对照表") and values[1][0] == COVER
    assert values[2] == ("序号", "章条编号", "变化", "原条文", "修改后条文", "修改理由")
    assert [(row[0], row[1], row[2]) for row in values[3:]] == [
        (1, "4.1", "修改"),
        (2, "4.2", "删除"),  # 环境要求 gave way to a new 4.2 安全要求
        (3, "4.2", "新增"),
    ]
    rows = {(row[1], row[2]): row for row in values[3:]}
    rows["4.1"] = rows["4.1", "修改"]
    assert "回收企业应具备" in rows["4.1"][3] and "回收企业宜具备" in rows["4.1"][4]
    assert rows["4.1"][5] == f"采纳：改为推荐性条款（意见 #{cw.accepted.id}）"
    assert rows["4.2", "删除"][3] == "环境要求\n处理过程应符合环保要求。"
    assert "<script>alert(1)</script>" in rows["4.2", "新增"][4]  # text, never markup


def test_a_formula_typed_in_the_text_stays_text_in_the_xlsx(client, login_as, cw):
    doc = cw.document
    documents.save_revision(
        doc,
        cw.review_revision.text.replace("处理场所应配备消防设施。", '=HYPERLINK("http://x")'),
        doc.head_revision_id,
        "",
        actor=cw.secretariat,
    )
    login_as(cw.main_editor)
    r = client.get(f"/documents/{doc.id}/comparison/clause-table.xlsx")
    ws = load_workbook(BytesIO(r.data)).active
    texts = [c.value for row in ws.iter_rows(min_row=4) for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in t for t in texts)
    assert not any(t.startswith("=") for t in texts)


@needs_poppler
def test_redline_pdf_shows_insertions_deletions_and_cover(client, login_as, cw, tmp_path):
    login_as(cw.main_editor)
    r = client.get(f"/documents/{cw.document.id}/comparison/redline.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data, tmp_path)
    assert "比较：第 2 版（征求意见稿，2026-04-01） → 第 3 版（送审稿，2026-05-20）" in text
    assert "回收企业应宜具备" in text  # the struck 应, then the inserted 宜
    assert "环境要求" in text and "处理过程应符合环保要求。" in text  # deleted, still shown
    assert "安全要求" in text and "处理场所应配备消防设施。" in text
    assert "修改" in text and "删除" in text and "新增" in text  # the margin marks
    # a second request is the cached file
    again = client.get(f"/documents/{cw.document.id}/comparison/redline.pdf")
    assert again.data == r.data


@needs_poppler
def test_clause_table_pdf_read_back(client, login_as, cw, tmp_path):
    login_as(cw.secretariat)
    r = client.get(f"/documents/{cw.document.id}/comparison/clause-table.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    text = pdf_text(r.data, tmp_path)
    assert "条文对照表" in text and COVER in text
    assert "采纳：改为推荐性条款" in text
    assert "<script>alert(1)" in text.replace("\n", "").replace(" ", "")  # printed as text

"""The 编制说明: filled from the record, the editors' sections without raw HTML, as PDF and .docx."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from docx import Document

from drafting.approval import notes, services
from drafting.approval.queries import ballot_summary_line, notes_record
from drafting.core.errors import Conflict, NotAllowed

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "approval"

SECTIONS = {
    "technical_content": "## 技术依据\n\n本文件依据**实测数据**编制。\n\n- 回收率要求\n- 安全要求",
    "relations": "与 GB/T 1.1—2020 协调一致。<script>alert(1)</script>",
    "divergences": "无重大分歧。<b>粗体</b>",
    "other": "见图：![外部图片](https://example.com/x.png)",
}


def _record(aw):
    return notes_record(aw.document, "测试联盟", "Asia/Shanghai")


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_record_fills_the_notes(aw):
    services.save_notes(aw.document, SECTIONS, actor=aw.main_editor)
    record = _record(aw)
    assert record.origin.call_title == "关于征集动力电池回收团体标准起草单位的通知"
    assert record.origin.planned_number == "T/CESA 2026-007"
    assert record.drafting_units == [aw.main_org.name, aw.part_org.name]
    assert record.drafters == ["张三", "李四", "王五"]
    assert [(record.day(h.when), h.to_label) for h in record.history] == [
        ("2026-03-02", "征求意见稿"),
        ("2026-04-06", "送审稿"),
        ("2026-05-11", "报批稿"),
    ]
    c = record.comments
    assert (c.received, c.accepted, c.partly_accepted, c.not_accepted, c.open) == (3, 1, 1, 1, 0)
    assert c.organizations == 1
    # The comment period (drafting.consultation): opened by the move, closed after 30 days.
    assert record.day(c.started_at) == "2026-03-02" and record.day(c.ended_at) == "2026-04-01"
    assert record.ballot.startswith("送审稿（第1版）经表决：应表决单位 1 个，投票数 1；赞成 1")
    assert "表决结论：通过" in record.ballot
    # Without a ballot, the record says when the 送审稿 moved on.
    assert "2026-05-11" in ballot_summary_line(record.history, "Asia/Shanghai")


def test_docx_holds_the_record_and_the_sections(aw):
    services.save_notes(aw.document, SECTIONS, actor=aw.main_editor)
    text = docx_text(notes.to_docx(_record(aw)))
    assert f"《{aw.document.title_zh}》" in text and "编制说明" in text
    assert "关于征集动力电池回收团体标准起草单位的通知" in text
    assert f"本文件起草单位：{aw.main_org.name}、{aw.part_org.name}。" in text
    assert "本文件主要起草人：张三、李四、王五。" in text
    assert "2026-03-02 | 工作组讨论稿 → 征求意见稿" in text
    assert "2026-05-11 | 送审稿 → 报批稿" in text
    assert "意见3条，其中采纳1条，部分采纳1条，未采纳1条" in text
    assert "本文件依据实测数据编制。" in text  # bold markup dropped, text kept
    assert "——回收率要求" in text
    # Raw HTML is text, never markup: it shows as typed.
    assert "<script>alert(1)</script>" in text


def test_pdf_holds_the_record_and_escapes_html(aw):
    services.save_notes(aw.document, SECTIONS, actor=aw.main_editor)
    record = _record(aw)
    html = notes.to_html(record)
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>实测数据</strong>" in html
    assert "<img" not in html and "example.com" not in html  # the PDF reads nothing outside
    pdf = notes.to_pdf(record)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "notes.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(ARTIFACTS / "notes.pdf"), str(ARTIFACTS / "notes")],
        check=True,
    )
    text = "".join(pdf_text(pdf).split())
    for expected in (
        "编制说明",
        "关于征集动力电池回收团体标准起草单位的通知",
        aw.main_org.name,
        "张三、李四、王五",
        "2026-03-02",
        "2026-05-11",
        "采纳1条",
        "表决结论：通过",
        "部分采纳1条",
        "未采纳1条",
        "主要技术内容及其依据",
        "<script>alert(1)</script>",
    ):
        assert "".join(expected.split()) in text, expected


def test_only_editors_write_notes_and_a_stale_version_is_refused(aw):
    with pytest.raises(NotAllowed):
        services.save_notes(aw.document, SECTIONS, actor=aw.outsider)
    first = services.save_notes(aw.document, SECTIONS, actor=aw.main_editor, version=0)
    assert first.version == 1
    services.save_notes(aw.document, {"other": "补充"}, actor=aw.main_editor2, version=1)
    with pytest.raises(Conflict):
        services.save_notes(aw.document, {"other": "覆盖"}, actor=aw.main_editor, version=1)
    assert first.other == "补充" and first.relations.startswith("与 GB/T")

"""build_html(): the document around the body, for print and for the preview."""

from __future__ import annotations

import re

from drafting.export import LayoutOptions, Stage, build_html, normalize_number, toc_entries
from drafting.export.assemble import GB_T_1_1_SENTENCE, PATENT_NOTICE
from drafting.standardtext import SKELETON, render
from drafting.standardtext.sample import generate_standard
from tests.export.conftest import make_meta


def test_print_html_has_cover_toc_foreword_and_body(meta):
    html = build_html(meta, SKELETON)
    assert '<link rel="stylesheet" href="static/export/print.css">' in html
    assert '<p class="cover-number">T/CESA 1234—2026</p>' in html
    assert "代替 T/CESA 1000—2020" in html
    assert "ICS 27.010" in html and "CCS F 01" in html
    assert "（征求意见稿）" in html and PATENT_NOTICE in html
    assert '@page main { background: url("static/export/watermark/draft_for_comments.png")' in html
    assert html.count(GB_T_1_1_SENTENCE) == 1
    assert (
        "本文件起草单位：中国电子节能技术协会、华能节能科技股份有限公司、国家节能设备检测中心。"
        in html
    )
    assert "本文件主要起草人：张三、李四、王五。" in html
    assert '<p class="body-title">用能设备能效评价技术规范</p>' in html
    # the GB sentence comes first in the foreword, the units and drafters last
    foreword = html[html.index('<section class="foreword">') :]
    assert foreword.index(GB_T_1_1_SENTENCE) < foreword.index("请注意") < foreword.index("起草单位")


def test_toc_lists_clauses_and_annexes_but_not_terms():
    outline = render(SKELETON).outline
    entries = [(e.text, e.css, e.roman) for e in toc_entries(outline, depth=2)]
    assert entries == [
        ("前言", "toc-front", True),
        ("1　范围", "toc-level-1", False),
        ("2　规范性引用文件", "toc-level-1", False),
        ("3　术语和定义", "toc-level-1", False),
        ("4　技术要求", "toc-level-1", False),
        ("4.1　一般要求", "toc-level-2", False),
        ("4.2　性能要求", "toc-level-2", False),
        ("附录A（规范性）　试验方法", "toc-annex", False),
        ("A.1　试验条件", "toc-level-2", False),
        ("A.2　试验步骤", "toc-level-2", False),
        ("参考文献", "toc-back", False),
    ]
    assert [e.text for e in toc_entries(outline, depth=1)][:5] == [
        "前言",
        "1　范围",
        "2　规范性引用文件",
        "3　术语和定义",
        "4　技术要求",
    ]


def test_preview_html_uses_app_urls_and_no_page_furniture(meta):
    html = build_html(
        meta,
        "# 前言\n\n# 范围\n\n![图](setup.png)\n",
        for_print=False,
        attachment_url=lambda name: f"/documents/3/attachments/{name}",
    )
    assert '<link rel="stylesheet" href="/static/export/standard.css">' in html
    assert "print.css" not in html and "watermark" not in html
    assert 'src="/documents/3/attachments/setup.png"' in html


def test_published_standard_has_dates_and_no_draft_marks(published_meta):
    html = build_html(published_meta, SKELETON)
    assert "2026-03-01 发布" in html and "2026-06-01 实施" in html
    assert PATENT_NOTICE not in html and "watermark" not in html and "cover-stage" not in html


def test_meta_is_escaped(meta):
    hostile = make_meta(title_zh="<script>alert(1)</script>", drafters=("<b>x</b>",))
    html = build_html(hostile, SKELETON)
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_gb_sentence_is_not_repeated_and_foreword_is_generated_when_missing(meta):
    for spacing in (" ", "\u3000", "", "\u00a0"):
        own = (
            f"# 前言\n\n本文件按照GB/T{spacing}1.1—2020《标准化工作导则{spacing}第1部分："
            "标准化文件的结构和起草规则》的规定起草。\n\n# 范围\n"
        )
        printed = build_html(meta, own)
        assert printed.count("本文件按照") == 1, spacing
        assert printed.count(GB_T_1_1_SENTENCE) == 1
    html = build_html(meta, "# 范围\n\n正文。\n")
    assert '<h1 id="foreword" class="foreword">' in html and GB_T_1_1_SENTENCE in html


def test_single_sided_layout_option(meta):
    html = build_html(meta, SKELETON, options=LayoutOptions(double_sided=False))
    assert "print-single.css" in html and "single-sided" in html


def test_stage_labels_and_numbers():
    assert [s.label for s in Stage] == ["工作组讨论稿", "征求意见稿", "送审稿", "报批稿", ""]
    assert normalize_number("T/CESA  1234-2026") == "T/CESA 1234—2026"
    assert normalize_number("T/CESA 1234.1–2026") == "T/CESA 1234.1—2026"
    assert make_meta(stage="draft_for_review").stage is Stage.DRAFT_FOR_REVIEW
    assert make_meta(issuing_body="").issuer == "中国电子节能技术协会"


def test_html_ids_are_unique(meta):
    html = build_html(meta, generate_standard(10))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_duplicated_elements_and_empty_text_lose_nothing(meta):
    html = build_html(
        meta, "# 前言\n\n甲。\n\n# 范围\n\n# 前言\n\n乙。\n\n# 引言\n\n丙。\n\n# 引言\n\n丁。\n"
    )
    for text in ("甲。", "乙。", "丙。", "丁。"):
        assert text in html
    empty = build_html(meta, "")
    assert '<h1 id="foreword" class="foreword">' in empty and 'href="#foreword"' in empty

"""The redline HTML and the clause rows, pure (no app, no database)."""

from __future__ import annotations

import re

import pytest

from drafting.export import DocumentMeta, ExportError, ExportLimits, ExportPool
from drafting.export.job import run_job
from drafting.export.redline import (
    RedlineJob,
    RevisionLabel,
    clause_rows,
    compare,
    cover_line,
    redline_html,
)
from tests.documents.factories import TEXT

META = DocumentMeta(
    "测试联盟", "TA", "T/TA 1—2026", "废旧电池回收技术要求", stage="draft_for_review"
)
COVER = cover_line(
    RevisionLabel(2, "征求意见稿", "2026-04-01"), RevisionLabel(3, "送审稿", "2026-05-20")
)


def body(html: str) -> str:
    return html.split('<div class="main-matter">', 1)[1]


def test_cover_line_names_both_revisions():
    assert COVER == "比较：第 2 版（征求意见稿，2026-04-01） → 第 3 版（送审稿，2026-05-20）"
    html = redline_html(META, TEXT, TEXT, cover=COVER)
    assert f'<p class="cover-redline">{COVER}</p>' in html
    assert 'href="static/export/redline.css"' in html


def test_unchanged_text_has_no_marks():
    html = body(redline_html(META, TEXT, TEXT, cover=COVER))
    assert "<ins" not in html and "<del" not in html and "rl-block" not in html


def test_a_cjk_word_change_is_ins_and_del_in_place():
    new = TEXT.replace("回收企业应具备", "回收企业宜具备")
    html = body(redline_html(META, TEXT, new, cover=COVER))
    assert (
        '<p class="rl-block rl-changed">回收企业<del class="rl-del">应</del>'
        '<ins class="rl-ins">宜</ins>具备相应的处理能力。</p>'
    ) in html
    # the clause heading carries the 修改 mark in the margin, the others none
    assert re.search(r'<h2 id="sec-4\.1" class="clause rl-clause-mark" data-rl="修改">', html)
    assert 'id="sec-4.2" class="clause"' in html


def test_added_and_deleted_clauses():
    new = TEXT.replace("## 环境要求\n\n处理过程应符合环保要求。\n\n", "").replace(
        "# 参考文献", "## 安全要求\n\n处理场所应配备消防设施。\n\n# 参考文献"
    )
    html = body(redline_html(META, TEXT, new, cover=COVER))
    # the deleted clause is struck, without its old anchor, marked 删除
    deleted = re.search(
        r'<div class="rl-block rl-deleted rl-heading rl-h2" data-rl="删除">(.*?)</div>', html
    )
    assert deleted and '<del class="rl-del">环境要求</del>' in deleted.group(1)
    assert '<del class="rl-del">处理过程应符合环保要求。</del>' in html
    # the new one (numbered 4.2 now) is underlined, marked 新增
    assert 'id="sec-4.2" class="clause rl-block rl-inserted rl-clause-mark" data-rl="新增"' in html
    assert '<ins class="rl-ins">处理场所应配备消防设施。</ins>' in html
    assert html.count('id="sec-4.2"') == 1


def test_hostile_text_is_never_markup():
    old = TEXT.replace("处理过程应符合环保要求。", "处理过程应符合<b>环保</b>要求。")
    new = (
        TEXT.replace(
            "处理过程应符合环保要求。",
            '处理过程<script>alert(1)</script>应符合<img src=x onerror="alert(2)">要求。',
        )
        + '\n<iframe src="javascript:alert(3)"></iframe>\n'
    )
    html = redline_html(META, old, new, cover="比较：<script>alert(4)</script>")
    for raw in ("<script", "<img src=x", "<iframe", "<b>"):
        assert raw not in html
    assert not re.search(r"<[^>]*(onerror|javascript:)", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in html


def test_a_changed_table_is_shown_old_struck_new_underlined():
    table = "表：限值\n\n| 项目 | 限值 |\n|---|---|\n| 铅 | 5 mg |\n\n"
    old = TEXT.replace("处理过程应符合环保要求。\n", "处理过程应符合环保要求。\n\n" + table)
    new = old.replace("| 铅 | 5 mg |", "| 铅 | 3 mg |")
    html = body(redline_html(META, old, new, cover=COVER))
    struck = html.index('<div class="rl-block rl-deleted">')
    underlined = html.index('<div class="rl-block rl-inserted">')
    assert struck < underlined
    assert '<del class="rl-del">5 mg</del>' in html and '<ins class="rl-ins">3 mg</ins>' in html
    assert html.count('id="tab-1"') == 1  # the struck copy has no anchor


def test_clause_rows_for_changed_added_and_removed():
    new = (
        TEXT.replace("回收企业应具备", "回收企业宜具备")
        .replace("## 环境要求\n\n处理过程应符合环保要求。\n\n", "")
        .replace("# 参考文献", "## 安全要求\n\n处理场所应配备消防设施。\n\n# 参考文献")
    )
    rows = clause_rows(compare(TEXT, new))
    assert [(r.kind, r.old_number, r.new_number) for r in rows] == [
        ("changed", "4.1", "4.1"),
        ("removed", "4.2", ""),
        ("added", "", "4.2"),
    ]
    changed, removed, added = rows
    assert changed.old_text == "一般要求\n回收企业应具备相应的处理能力。"
    assert changed.new_text == "一般要求\n回收企业宜具备相应的处理能力。"
    assert removed.number == "4.2" and removed.new_text == ""
    assert added.old_text == "" and added.new_text == "安全要求\n处理场所应配备消防设施。"


def test_renumbered_clause_names_its_old_number():
    new = TEXT.replace("# 技术要求", "# 一般规定\n\n应符合本章。\n\n# 技术要求").replace(
        "回收企业应具备", "回收企业宜具备"
    )
    rows = clause_rows(compare(TEXT, new))
    assert [r.number for r in rows] == ["4", "5.1（原4.1）"]
    assert rows[0].kind == "added"


def test_foreword_changes_are_a_row_and_marked():
    new = TEXT.replace("本文件由测试联盟提出。", "本文件由测试联盟提出并归口。")
    html = redline_html(META, TEXT, new, cover=COVER)
    assert '<ins class="rl-ins">并归口</ins>' in html
    [row] = clause_rows(compare(TEXT, new))
    assert row.number == "前言" and "并归口" in row.new_text


def test_the_pool_refuses_a_redline_of_texts_too_long_before_starting_a_process():
    pool = ExportPool(ExportLimits(max_text_chars=100, workers=1))
    job = RedlineJob.make(META, TEXT, TEXT, cover=COVER)
    with pytest.raises(ExportError) as refused:
        pool.run(job)
    assert refused.value.code == "too-long"
    assert not pool._idle  # no worker was started


def test_the_redline_job_lays_out_in_the_worker_code_path():
    """run_job (what a worker process runs) makes the PDF from a RedlineJob."""
    new = TEXT.replace("回收企业应具备", "回收企业宜具备")
    result = run_job(RedlineJob.make(META, TEXT, new, cover=COVER))
    assert result.pdf.startswith(b"%PDF") and result.pages >= 3

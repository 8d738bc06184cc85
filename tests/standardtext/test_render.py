"""render(): numbering, annexes, terms, notes, tables, figures, references, safety."""

from __future__ import annotations

import re

import pytest

from drafting.standardtext import SKELETON, render
from drafting.standardtext.sample import generate_standard, sample_attachments


def numbers(text: str, kind: str | None = None) -> list[str | None]:
    return [h.number for h in render(text).outline if kind is None or h.kind == kind]


def test_clause_numbering_follows_heading_levels_to_five_levels():
    text = (
        "# 范围\n\n## 甲\n\n### 乙\n\n#### 丙\n\n##### 丁\n\n## 戊\n\n# 规范性引用文件\n\n## 己\n"
    )
    assert numbers(text) == ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.1.1", "1.2", "2", "2.1"]
    html = render(text).html
    assert '<h5 id="sec-1.1.1.1.1" class="clause"><span class="num">1.1.1.1.1</span>' in html
    assert (
        '<h1 id="sec-2" class="clause"><span class="num">2</span>　<span class="title">规范性引用文件</span>'
        in html
    )


def test_special_elements_are_unnumbered_whatever_their_spacing():
    rendered = render("# 前　言\n\n文字。\n\n# 引 言\n\n# 范围\n\n# 参考文献\n")
    assert [(h.kind, h.number, h.anchor) for h in rendered.outline] == [
        ("foreword", None, "foreword"),
        ("introduction", None, "introduction"),
        ("clause", "1", "sec-1"),
        ("bibliography", None, "bibliography"),
    ]
    assert [s.kind for s in rendered.sections] == [
        "foreword",
        "introduction",
        "clause",
        "bibliography",
    ]


def test_introduction_subclauses_are_numbered_from_zero():
    assert numbers("# 引言\n\n## 概述\n\n## 背景\n\n# 范围\n") == [None, "0.1", "0.2", "1"]


@pytest.mark.parametrize(
    "heading, nature, title",
    [
        ("# 附录（规范性）试验方法", "normative", "试验方法"),
        ("# 附录(资料性) 典型案例", "informative", "典型案例"),
        ("# 附录 规范性 计算方法", "normative", "计算方法"),
        ("# 附录A（资料性附录）示例", "informative", "示例"),
        ("# 附录 没有性质", None, "没有性质"),
    ],
)
def test_annex_heading_forms(heading, nature, title):
    annex = render(f"# 范围\n\n{heading}\n").outline[1]
    assert (annex.kind, annex.number, annex.annex_nature, annex.title) == (
        "annex",
        "A",
        nature,
        title,
    )


def test_annexes_are_lettered_and_their_subclauses_numbered():
    text = (
        "# 范围\n\n# 附录（规范性）甲\n\n## 条\n\n### 子条\n\n## 条\n\n"
        "# 附录（资料性）乙\n\n## 条\n\n# 附录说明\n"
    )
    rendered = render(text)
    assert [(h.kind, h.number) for h in rendered.outline] == [
        ("clause", "1"),
        ("annex", "A"),
        ("clause", "A.1"),
        ("clause", "A.1.1"),
        ("clause", "A.2"),
        ("annex", "B"),
        ("clause", "B.1"),
        ("clause", "2"),  # "附录说明" is an ordinary chapter title
    ]
    assert (
        '<h1 id="annex-A" class="annex"><span class="annex-label">附录A</span>'
        '<span class="annex-nature">（规范性）</span><span class="title">甲</span></h1>'
    ) in rendered.html
    assert rendered.outline[5].display == "附录B（资料性）　乙"


def test_term_entries_in_clause_three():
    text = (
        "# 范围\n\n# 规范性引用文件\n\n# 术语和定义\n\n下列术语和定义适用于本文件。\n\n"
        "## 能效 | energy efficiency\n\n输出能量与输入能量之比。\n\n注：示例注。\n\n"
        "## 待机功率 standby power\n\n待机状态下的有功功率。\n\n## 5G基站 5G base station\n\n基站。\n"
    )
    rendered = render(text)
    assert [(t.number, t.term, t.term_en, t.definition) for t in rendered.terms] == [
        ("3.1", "能效", "energy efficiency", "输出能量与输入能量之比。"),
        ("3.2", "待机功率", "standby power", "待机状态下的有功功率。"),
        ("3.3", "5G基站", "5G base station", "基站。"),
    ]
    assert [h.kind for h in rendered.outline][-3:] == ["term", "term", "term"]
    assert (
        '<h2 id="sec-3.1" class="term"><span class="num">3.1</span><span class="term-zh">能效</span>'
        '<span class="term-en">energy efficiency</span></h2>'
    ) in rendered.html


def test_notes_and_examples_are_numbered_only_when_several_in_a_clause():
    text = (
        "# 范围\n\n## 甲\n\n注：唯一的注。\n\n示例：唯一的示例。\n\n"
        "## 乙\n\n注：第一。\n\n注1：第二。\n\n示例1：一。\n\n示例 2: 二。\n"
    )
    html = render(text).html
    labels = re.findall(r'<p class="(note|example)"><span class="\1-label">([^<]+)</span>', html)
    assert labels == [
        ("note", "注："),
        ("example", "示例："),
        ("note", "注1："),
        ("note", "注2："),
        ("example", "示例1："),
        ("example", "示例2："),
    ]
    assert "唯一的注。</p>" in html and "注：唯一" not in html


def test_tables_are_numbered_in_the_body_and_per_annex():
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    text = (
        f"# 范围\n\n表：第一张表 {{#first}}\n\n{table}\n{table}\n"
        f"# 附录（规范性）甲\n\n表1 附录表\n\n{table}\n"
        f"# 附录（资料性）乙\n\n表：乙表\n\n{table}\n"
    )
    rendered = render(text)
    assert [(t.number, t.caption, t.rows) for t in rendered.tables] == [
        ("1", "第一张表", 1),
        ("2", "", 1),
        ("A.1", "附录表", 1),
        ("B.1", "乙表", 1),
    ]
    # The caption is the first header row (see tables.caption_rule), with the
    # continuation label the PDF prints instead on later pages.
    html = rendered.html
    assert '<table class="std-table" id="tab-1">' in html
    assert (
        '<span class="caption-cont">表1（续）</span>'
        '<span class="caption-first"><span class="num">表1</span>　第一张表</span>'
    ) in html
    assert '<span class="caption-first"><span class="num">表2</span></span>' in html
    assert '<span class="num">表A.1</span>　附录表' in html
    assert "表：" not in html


def test_a_caption_needs_the_table_right_after_it():
    rendered = render("# 范围\n\n表：不是标题\n\n正文。\n")
    assert rendered.tables == []
    assert "<p>表：不是标题</p>" in rendered.html


def test_figures_are_numbered_and_only_attachments_are_shown():
    text = (
        "# 范围\n\n![试验装置 {#setup}](setup.png)\n\n"
        "![外部图](http://example.com/a.png)\n\n"
        "# 附录（资料性）甲\n\n![附录图](../../etc/passwd)\n\n![绝对](/etc/passwd)\n"
    )
    rendered = render(text, attachment_url=lambda name: f"/documents/7/attachments/{name}")
    assert [(f.number, f.caption, f.source, f.refused) for f in rendered.figures] == [
        ("1", "试验装置", "setup.png", None),
        ("2", "外部图", None, "http://example.com/a.png"),
        ("A.1", "附录图", None, "../../etc/passwd"),
        ("A.2", "绝对", None, "/etc/passwd"),
    ]
    html = rendered.html
    assert (
        '<img class="figure-image" src="/documents/7/attachments/setup.png" alt="试验装置">' in html
    )
    assert '<figcaption><span class="num">图1</span>　试验装置</figcaption>' in html
    assert "example.com" not in re.sub(r'<span class="image-placeholder">[^<]*</span>', "", html)
    assert html.count('class="image-placeholder"') == 3
    assert 'src="http' not in html and '/etc/passwd"' not in html


def test_missing_attachment_is_a_placeholder_when_attachments_are_known():
    rendered = render("# 范围\n\n![图](nope.png)\n", attachments={"other.png"})
    assert rendered.figures[0].source is None
    assert "缺少附件：nope.png" in rendered.html


def test_cross_references_resolve_and_unresolved_are_reported():
    text = (
        "# 范围\n\n## 试验 {#test}\n\n见[[1.1]]、[[#test]]、[[表1]]、[[图1]]、[[附录A]]、"
        "[[A.1]]、[[表A.1]]、[[第1章]]、[[ 表 1 ]]，以及[[9.9]]和[[#nope]]。\n\n"
        "表：甲\n\n| a |\n|---|\n| 1 |\n\n![图](a.png)\n\n"
        "# 附录（资料性）附\n\n## 附条\n\n表：乙\n\n| a |\n|---|\n| 1 |\n"
    )
    rendered = render(text)
    resolved = {r.target: (r.anchor, r.text) for r in rendered.references if r.resolved}
    assert resolved == {
        "1.1": ("sec-1.1", "1.1"),
        "#test": ("sec-1.1", "1.1"),
        "表1": ("tab-1", "表1"),
        "图1": ("fig-1", "图1"),
        "附录A": ("annex-A", "附录A"),
        "A.1": ("sec-A.1", "A.1"),
        "表A.1": ("tab-A.1", "表A.1"),
        "第1章": ("sec-1", "第1章"),
        "表 1": ("tab-1", "表1"),
    }
    assert [(r.target, r.clause, r.line) for r in rendered.unresolved] == [
        ("9.9", "1.1", 5),
        ("#nope", "1.1", 5),
    ]
    assert '<a class="xref" href="#annex-A">附录A</a>' in rendered.html
    assert '<span class="xref unresolved">[[9.9]]</span>' in rendered.html


def test_raw_html_is_text_never_markup():
    text = (
        "# 范围\n\n<script>alert(1)</script>\n\n行内<img src=x onerror=alert(1)>文字\n\n"
        "<iframe src='http://evil'></iframe>\n\n`<b>code</b>`\n"
    )
    html = render(text).html
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<code>&lt;b&gt;code&lt;/b&gt;</code>" in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](jav&#x61;script:alert(1))",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](file:///etc/passwd)",
        "[x](//evil.example/)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_dangerous_links_are_neutralised(link):
    html = render(f"# 范围\n\n{link}\n").html
    assert "href" not in html
    assert "javascript:" not in html.lower().replace(
        '<span class="link-refused">javascript:alert(1)</span>', ""
    ).replace("<p>[ref]: javascript:alert(1)</p>", "")


def test_link_reference_definitions_print_as_text():
    """They are off: a definition is never silently swallowed."""
    html = render("# 范围\n\n[x][ref]\n\n[ref]: https://example.org\n").html
    assert "<p>[x][ref]</p>" in html
    assert "<p>[ref]: https://example.org</p>" in html
    assert "href" not in html


@pytest.mark.parametrize(
    "link, href",
    [
        ("[官网](https://example.org/a?b=1)", "https://example.org/a?b=1"),
        ("[邮件](mailto:sec@example.org)", "mailto:sec@example.org"),
        ("[相对](other/page)", "other/page"),
        ("[锚点](#sec-1)", "#sec-1"),
    ],
)
def test_safe_links_are_kept(link, href):
    assert f'<a href="{href}">' in render(f"# 范围\n\n{link}\n").html


def test_comments_are_dropped_and_cjk_line_breaks_join_without_a_space():
    html = render(
        "# 范围\n\n<!-- 给编辑的说明\n多行 -->\n\n第一行\n第二行<!-- 行内 -->结束\n\nab\ncd\n"
    ).html
    assert "说明" not in html and "行内" not in html
    assert "<p>第一行第二行结束</p>" in html
    assert "<p>ab\ncd</p>" in html


def test_lists_nested_beyond_the_limit_do_not_blow_up():
    text = (
        "# 范围\n\n" + "".join("  " * i + "- 项\n" for i in range(200)) + "\n" + ">" * 200 + " 深\n"
    )
    html = render(text).html
    assert html.count("<ul>") <= 25


def test_anchor_ids_are_stable_and_unique():
    first = render(SKELETON)
    second = render(SKELETON)
    anchors = [h.anchor for h in first.outline]
    assert anchors == [h.anchor for h in second.outline]
    assert len(anchors) == len(set(anchors))
    for anchor in anchors:
        assert f'id="{anchor}"' in first.html


def test_sample_standard_renders_completely():
    text = generate_standard(30)
    assert text == generate_standard(30)  # deterministic
    rendered = render(text, attachments=sample_attachments())
    assert rendered.unresolved == []
    kinds = [h.kind for h in rendered.outline if h.level == 1]
    assert kinds[:2] == ["foreword", "introduction"] and kinds[-1] == "bibliography"
    assert [h.number for h in rendered.outline if h.kind == "annex"] == ["A", "B"]
    assert len(rendered.terms) == 12 and rendered.tables and rendered.figures

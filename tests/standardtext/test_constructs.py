"""Formulas, sub/superscripts, footnotes and table cells (issue 11), at the HTML level."""

from __future__ import annotations

import re

import pytest

from drafting.standardtext import render, run_checks
from drafting.standardtext.render import analyze

BODY = "# 范围\n\n"


def codes(text: str) -> list[tuple[str, int | None]]:
    return [
        (f.code, f.line) for f in run_checks(text) if f.code.startswith(("formula", "footnote"))
    ]


def cells(html: str) -> list[str]:
    """Every body cell's opening tag and text, in order."""
    body = html[html.index("<tbody>") :]
    return [f"{m[0]}|{m[1]}" for m in re.findall(r"(<t[dh][^>]*>)(.*?)</t[dh]>", body, re.S)]


# -- formulas ----------------------------------------------------------------------


def test_display_formulas_are_numbered_labelled_and_cited():
    text = (
        BODY + "见[[#能量]]和[[公式(2)]]。\n\n$$ E = mc^2 $$ {#能量}\n\n$$\nF = m a\n$$\n\n"
        "# 附录（规范性）示例\n\n$$ x = y $$ {#附}\n\n见[[#附]]。\n"
    )
    rendered = render(text)
    html = rendered.html
    assert [(f.number, f.label) for f in rendered_formulas(text)] == [
        ("1", "能量"),
        ("2", None),
        ("A.1", "附"),
    ]
    assert '<a class="xref" href="#formula-1">公式(1)</a>' in html
    assert '<a class="xref" href="#formula-2">公式(2)</a>' in html
    assert '<a class="xref" href="#formula-A.1">公式(A.1)</a>' in html
    assert '<span class="formula-number">(A.1)</span>' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "mc^2" not in html and "$$" not in html


def rendered_formulas(text: str):
    return analyze(text).structure.formulas


def test_inline_formula_is_an_svg_but_money_stays_text():
    html = render(BODY + "速度 $v = s/t$，价格 $5 and $6，以及 $ x$ 原样。\n").html
    assert html.count("<svg") == 1
    assert "$5 and $6" in html and "$ x$" in html
    assert "v = s/t" not in html


@pytest.mark.parametrize("tex", [r"\frac{a}{b", r"\notacommand{x}", r"x^"])
def test_a_formula_that_does_not_parse_is_shown_as_such_with_a_finding(tex):
    text = BODY + f"正文。\n\n$$ {tex} $$\n\n行内 ${tex}$ 也一样。\n"
    html = render(text).html
    assert html.count("［公式无法解析］") == 2
    assert tex not in html  # never raw TeX
    assert codes(text) == [("formula-invalid", 5), ("formula-invalid", 7)]
    finding = next(f for f in run_checks(text) if f.code == "formula-invalid")
    assert "无法解析" in finding.message("zh") and "does not parse" in finding.message("en")


def test_where_list_after_a_formula():
    text = BODY + "$$ P = U I $$\n\n其中：\nP——功率，单位为瓦（W）；\nU~1~——电压；\n"
    html = render(text).html
    assert '<p class="where-label">其中：</p>' in html
    assert (
        '<span class="where-symbol">P</span><span class="where-dash">——</span>'
        # （W）； : the second of two adjacent full-width marks is compressed
        '<span class="where-text">功率，单位为瓦（W<span class="punct-halt">）</span>；</span>'
    ) in html
    assert '<span class="where-symbol">U<sub>1</sub></span>' in html
    # not after a formula: an ordinary paragraph
    assert "<p>其中：甲" in render(BODY + "其中：甲——乙\n").html


def test_subscripts_and_superscripts():
    html = render(BODY + "H~2~O，m^2^，~~删除~~，a~b c~ 不是。\n").html
    assert "H<sub>2</sub>O" in html and "m<sup>2</sup>" in html
    assert "<s>删除</s>" in html
    assert "a~b c~" in html


# -- footnotes ----------------------------------------------------------------------


def test_footnotes_are_numbered_and_their_text_is_kept():
    text = BODY + "甲[^a]，乙[^b]，再引甲[^a]。\n\n[^a]: 甲的脚注。\n[^b]: 乙的 *脚注*。\n"
    html = render(text).html
    assert (
        '<sup class="fn-call">1)</sup><span class="footnote"><span class="fn-mark">1)</span>'
        '<span class="fn-text">甲的脚注。</span></span>'
    ) in html
    assert '<span class="fn-text">乙的 <em>脚注</em>。</span>' in html
    assert '<sup class="fn-ref">1)</sup>' in html
    assert "[^" not in html
    assert codes(text) == []


def test_a_footnote_never_silently_vanishes():
    text = BODY + "引用[^missing]。\n\n[^lonely]: 无人引用的脚注。\n"
    html = render(text).html
    assert '<span class="footnote-unresolved">[^missing]</span>' in html
    assert "无人引用的脚注。" in html
    assert codes(text) == [("footnote-undefined", 3), ("footnote-unused", 5)]


def test_footnotes_in_a_table_are_table_footnotes():
    text = (
        BODY
        + "| a | b |\n|---|---|\n| 1[^x] | 2[^y] |\n| 3[^x] | 4 |\n\n[^x]: 第一。\n[^y]: 第二。\n"
    )
    html = render(text).html
    assert html.count('<sup class="table-fn-ref">a)</sup>') == 2
    assert '<sup class="table-fn-ref">b)</sup>' in html
    notes = html[html.index('<tbody class="table-notes">') : html.index("</table>")]
    assert '<td colspan="2">' in notes
    assert '<span class="fn-mark">a)</span>第一。' in notes
    assert '<span class="fn-mark">b)</span>第二。' in notes


# -- tables -------------------------------------------------------------------------


def test_merged_cells_span_columns_and_rows():
    text = BODY + (
        "| a | b | c |\n|---|---|---|\n| 1 | < | 3 |\n| ^ | < | 6 |\n| \\< | \\^ | 9 |\n"
    )
    html = render(text).html
    assert cells(html) == [
        '<td colspan="2" rowspan="2">|1',
        "<td>|3",
        "<td>|6",
        "<td>|&lt;",
        "<td>|^",
        "<td>|9",
    ]


def test_empty_rows_line_breaks_and_lists_in_cells():
    text = BODY + "| a | b |\n|---|---|\n| | |\n| 甲<br>乙 | - 一<br>- 二 |\n"
    html = render(text).html
    assert cells(html)[:2] == ["<td>|&nbsp;", "<td>|&nbsp;"]
    assert "<td>甲<br>乙</td>" in html
    assert "<td><ul>\n<li>一</li>\n<li>二</li>\n</ul>\n</td>" in html
    # <br> elsewhere stays text: raw HTML is off
    assert "&lt;br&gt;" in render(BODY + "甲<br>乙\n").html


def test_table_notes_go_into_the_frame():
    text = (
        BODY + "表：参数\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n注1：一。\n\n注2：二。\n\n正文。\n"
    )
    html = render(text).html
    notes = html[html.index('<tbody class="table-notes">') : html.index("</table>")]
    assert '<span class="note-label">注1：</span>一。' in notes
    assert '<span class="note-label">注2：</span>二。' in notes
    assert html.index("</table>") < html.index("<p>正文。</p>")
    # a single note is 注：
    html = render(BODY + "| a |\n|---|\n| 1 |\n\n注：唯一。\n").html
    assert '<span class="note-label">注：</span>唯一。</p>\n</td></tr></tbody>' in html
    # a table without notes or footnotes has no notes row
    assert "table-notes" not in render(BODY + "| a |\n|---|\n| 1 |\n").html


HOSTILE = [
    "| a |\n|---|\n| ^ |\n",  # ^ into the header: stays text
    "| a | b |\n|---|---|\n| < | x |\n",  # < in the first column: stays text
    "$$ \\frac{ $$",
    "$$\n未闭合\n",
    "[^]: 空标签\n",
    "x[^ 空格] y\n",
    "H~~2~O m^^2^\n",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_odd_inputs_keep_their_text(source):
    html = render(BODY + source).html
    for word in ("未闭合", "空标签", "空格", "x", "y"):
        if word in source:
            assert word in html
    if "^ |" in source or "< |" in source:
        assert "<td>^</td>" in html or "<td>&lt;</td>" in html


def test_chinese_in_a_formula_is_reported_not_drawn_as_boxes():
    text = BODY + "$$ P_{\\text{功率}} = U I $$\n\n见[[公式（1）]]。\n"
    html = render(text).html
    assert "［公式无法解析］" in html and "功率" not in html
    assert '<a class="xref" href="#formula-1">公式（1）</a>' in html  # cited as written
    finding = next(f for f in run_checks(text) if f.code == "formula-cjk")
    assert finding.line == 3 and "其中：" in finding.message("zh")


@pytest.mark.parametrize(
    "tex",
    [
        r'\color{red" onload="alert(1)}{x}',
        r"\color{url(#x)}{y}",
        r"\href{javascript:alert(1)}{x}",
        r"\class{evil}{x}",
        r"\text{<script>alert(1)</script>}",
        r"\operatorname{<img src=x onerror=alert(1)>}",
    ],
)
def test_hostile_tex_yields_nothing_but_shapes(tex):
    html = render(BODY + f"${tex}$\n\n$$ {tex} $$\n").html
    tags = set(re.findall(r"<([a-zA-Z0-9]+)", html))
    assert tags <= {"h1", "span", "p", "div", "svg", "path", "g", "rect"}
    for word in ("onload", "onerror", "javascript", "<script", "<img", "url("):
        assert word not in html


def test_double_dollars_inside_a_sentence_are_an_inline_formula():
    html = render(BODY + "文字 $$x^2$$ 文字，空的 $$ $$ 原样。\n").html
    assert html.count("<svg") == 1
    assert "$$ $$" in html and "x^2" not in html


def test_text_after_a_table_is_kept_in_every_section():
    """The caption rule moves tokens after the structural pass: the sections'
    ranges must follow, or the end of each section after a table vanished."""
    for caption in ("", "表：条件\n\n"):
        text = f"# 范围\n\n{caption}| a |\n| --- |\n| 1 |\n\n表后的文字。\n\n# 术语和定义\n\n最后一段。\n"
        html = render(text).html
        assert "<p>表后的文字。</p>" in html
        assert '<span class="title">术语和定义</span>' in html and "<p>最后一段。</p>" in html

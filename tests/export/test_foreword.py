"""前言 in the order GB/T 1.1-2020 fixes, generated parts once (issue 11)."""

from __future__ import annotations

import re

import pytest

from drafting.export import build_html
from drafting.export.foreword import adoption_label, adoption_sentence, compose_foreword
from drafting.standardtext import render, run_checks
from drafting.standardtext.foreword import GB_T_1_1_SENTENCE, PATENT_SENTENCE
from tests.export.conftest import make_meta

#: Typed out of order, with the generated parts typed as well.
MESSY = """\
# 前言

本文件主要起草人：赵六。

本文件起草单位：某公司。

本文件按照GB/T\u00a01.1—2020《标准化工作导则\u3000第1部分：标准化文件的结构和起草规则》的规定起草。

本文件于2020年首次发布，本次为第一次修订。

本文件由中国电子节能技术协会提出并归口。

请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。

与T/CESA 1000—2020相比，除结构调整和编辑性改动外，主要技术变化如下：

- 更改了范围；
- 增加了试验方法。

本文件是T/CESA 1234《用能设备能效评价》的第1部分。

# 范围

本文件规定了要求。
"""


def foreword_text(html: str) -> str:
    section = html[
        html.index('<section class="foreword">') : html.index(
            "</section>", html.index('<section class="foreword">')
        )
    ]
    return re.sub(r"<[^>]+>", "", section)


def test_gb_sentence_has_the_standards_punctuation():
    assert GB_T_1_1_SENTENCE == (
        "本文件按照GB/T 1.1—2020《标准化工作导则\u3000第1部分：标准化文件的结构和起草规则》的规定起草。"
    )


def test_parts_come_in_the_fixed_order_and_generated_parts_once():
    meta = make_meta(adoption="ISO 12345:2020, MOD")
    text = foreword_text(build_html(meta, MESSY))
    order = [
        "本文件按照GB/T 1.1—2020",
        "本文件是T/CESA 1234",
        "本文件代替T/CESA 1000—2020。",
        "与T/CESA 1000—2020相比",
        "更改了范围",
        "增加了试验方法",
        "本文件修改采用ISO 12345:2020。",
        PATENT_SENTENCE,
        "本文件由中国电子节能技术协会提出并归口。",
        "本文件起草单位：中国电子节能技术协会、华能节能科技股份有限公司、国家节能设备检测中心。",
        "本文件主要起草人：张三、李四、王五。",
        "本文件于2020年首次发布",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert text.count("本文件按照") == 1
    assert text.count("请注意本文件") == 1
    assert text.count("起草单位") == 1 and "某公司" not in text
    assert text.count("主要起草人") == 1 and "赵六" not in text


def test_typed_units_and_drafters_stay_when_there_is_no_data():
    meta = make_meta(drafting_units=(), drafters=())
    text = foreword_text(build_html(meta, MESSY))
    assert "本文件起草单位：某公司。" in text and "本文件主要起草人：赵六。" in text
    assert text.index("起草单位") < text.index("主要起草人") < text.index("首次发布")


def test_composition_takes_the_ordered_list_of_drafters():
    section = render(MESSY).sections[0]
    blocks = compose_foreword(
        make_meta(), section, drafting_units=["甲单位"], drafters=["王五", "张三"]
    )
    joined = "".join(blocks)
    assert "本文件主要起草人：王五、张三。" in joined
    assert "本文件起草单位：甲单位。" in joined


def test_known_patents_replace_the_default_sentence():
    text = "# 前言\n\n本文件的4.2涉及专利ZL 2020 1 0000000.0，专利持有人为某公司。\n\n# 范围\n"
    printed = foreword_text(build_html(make_meta(known_patents=True), text))
    assert PATENT_SENTENCE not in printed
    assert "专利持有人为某公司" in printed
    default = foreword_text(build_html(make_meta(), "# 范围\n"))
    assert PATENT_SENTENCE in default


def test_missing_patent_statement_is_an_error_when_patents_are_known():
    text = "# 前言\n\n本文件由甲提出。\n\n# 范围\n"
    assert "patent-statement-missing" in [f.code for f in run_checks(text, known_patents=True)]
    assert "patent-statement-missing" not in [f.code for f in run_checks(text)]


def test_checks_warn_about_typed_generated_parts_and_order():
    findings = [(f.code, f.line, f.params.get("part")) for f in run_checks(MESSY)]
    assert ("foreword-part-generated", 3, "主要起草人") in findings
    assert ("foreword-part-generated", 5, "起草单位") in findings
    assert ("foreword-part-generated", 7, "起草依据") in findings
    assert ("foreword-part-generated", 13, "专利说明") in findings
    assert ("foreword-order", 3, "主要起草人") in findings
    assert ("foreword-order", 9, "历次版本发布情况") in findings
    for finding in run_checks(MESSY):
        assert "{" not in finding.message("zh") and "{" not in finding.message("en")


@pytest.mark.parametrize(
    "adoption, sentence, label",
    [
        ("ISO 12345:2020, MOD", "本文件修改采用ISO 12345:2020。", "（ISO 12345:2020，MOD）"),
        ("IEC 60000-1:2019，IDT", "本文件等同采用IEC 60000-1:2019。", "（IEC 60000-1:2019，IDT）"),
        ("ISO 9:1995, NEQ", "本文件与ISO 9:1995的一致性程度为非等效。", "（ISO 9:1995，NEQ）"),
    ],
)
def test_degree_of_correspondence(adoption, sentence, label):
    assert adoption_sentence(adoption) == sentence
    assert adoption_label(adoption) == label
    html = build_html(make_meta(adoption=adoption), "# 范围\n")
    assert f'<p class="cover-adoption">{label}</p>' in html
    assert sentence in foreword_text(html)


def test_a_section_without_blocks_still_prints_its_body():
    section = render("# 前言\n\n本文件由甲提出。\n\n# 范围\n").sections[0]
    section.blocks = []
    joined = "".join(compose_foreword(make_meta(), section, drafting_units=[], drafters=[]))
    assert "本文件由甲提出。" in joined and joined.index("本文件按照") < joined.index("甲提出")

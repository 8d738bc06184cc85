"""run_checks(): every finding code fires on a minimal text, none on SKELETON."""

from __future__ import annotations

import re

import pytest

from drafting.standardtext import MESSAGES, SKELETON, run_checks, verbal_form_counts

GOOD_HEAD = "# 前言\n\n前言文字。\n\n# 范围\n\n范围。\n\n# 规范性引用文件\n\n无。\n\n# 术语和定义\n\n无。\n\n"


def codes(text: str, **kwargs) -> set[str]:
    return {finding.code for finding in run_checks(text, **kwargs)}


CASES = {
    "foreword-missing": "# 范围\n\n# 规范性引用文件\n\n# 术语和定义\n\n# 要求\n",
    "scope-missing": "# 前言\n\n# 总则\n",
    "normative-references-missing": "# 前言\n\n# 范围\n\n# 术语和定义\n",
    "terms-missing": "# 前言\n\n# 范围\n\n# 规范性引用文件\n\n# 要求\n",
    "technical-clause-missing": "# 前言\n\n# 范围\n\n# 规范性引用文件\n\n# 术语和定义\n",
    "element-order": GOOD_HEAD + "# 要求\n\n# 参考文献\n\n# 附录（资料性）晚了\n",
    "duplicate-element": GOOD_HEAD + "# 要求\n\n# 前言\n",
    "requirement-in-foreword": "# 前言\n\n本文件应由秘书处解释。\n\n# 范围\n",
    "annex-nature-missing": GOOD_HEAD + "# 要求\n\n见[[附录A]]。\n\n# 附录 试验\n",
    "heading-too-deep": GOOD_HEAD + "# 要求\n\n## a\n\n### b\n\n#### c\n\n##### d\n\n###### e\n",
    "heading-level-skipped": GOOD_HEAD + "# 要求\n\n### 跳级\n",
    "hanging-paragraph": GOOD_HEAD + "# 要求\n\n悬置段。\n\n## 甲\n\n## 乙\n",
    "single-subclause": GOOD_HEAD + "# 要求\n\n## 唯一子条\n",
    "verbal-form-forbidden": GOOD_HEAD + "# 要求\n\n产品必须合格。\n",
    "reference-unresolved": GOOD_HEAD + "# 要求\n\n见[[9.9]]。\n",
    "label-duplicate": GOOD_HEAD + "# 要求\n\n## 甲 {#x}\n\n## 乙 {#x}\n",
    "image-refused": GOOD_HEAD + "# 要求\n\n![图](https://example.com/a.png)\n",
    "image-missing": GOOD_HEAD + "# 要求\n\n![图](a.png)\n",
    "annex-unreferenced": GOOD_HEAD + "# 要求\n\n正文。\n\n# 附录（资料性）无人引用\n",
    "content-before-first-heading": "开头的文字。\n\n" + GOOD_HEAD,
    "conflict-markers": GOOD_HEAD
    + "# 要求\n\n<<<<<<< 你的修改\n甲。\n||||||| 原文\n原。\n=======\n乙。\n>>>>>>> 他人的修改\n",
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_fires_on_its_minimal_text(code):
    kwargs = {"attachments": set()} if code == "image-missing" else {}
    findings = [f for f in run_checks(CASES[code], **kwargs) if f.code == code]
    assert findings, f"{code} not reported"
    for finding in findings:
        for locale in ("zh", "en"):
            message = finding.message(locale)
            assert message and not re.search(r"\{\w+\}", message), message


def test_skeleton_has_no_findings():
    assert run_checks(SKELETON) == []
    assert run_checks(SKELETON, attachments=set()) == []


def test_every_code_has_both_messages():
    for code, messages in MESSAGES.items():
        assert set(messages) == {"zh", "en"}, code
    assert set(CASES) <= set(MESSAGES)


def test_findings_carry_clause_line_and_params():
    text = GOOD_HEAD + "# 要求\n\n## 甲\n\n产品必须合格，不得超标。\n"
    forbidden = [f for f in run_checks(text) if f.code == "verbal-form-forbidden"]
    assert [(f.clause, f.line, f.params["form"], f.params["suggestion"]) for f in forbidden] == [
        ("4.1", 21, "必须", "应"),
        ("4.1", 21, "不得", "不应"),
    ]
    assert forbidden[0].severity == "warning"
    assert forbidden[0].message("zh") == "不应使用“必须”表述要求，请改用“应”。"
    assert forbidden[0].to_dict("en")["message"].startswith("Do not use")


def test_english_must_is_flagged_but_not_inside_words_or_code():
    text = GOOD_HEAD + "# 要求\n\nThe device must stop. Mustard is fine. `must` in code.\n"
    forms = [f.params["form"] for f in run_checks(text) if f.code == "verbal-form-forbidden"]
    assert forms == ["must"]


@pytest.mark.parametrize(
    "sentence",
    [
        "相应的应用。",  # 相应, 应用
        "能效和节能性能。",  # 能效, 节能, 性能
        "可靠且不可逆，必不可少。",  # 可靠, 不可逆, 必不可少
        "适宜的事宜。",  # 适宜, 事宜
    ],
)
def test_ordinary_words_are_not_verbal_forms(sentence):
    counts = verbal_form_counts(GOOD_HEAD + f"# 要求\n\n{sentence}\n")
    clause4 = [c for c in counts if c.clause == "4"][0]
    assert (clause4.shall, clause4.should, clause4.may, clause4.can) == (0, 0, 0, 0)
    assert "verbal-form-forbidden" not in codes(GOOD_HEAD + f"# 要求\n\n{sentence}\n")


def test_verbal_form_counts_per_clause():
    text = (
        GOOD_HEAD
        + "# 要求\n\n## 甲\n\n应测量，不应超标，宜记录，可选用，不可能失效，能承受。\n\n## 乙\n\nThe device shall stop.\n"
    )
    counts = {c.clause: (c.shall, c.should, c.may, c.can) for c in verbal_form_counts(text)}
    assert counts["4.1"] == (2, 1, 1, 2)
    assert counts["4.2"] == (1, 0, 0, 0)
    info = [f for f in run_checks(text, include_counts=True) if f.code == "verbal-form-count"]
    assert {f.clause: f.params["shall"] for f in info} == {"4.1": 2, "4.2": 1}
    assert all(f.severity == "info" for f in info)


def test_terms_clause_lead_in_is_not_a_hanging_paragraph():
    text = GOOD_HEAD.replace(
        "# 术语和定义\n\n无。\n\n", "# 术语和定义\n\n下列术语适用。\n\n## 甲 | a\n\n定义。\n\n"
    )
    assert "hanging-paragraph" not in codes(text + "# 要求\n\n正文。\n")


def test_annex_cited_in_plain_text_counts_as_referenced():
    text = GOOD_HEAD + "# 要求\n\n方法见附录A。\n\n# 附录（规范性）方法\n\n正文。\n"
    assert "annex-unreferenced" not in codes(text)


CONFLICTED = (
    "# 前言\n\n前言文字。\n\n# 范围\n\n"  # lines 1-6
    "<<<<<<< 你的修改\n"  # 7
    "本文件规定了回收利用的要求。\n"  # 8
    "||||||| 原文\n"  # 9
    "本文件规定了回收的要求。\n"  # 10
    "=======\n"  # 11
    "本文件规定了回收和利用的要求。\n"  # 12
    ">>>>>>> 他人的修改\n\n"  # 13
    "# 规范性引用文件\n\n无。\n\n# 术语和定义\n\n无。\n\n# 要求\n\n产品应合格。\n"
)


def test_conflict_markers_are_reported_themselves_not_as_a_chapter():
    findings = run_checks(CONFLICTED)

    # the "=======" line no longer turns the line above into a chapter heading
    assert [f.code for f in findings] == ["conflict-markers"]
    [finding] = findings
    assert finding.severity == "error" and finding.line == 7
    assert finding.params["lines"] == [7, 9, 11, 13]
    assert finding.message("zh") == (
        "第7行至第13行是未解决的合并冲突：第7、9、11、13行是冲突标记"
        "（<<<<<<<、|||||||、=======、>>>>>>>）。请在此处保留需要的文字，删除这些标记行后再保存。"
    )
    assert "lines 7, 9, 11, 13 are conflict markers" in finding.message("en")


def test_a_lone_heading_underline_is_not_a_conflict_marker():
    text = GOOD_HEAD.replace("# 范围\n", "范围\n=======\n") + "# 要求\n\n产品应合格。\n"
    assert "conflict-markers" not in codes(text)
    assert run_checks(text) == []

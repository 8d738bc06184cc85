"""条 without a heading (#.), second-level list items, 索引 (syntax.md, owner gbt)."""

from drafting.export.assemble import toc_entries
from drafting.standardtext import render, run_checks

BASE = "# 前言\n\n本文件由甲提出。\n\n# 范围\n\n本文件规定了。\n\n# 规范性引用文件\n\n无。\n\n# 术语和定义\n\n无。\n\n"


def codes(text):
    return [(f.code, f.line) for f in run_checks(text)]


def test_headless_clauses_are_numbered_under_their_clause():
    text = (
        BASE
        + "# 要求\n\n## 一般要求\n\n#. 产品应符合要求。\n\n#. 产品应安全，见[[4.1.1]]。\n\n## 性能\n\n#. 甲\n\n#. 乙\n"
    )
    rendered = render(text)
    html = rendered.html
    assert (
        '<p class="clause-headless" id="sec-4.1.1"><span class="num">4.1.1</span>　产品应符合要求。</p>'
        in html
    )
    assert '<a class="xref" href="#sec-4.1.1">4.1.1</a>' in html
    assert 'id="sec-4.2.2"><span class="num">4.2.2</span>　乙</p>' in html
    assert "#." not in html
    numbers = [h.number for h in rendered.outline if h.headless]
    assert numbers == ["4.1.1", "4.1.2", "4.2.1", "4.2.2"]
    toc = [e.text for e in toc_entries(rendered.outline, depth=5)]
    assert "4.1　一般要求" in toc and not any(t.startswith("4.1.1") for t in toc)
    assert not [c for c in codes(text) if c[0] in ("hanging-paragraph", "single-subclause")]


def test_headless_clause_directly_under_a_chapter_and_in_an_annex():
    text = (
        BASE
        + "# 要求\n\n#. 第一条。\n\n#. 第二条。\n\n# 附录（规范性）试验\n\n#. 附录条。\n\n#. 又一条。\n"
    )
    html = render(text).html
    assert '<span class="num">4.1</span>　第一条。' in html
    assert '<span class="num">A.2</span>　又一条。' in html


def test_text_before_headless_clauses_is_a_hanging_paragraph():
    text = BASE + "# 要求\n\n悬置段。\n\n#. 第一条。\n\n#. 第二条。\n"
    assert ("hanging-paragraph", 17) in codes(text)


def test_a_single_headless_clause_is_a_single_subclause():
    text = BASE + "# 要求\n\n## 一般\n\n#. 仅一条。\n\n## 其他\n\n#. 甲\n\n#. 乙\n"
    assert any(code == "single-subclause" for code, _ in codes(text))


def test_headless_marker_outside_clauses_stays_text_and_is_reported():
    text = "# 前言\n\n#. 前言中的段。\n\n" + BASE[len("# 前言\n\n本文件由甲提出。\n\n") :]
    html = render(text).html
    assert "#. 前言中的段。" in html
    assert ("headless-clause-misplaced", 3) in codes(text)


def test_index_is_a_final_unnumbered_element():
    text = (
        BASE
        + "# 要求\n\n## 甲\n\n文字。\n\n## 乙\n\n文字。\n\n# 参考文献\n\n[1] GB/T 1\n\n# 索引\n\n## A\n\n安全……4.1\n"
    )
    rendered = render(text)
    assert '<h1 id="index" class="index"><span class="title">索引</span></h1>' in rendered.html
    assert [s.kind for s in rendered.sections][-2:] == ["bibliography", "index"]
    assert all(h.number is None for h in rendered.outline if h.kind == "index")
    assert [e.text for e in toc_entries(rendered.outline, 2)][-2:] == ["参考文献", "索引"]
    assert not [c for c in codes(text) if c[0] in ("element-order", "technical-clause-missing")]
    misplaced = BASE + "# 索引\n\n甲\n\n# 要求\n\n## 甲\n\n文字。\n\n## 乙\n\n文字。\n"
    assert any(code == "element-order" for code, _ in codes(misplaced))


def test_second_level_list_items_print_a_middle_dot():
    css = open("static/export/standard.css", encoding="utf-8").read()
    assert '@counter-style gb-dot { system: cyclic; symbols: "·"' in css
    assert "ul ul, ol ul { list-style: gb-dot;" in css
    html = render(BASE + "# 要求\n\n- 甲\n  - 乙\n").html
    assert "<ul>\n<li>甲\n<ul>\n<li>乙</li>" in html

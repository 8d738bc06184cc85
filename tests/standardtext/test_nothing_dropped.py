"""Nothing the editor wrote disappears without a word (issue 11)."""

from __future__ import annotations

import html as html_lib
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.export import DocumentMeta, build_html
from drafting.standardtext import render, run_checks
from drafting.standardtext.syntax import make_parser
from drafting.standardtext.unsupported import CODE_LANGUAGES

_TAG_RE = re.compile(r"<[^>]*>")
_ATTR_RE = re.compile(r'(?:href|src|alt|title|start)="([^"]*)"')
_WORD_RE = re.compile(r"[^\W_]+")
_LIST_MARKER_RE = re.compile(r"^[ >]*\d{1,9}[.)](?=[ \t]|$)")


def visible(html: str) -> str:
    """The text of the HTML plus its link targets and image names."""
    attributes = " ".join(_ATTR_RE.findall(html))
    return html_lib.unescape(_TAG_RE.sub("", html) + " " + attributes)


def fence_languages(text: str) -> dict[int, str]:
    """Line number → the language named on a code block's first line (```c): the
    name of the listing's language, not text of the standard, so it does not print.
    Other languages are reported (fence-unsupported), as is anything after the name."""
    return {
        token.map[0] + 1: token.info.split()[0]
        for token in make_parser().parse(text)
        if token.type == "fence" and token.map and token.info.split()
        if token.info.split()[0].lower() in CODE_LANGUAGES
    }


def without_comments(text: str) -> str:
    """The text with closed ``<!-- -->`` comments blanked (they are dropped by
    design), line breaks kept so that line numbers stay."""
    out, pos = [], 0
    while (start := text.find("<!--", pos)) >= 0:
        close = text.find("-->", start + 2)
        if close < 0:
            break
        out.append(text[pos:start])
        out.append("\n" * text.count("\n", start, close + 3))
        pos = close + 3
    out.append(text[pos:])
    return "".join(out)


def codes(text: str) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in run_checks(text)]


def test_heading_before_the_first_chapter_is_kept_and_reported():
    text = "## foo\n\n# 范围\n\n本文件规定了……\n"
    html = render(text).html
    assert '<span class="title">foo</span>' in html
    assert ("content-before-first-heading", 1) in codes(text)


def test_a_lone_heading_before_the_first_chapter_is_kept():
    html = render("### 只有标题\n# 范围\n").html
    assert "只有标题" in html


def test_text_after_a_comment_on_its_line_is_kept():
    html = render("# 范围\n\n<!-- 给编辑 --> 本文件规定了要求。\n").html
    assert "<p>本文件规定了要求。</p>" in html
    assert "给编辑" not in html


def test_text_after_a_multiline_comment_on_its_closing_line_is_kept():
    html = render("# 范围\n\n<!-- 一\n\n二 -->余下的文字\n\n下一段\n").html
    assert "<p>余下的文字</p>" in html and "<p>下一段</p>" in html
    assert "二" not in html


def test_empty_html_comments_end_at_once():
    html = render("# 范围\n\n<!-->甲\n\n乙\n\n<!--->丙\n\n-->\n").html
    for word in ("甲", "乙", "丙"):
        assert word in html


def test_an_unclosed_comment_prints_and_is_reported():
    text = "# 范围\n\n文字<!-- 没有结束\n\n<!-- 也没有结束\n\n最后\n"
    html = render(text).html
    assert "没有结束" in html and "也没有结束" in html and "最后" in html
    assert ("comment-unclosed", 3) in codes(text)
    assert ("comment-unclosed", 5) in codes(text)


def test_front_matter_is_kept_visible_and_reported():
    text = "---\ntitle: 电池\nauthor: 甲\n---\n\n# 范围\n"
    html = render(text).html
    assert '<pre class="unsupported front-matter">title: 电池\nauthor: 甲\n</pre>' in html
    assert ("front-matter-unsupported", 1) in codes(text)


def test_toc_marker_highlight_and_unknown_fence_are_reported_and_kept():
    text = "# 范围\n\n[TOC]\n\n这是==重点==内容。\n\n```mermaid\ngraph TD\n```\n\n```python\nx = 1\n```\n"
    html = render(text).html
    assert "[TOC]" in html and "==重点==" in html and "graph TD" in html
    found = codes(text)
    assert ("toc-marker-unsupported", 3) in found
    assert ("highlight-unsupported", 5) in found
    assert ("fence-unsupported", 7) in found
    assert not any(code == "fence-unsupported" and line == 11 for code, line in found)


def test_a_code_block_never_closed_or_with_words_after_its_language_is_reported():
    unclosed = run_checks("# 范围\n\n``` c\nint x;\n\n## 后面的条\n")
    [finding] = [f for f in unclosed if f.code == "fence-unclosed"]
    assert finding.line == 3 and "never closed" in finding.message("en")
    assert "没有以“```”结束" in finding.message("zh")
    assert not [f for f in run_checks("# 范围\n\n```c\nint x;\n```\n") if "fence" in f.code]
    assert not [f for f in run_checks("> ```\n> x\n> ```\n") if "fence" in f.code]
    assert [f.code for f in run_checks("~~~~\nx\n~~~\n") if "fence" in f.code] == ["fence-unclosed"]
    [ignored] = [f for f in run_checks('```python title="a.py"\nx\n```\n') if "fence" in f.code]
    assert ignored.code == "fence-info-ignored" and 'title="a.py"' in ignored.message("en")


def test_findings_have_messages_in_both_languages():
    text = "---\na: b\n---\n\n[TOC]\n\n==x==\n\n```plantuml\n```\n\n```c x\n<!-- open\n"
    for finding in run_checks(text):
        assert "{" not in finding.message("zh"), finding
        assert "{" not in finding.message("en"), finding


_FRAGMENTS = [
    "# 范围",
    "## 一般要求",
    "### 细则",
    "#### 深",
    "# 前言",
    "# 附录（资料性）示例",
    "# 参考文献",
    "# 索引",
    "#. 无标题的条",
    "本文件按照GB/T 1.1—2020的规定起草。",
    "本文件起草单位：某单位。",
    "<!-- 注释 -->",
    "<!-->",
    "<!--->",
    "<!--",
    "-->",
    "---",
    "...",
    "[TOC]",
    "==高亮==",
    "```mermaid",
    "```",
    "~~~",
    "[^1]: 脚注",
    "[ref]: https://example.org",
    "[链接][ref]",
    "注：说明",
    "示例：样例",
    "表：参数",
    "| 甲 | 乙 |",
    "| --- | --- |",
    "- 列项",
    "  - 子项",
    "1. 第一",
    "3) 第三",
    "> 引文",
    "    缩进代码",
    "***",
    "[[4.1]]",
    "![图题](图.png)",
    "标题\n===",
    "<b>粗</b>",
    "\\*转义\\*",
    "**粗体**",
]
_WORDS = st.text(
    alphabet="甲乙丙丁戊己庚辛abcxyz0123456789 　*_`|<>!-=#[]()", min_size=1, max_size=12
)
_LINE = st.one_of(
    st.sampled_from(_FRAGMENTS),
    _WORDS,
    st.tuples(st.sampled_from(_FRAGMENTS), _WORDS).map(lambda pair: f"{pair[0]} {pair[1]}"),
    st.tuples(_WORDS, st.sampled_from(_FRAGMENTS)).map(lambda pair: f"{pair[0]}{pair[1]}"),
)
_DOCUMENT = st.lists(st.one_of(_LINE, st.just("")), min_size=1, max_size=25).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT)
def test_property_every_word_is_shown_or_its_line_is_reported(text):
    """Each run of letters, digits or CJK characters of a line appears in the
    HTML (text, link target or image name), unless a finding names the line."""
    shown = visible(render(text).html)
    reported = {f.line for f in run_checks(text) if f.line is not None}
    languages = fence_languages(text)
    for number, line in enumerate(without_comments(text).split("\n"), 1):
        if number in reported:
            continue
        if number in languages:
            line = line.replace(languages[number], " ", 1)
        # an ordered list's marker is numbering, printed by the list itself
        line = _LIST_MARKER_RE.sub("", line)
        for word in _WORD_RE.findall(line):
            assert word in shown, (number, line, word)


_META = DocumentMeta(
    "协会", "T/X", "T/X 1—2026", "标题", drafting_units=("某单位",), drafters=("某人",)
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT)
def test_property_the_exported_document_drops_nothing_unreported(text):
    """The same for the whole export HTML, where 前言 is recomposed."""
    html = build_html(_META, text, for_print=False)
    body = html[html.index('<section class="foreword">') :]
    shown = visible(body)
    reported = {f.line for f in run_checks(text) if f.line is not None}
    languages = fence_languages(text)
    for number, line in enumerate(without_comments(text).split("\n"), 1):
        if number in reported:
            continue
        if number in languages:
            line = line.replace(languages[number], " ", 1)
        line = _LIST_MARKER_RE.sub("", line)
        for word in _WORD_RE.findall(line):
            assert word in shown, (number, line, word)

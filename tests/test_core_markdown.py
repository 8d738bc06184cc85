"""The notice / help renderer keeps list starts and code languages, nothing else."""

from drafting.core.markdown import render_markdown


def test_ordered_list_keeps_its_start():
    html = render_markdown("3. third\n4. fourth\n")
    assert '<ol start="3">' in html
    assert "<li>third</li>" in html


def test_list_from_one_has_no_start():
    assert "<ol>" in render_markdown("1. one\n2. two\n")


def test_code_fence_language_class_kept():
    html = render_markdown("```python\nx = 1\n```\n")
    assert '<code class="language-python">x = 1' in html


def test_hostile_code_class_is_dropped():
    html = render_markdown('```x" onclick="alert(1)\ncode\n```\n')
    assert "onclick" not in html
    assert "<code>code" in html


def test_conventions_help_page_documents_the_foreword_and_element_syntax(client):
    """The help page shows the reader's language: the Chinese part in Chinese,
    the English part in English."""
    zh = client.get("/help/conventions?lang=zh")
    assert zh.status_code == 200
    for expected in ("无标题的条", "#. 回收企业应具备相应的处理能力。", "# 索引", "一致性程度"):
        assert expected in zh.text, expected
    page = client.get("/help/conventions?lang=en")
    assert "Clauses without a heading" in page.text and "无标题的条" not in page.text
    assert '<code class="language-markdown">' in page.text

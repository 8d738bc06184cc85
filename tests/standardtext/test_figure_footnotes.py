"""Figure footnotes: cited in a figure's notes, lettered a), b)… and printed
below the figure's title, inside the figure (GB/T 1.1); page footnotes keep
their own numbering."""

from drafting.standardtext import render

TEXT = """# 范围

正文[^1]。

![试验装置](a.png)

注1：装置的尺寸见标记[^a]。

注2：材料见标记[^b]，尺寸仍见标记[^a]。

[^a]: 尺寸单位为毫米。

[^b]: 不锈钢。

[^1]: 页脚注。

后文[^2]。

[^2]: 第二个页脚注。
"""


def test_figure_footnotes_come_below_the_title_inside_the_figure():
    html = render(TEXT).html
    figure = html[html.index("<figure") : html.index("</figure>")]
    notes, after_title = figure.split("</figcaption>")
    assert "注1：" in notes and "注2：" in notes  # notes above the title
    assert '<sup class="table-fn-ref">a)</sup>' in notes
    assert '<sup class="table-fn-ref">b)</sup>' in notes
    assert notes.count("a)</sup>") == 2  # the second citation reuses the letter
    assert after_title.index("尺寸单位为毫米。") < after_title.index("不锈钢。")
    assert '<span class="fn-mark">a)</span>尺寸单位为毫米。' in after_title
    # outside the figure, page footnotes are numbered on: 1) before it, 2) after
    body_after = html[html.index("</figure>") :]
    assert '<sup class="fn-call">2)</sup>' in body_after and "第二个页脚注。" in body_after
    assert '<sup class="fn-call">1)</sup>' in html[: html.index("<figure")]


def test_a_paragraph_after_the_notes_ends_the_figure():
    text = "# 范围\n\n![图](a.png)\n\n注：见[^a]。\n\n正文又见[^a]。\n\n[^a]: 说明。\n"
    html = render(text).html
    figure = html[html.index("<figure") : html.index("</figure>")]
    assert '<span class="fn-mark">a)</span>说明。' in figure
    rest = html[html.index("</figure>") :]
    assert '<sup class="fn-call">1)</sup>' in rest  # the body citation is a page footnote

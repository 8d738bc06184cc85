"""An editor writes a formula, a merged-cell table with a note and a footnote
into the demo document: the live preview draws them, the save stores the
text, and the document page shows what was stored, at 1280 px and 375 px."""

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

TITLE = "废旧磷酸铁锂电池正极材料回收利用技术规范"
ADDED = """
# 回收率计算

## 计算公式

回收率按[[#回收率]]计算[^e2e]。

$$ \\eta = \\frac{m_1}{m_0} \\times 100\\% $$ {#回收率}

其中：
η——回收率；
m~1~——回收的铝的质量，单位为千克（kg）。

[^e2e]: 浏览器测试写入的脚注。

## 结果

表：合并示例

| 项目 | 数值 | < |
|---|---|---|
| 铝 | 92 | % |
| ^ | 90 | % |

注：湿法工艺的数值。

"""


def test_editor_writes_formula_table_and_footnote(context, screenshot):
    page = context.new_page()
    login(page, "li.wei@greencell.example", DEMO_PASSWORD)
    page.goto("/documents/")
    page.click(f"a:has-text('{TITLE}')")
    page.click("[data-testid=tab-edit]")
    page.wait_for_selector("[data-testid=editor-text]")
    text = page.input_value("[data-testid=editor-text]")
    marker = "# 参考文献"
    new_text = text.replace(marker, ADDED + marker, 1) if marker in text else text + ADDED
    page.fill("[data-testid=editor-text]", new_text)

    preview = page.locator("[data-preview]")
    expect(preview.locator("svg.math-svg")).to_have_count(1)
    expect(preview).to_contain_text("其中：")
    expect(preview.locator("a.xref", has_text="公式(")).to_have_count(1)
    expect(preview.locator('th[colspan="2"]', has_text="数值")).to_have_count(1)
    expect(preview.locator('td[rowspan="2"]', has_text="铝")).to_have_count(1)
    caption = preview.locator(".caption-row", has_text="合并示例")
    expect(caption.locator(".caption-first")).to_be_visible()
    expect(caption.locator(".caption-cont")).to_be_hidden()
    expect(preview.locator(".table-notes")).to_contain_text("湿法工艺的数值。")
    expect(preview.locator(".footnote")).to_contain_text("浏览器测试写入的脚注。")
    screenshot(page, "constructs-editor", full_page=False)

    page.fill("input[name=message]", "加入回收率公式、合并单元格和脚注")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator(".flash.success").count() == 1
    stored = page.input_value("[data-testid=editor-text]")
    assert "$$ \\eta = \\frac{m_1}{m_0} \\times 100\\% $$ {#回收率}" in stored
    assert "[^e2e]: 浏览器测试写入的脚注。" in stored

    # The document page renders the stored revision.
    page.goto("/documents/")
    page.click(f"a:has-text('{TITLE}')")
    article = page.locator("article.standard-text")
    expect(article.locator("svg.math-svg")).to_have_count(1)
    expect(article.locator(".formula-number")).to_contain_text("(")
    expect(article.locator(".footnote")).to_contain_text("浏览器测试写入的脚注。")
    article.locator(".formula").scroll_into_view_if_needed()
    screenshot(page, "constructs-document-1280", full_page=False)
    page.set_viewport_size({"width": 375, "height": 800})
    article.locator(".formula").scroll_into_view_if_needed()
    box = article.locator(".formula").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    screenshot(page, "constructs-document-375", full_page=False)

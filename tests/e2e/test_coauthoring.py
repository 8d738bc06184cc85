"""Two editors of the demo document edit it at once; the second meets a conflict,
resolves it and saves; the final text holds both editors' words."""

import re

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

TITLE = "废旧磷酸铁锂电池正极材料回收利用技术规范"
SENTENCE = "铝的回收率应不低于 95%"


def _open_editor(page):
    page.goto("/documents/")
    page.click(f"a:has-text('{TITLE}')")
    page.click("[data-testid=tab-edit]")
    page.wait_for_selector("[data-testid=editor-text]")


def _save(page, message):
    page.fill("input[name=message]", message)
    with page.expect_navigation():
        page.click("[data-testid=save]")


def test_two_editors_conflict_and_resolve(browser, live_server, context, screenshot):
    first = context.new_page()
    login(first, "li.wei@greencell.example", DEMO_PASSWORD)
    _open_editor(first)
    second_context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    second_context.set_default_timeout(15000)
    second = second_context.new_page()
    try:
        login(second, "wang.fang@greencell.example", DEMO_PASSWORD)
        _open_editor(second)
        # Presence: the second editor sees the first one.
        expect(second.locator("[data-presence]")).to_contain_text("李伟", timeout=25000)

        # Both change the same sentence; the second also changes another clause.
        text = first.input_value("[data-testid=editor-text]")
        assert SENTENCE in text
        first.fill("[data-testid=editor-text]", text.replace(SENTENCE, "铝的回收率应不低于 92%"))
        # The live preview follows the text.
        expect(first.locator("[data-preview]")).to_contain_text("92%")
        screenshot(first, "coauthoring-editor", full_page=False)
        second.fill(
            "[data-testid=editor-text]",
            text.replace(SENTENCE, "铝的回收率应不低于 90%").replace(
                "专业技术人员。", "专业技术人员和安全管理人员。"
            ),
        )

        _save(first, "提高铝回收率要求")
        assert first.locator(".flash.success").count() == 1

        _save(second, "调整铝回收率并补充人员要求")
        conflicts = second.locator("[data-testid=conflicts]")
        assert conflicts.is_visible()
        assert "92%" in conflicts.inner_text() and "90%" in conflicts.inner_text()
        screenshot(second, "coauthoring-conflict")

        # The textarea holds the merge with diff3 markers: keep both editors' words.
        marked = second.input_value("[data-testid=editor-text]")
        assert "<<<<<<<" in marked and "和安全管理人员" in marked
        resolved = re.sub(
            r"<<<<<<< .*?>>>>>>> [^\n]*\n",
            "正极材料与集流体的分离宜采用物理方法，铝的回收率应不低于 92%（湿法工艺不低于 90%）。\n",
            marked,
            flags=re.S,
        )
        assert "<<<<<<<" not in resolved
        second.fill("[data-testid=editor-text]", resolved)
        _save(second, "解决冲突：保留两种回收率")
        assert second.locator(".flash.success").count() == 1
        assert second.locator("[data-testid=conflicts]").count() == 0

        final = second.input_value("[data-testid=editor-text]")
        assert "92%" in final and "90%" in final and "和安全管理人员" in final

        second.click("a:has-text('比较')")
        second.wait_for_selector("table.diff")
        assert second.locator("table.diff ins").count() > 0
        screenshot(second, "coauthoring-diff")
    finally:
        second_context.close()

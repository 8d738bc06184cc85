"""The secretariat sets 代替, 一致性程度 and known patents on the settings page
(issue 11, Cover and elements); the values are stored and the page works at
375 px and 1280 px."""

import re

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

TITLE = "废旧磷酸铁锂电池正极材料回收利用技术规范"


def test_settings_page_stores_the_cover_and_foreword_fields(page, screenshot):
    login(page, "secretariat@drafting.example", DEMO_PASSWORD)
    page.goto("/documents/")
    page.click(f"a:has-text('{TITLE}')")
    document_id = re.search(r"/documents/(\d+)", page.url).group(1)
    page.goto(f"/documents/{document_id}/settings")
    page.fill("input[name=replaces]", "T/CESA 1100—2020")
    page.fill("input[name=adoption]", "ISO 12345:2020, MOD")
    page.check("input[name=known_patents]")
    screenshot(page, "settings-cover-1280")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    expect(page.locator("body")).to_contain_text("已保存")
    stored = page.request.get(f"/api/v1/documents/{document_id}").json()
    assert stored["replaces"] == "T/CESA 1100—2020"
    assert stored["adoption"] == "ISO 12345:2020, MOD"
    assert stored["known_patents"] is True

    # A malformed value is refused with the reason, in Chinese, and nothing changes.
    page.goto(f"/documents/{document_id}/settings")
    page.set_viewport_size({"width": 375, "height": 800})
    expect(page.locator("input[name=replaces]")).to_have_value("T/CESA 1100—2020")
    page.fill("input[name=adoption]", "ISO 12345")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    expect(page.locator(".field.has-error")).to_contain_text("IDT、MOD或NEQ")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    screenshot(page, "settings-cover-375")
    stored = page.request.get(f"/api/v1/documents/{document_id}").json()
    assert stored["adoption"] == "ISO 12345:2020, MOD"

"""What the pages do at 375 px and from the keyboard (issues 9 and 16):

- the menu opens and leads to "Log in" with JavaScript off;
- after "Save draft" or an upload, Tab continues where the user was;
- on the decisions page, "公布结果" is disabled before the deadline, with the
  reason shown, and the reason inputs are wide enough to type in.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login
from tests.e2e.test_call_journey import _pdf

pytestmark = pytest.mark.e2e

MEMBER = "zhang.min@hualithium.example"  # the demo's draft application
SECRETARIAT = "secretariat@drafting.example"
DEMO_CALL = "废旧磷酸铁锂电池正极材料回收利用技术规范"


def _context(browser, live_server, width: int, **kw):
    ctx = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": width, "height": 800}, **kw
    )
    ctx.set_default_timeout(15000)
    return ctx


def test_menu_works_at_375_px_without_javascript(browser, live_server):
    ctx = _context(browser, live_server, 375, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto("/calls/")
        toggle = page.locator("summary[data-nav-toggle]")
        expect(toggle).to_be_visible()
        login_link = page.locator("#site-nav a[href='/login']")
        # Open in the HTML: the links show; the button closes and opens it again.
        expect(login_link).to_be_visible()
        toggle.click()
        expect(login_link).to_be_hidden()
        toggle.click()
        expect(login_link).to_be_visible()
        login_link.click()
        page.wait_for_url(re.compile(r"/login"))
        expect(page.locator("input[name=email]")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        ctx.close()


def test_menu_starts_closed_at_375_px_with_javascript_and_open_at_1280(browser, live_server):
    for width, visible in ((375, False), (1280, True)):
        ctx = _context(browser, live_server, width)
        try:
            page = ctx.new_page()
            page.goto("/")
            login_link = page.locator("#site-nav a[href='/login']")
            if visible:
                expect(login_link).to_be_visible()
                expect(page.locator("summary[data-nav-toggle]")).to_be_hidden()
            else:
                expect(login_link).to_be_hidden()
                page.click("summary[data-nav-toggle]")
                expect(login_link).to_be_visible()
        finally:
            ctx.close()


def _application_page(browser, live_server, width: int = 1280):
    ctx = _context(browser, live_server, width)
    page = ctx.new_page()
    login(page, MEMBER, DEMO_PASSWORD)
    page.goto("/applications/")
    href = page.locator("table.data a[href^='/applications/']").first.get_attribute("href")
    page.goto(href)
    return ctx, page


def test_focus_returns_to_the_save_buttons_after_saving(browser, live_server):
    ctx, page = _application_page(browser, live_server)
    try:
        if page.locator("[data-testid=save]").count() == 0:  # the demo's draft application
            pytest.fail("the member's application is not editable: " + page.url)
        statement = page.locator("section.requirement textarea").first
        statement.fill("本公司为独立法人企业（键盘测试）。")
        page.locator("[data-testid=save]").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"#app-actions$"))
        expect(page.locator(".flash.success")).to_have_count(1)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.testid") == "save"
        # And the text was stored.
        page.reload()
        expect(page.locator("section.requirement textarea").first).to_have_value(
            "本公司为独立法人企业（键盘测试）。"
        )
    finally:
        ctx.close()


def test_focus_returns_to_the_requirement_after_an_upload(browser, live_server, tmp_path):
    ctx, page = _application_page(browser, live_server, 375)
    try:
        pdf = tmp_path / "资质证书-键盘.pdf"
        pdf.write_bytes(_pdf())
        section = page.locator("section.requirement:has(input[type=file])").first
        section_id = section.get_attribute("id")
        section.locator("input[type=file]").set_input_files(str(pdf))
        button = section.locator("button[value=upload]")
        expect(button).to_be_visible()
        # The label stays on one line at 375 px.
        box = button.bounding_box()
        assert box and box["height"] < 40, box
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"#{section_id}$"))
        expect(page.locator(f"#{section_id} .files")).to_contain_text("资质证书-键盘.pdf")
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "(id) => document.getElementById(id).contains(document.activeElement)", section_id
        )
        assert inside, page.evaluate("document.activeElement.outerHTML")
    finally:
        ctx.close()


def test_decisions_page_at_375_px_publish_disabled_with_reason(browser, live_server):
    ctx = _context(browser, live_server, 375)
    try:
        page = ctx.new_page()
        login(page, SECRETARIAT, DEMO_PASSWORD)
        page.goto("/calls/")
        # The demo call: still open, so its decisions cannot be published yet.
        call_href = page.locator("a[href^='/calls/']", has_text=DEMO_CALL).first.get_attribute(
            "href"
        )
        call_id = int(re.search(r"/calls/(\d+)", call_href).group(1))
        page.goto(f"/review/calls/{call_id}/decisions")
        publish = page.locator("[data-testid=publish-decisions]")
        expect(publish).to_be_disabled()
        expect(page.locator("#publish-why")).to_contain_text("截止时间过后方可公布结果")
        assert publish.get_attribute("aria-describedby") == "publish-why"
        reason = page.locator("input[name^=reason-]").first
        box = reason.bounding_box()
        assert box and box["width"] >= 250, box
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # A reason typed at 375 px is saved.
        reason.fill("材料齐全，技术能力强")
        page.locator("select[name^=outcome-]").first.select_option("main")
        with page.expect_navigation():
            page.click("form:has(input[name^=reason-]) button[type=submit]")
        expect(page.locator("input[name^=reason-]").first).to_have_value("材料齐全，技术能力强")
    finally:
        ctx.close()


def _contrast(rgb_a: tuple[int, ...], rgb_b: tuple[int, ...]) -> float:
    def luminance(rgb):
        channels = []
        for c in rgb[:3]:
            c = c / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_input_focus_outline_contrasts_at_least_3_to_1(browser, live_server):
    ctx = _context(browser, live_server, 1280)
    try:
        page = ctx.new_page()
        page.goto("/login")
        page.locator("input[name=email]").focus()
        color, width = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [s.outlineColor, parseFloat(s.outlineWidth)]; }"""
        )
        rgb = tuple(int(n) for n in re.findall(r"\d+", color)[:3])
        assert width >= 2
        assert _contrast(rgb, (255, 255, 255)) >= 3, color
    finally:
        ctx.close()

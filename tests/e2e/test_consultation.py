"""A public commenter reads the draft for comments, comments on a clause, confirms
by the mail link; the editors' page counts the comment under its clause."""

import re

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.axe import axe_source, run_axe
from tests.e2e.conftest import login
from tests.support.smtp import first_link

pytestmark = pytest.mark.e2e


def _new_document_out_for_comments(page) -> int:
    login(page, "secretariat@drafting.example", DEMO_PASSWORD)
    page.goto("/documents/new")
    page.fill("input[name=number]", "T/CESA 1890—2026")
    page.fill("input[name=title_zh]", "征求意见测试标准")
    page.select_option("select[name=group_id]", "0")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    document_id = int(re.search(r"/documents/(\d+)", page.url).group(1))
    page.goto(f"/documents/{document_id}/settings")
    page.check("input[name=comments_public]")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    page.goto(f"/documents/{document_id}/stage")
    form = page.locator("form.stage-move").filter(
        has=page.locator("[data-testid=move-draft_for_comments]")
    )
    if form.locator("input[name=override_checks]").count():
        form.locator("input[name=override_checks]").check()
        form.locator("input[name=reason]").fill("测试")
    with page.expect_navigation():
        form.locator("[data-testid=move-draft_for_comments]").click()
    expect(page.locator(".flash.success").filter(has_text="征求意见稿")).to_have_count(1)
    return document_id


def test_a_public_commenter_comments_and_confirms(browser, live_server, page, mailbox, screenshot):
    document_id = _new_document_out_for_comments(page)
    public = browser.new_context(
        base_url=live_server,
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # for axe's inline script
    )
    reader = public.new_page()
    reader.goto(f"/consultation/{document_id}")
    expect(reader.locator("[data-testid=period-status]")).to_have_text("征求意见中")
    expect(reader.locator("[data-testid=deadline]")).to_contain_text("+0800")
    screenshot(reader, "consultation-1280")
    source = axe_source()
    assert run_axe(reader, source) == []
    reader.set_viewport_size({"width": 375, "height": 800})
    screenshot(reader, "consultation-375")
    width = reader.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    assert run_axe(reader, source) == []
    reader.select_option("select[name=clause]", "1")
    reader.select_option("select[name=type]", "ed")
    reader.fill("textarea[name=body]", "范围一章的表述不够明确。")
    reader.fill("textarea[name=proposed_change]", "改为：本文件规定了……")
    reader.fill("input[name=author_name]", "赵工")
    reader.fill("input[name=organization_name]", "某研究院")
    reader.fill("input[name=email]", "zhao@example.org")
    with reader.expect_navigation():
        reader.click("[data-testid=send-comment]")
    expect(reader.locator(".flash.info")).to_contain_text("zhao@example.org")
    screenshot(reader, "consultation-sent-375")
    link = first_link(mailbox.wait_for("zhao@example.org")[0])
    reader.goto(re.sub(r"^https?://[^/]+", live_server, link))
    expect(reader.locator("[data-testid=confirmed]")).to_contain_text("1")
    public.close()
    # The editors' document page counts it under clause 1.
    page.goto(f"/documents/{document_id}")
    counts = page.locator("[data-testid=clause-counts]")
    expect(counts).to_contain_text("1")
    screenshot(page, "consultation-editor-panel")

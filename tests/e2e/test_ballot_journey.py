"""The ballot on the 送审稿 in the browser: the secretariat opens it, voters vote
(one with comments, which land in the comment list), the secretariat closes it
early, the summary downloads, and the document moves to 报批稿. Pages are
screenshotted at 1280 and 375 px and must not scroll sideways."""

import re
from io import BytesIO
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

SECRETARIAT = "secretariat@drafting.example"
VOTERS = ["liu.yang@zkzs.example", "zhang.min@hualithium.example"]


def _move(page, document_id: int, stage: str) -> None:
    page.goto(f"/documents/{document_id}/stage")
    form = page.locator("form.stage-move", has=page.locator(f"[data-testid=move-{stage}]"))
    override = form.locator("input[name=override_checks]")
    if override.count():
        override.check()
        form.locator("input[name=reason]").fill("演示：越过检查")
    with page.expect_navigation():
        form.locator(f"[data-testid=move-{stage}]").click()


def _narrow(page, name, screenshot) -> None:
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})


def test_ballot_journey(browser, live_server, screenshot):
    def new_page():
        ctx = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        ctx.set_default_timeout(20000)
        return ctx.new_page()

    sec = new_page()
    sec.on("dialog", lambda dialog: dialog.accept())
    login(sec, SECRETARIAT, DEMO_PASSWORD)
    sec.goto("/documents/new")
    sec.fill("input[name=number]", "T/CESA 1889—2026")
    sec.fill("input[name=title_zh]", "表决演示标准")
    sec.select_option("select[name=group_id]", "0")
    with sec.expect_navigation():
        sec.click("form.card button[type=submit]")
    document_id = int(re.search(r"/documents/(\d+)", sec.url).group(1))
    _move(sec, document_id, "draft_for_comments")
    _move(sec, document_id, "draft_for_review")

    # Without a ballot the move to 报批稿 is refused (no override ticked).
    sec.goto(f"/documents/{document_id}/stage")
    with sec.expect_navigation():
        sec.click("[data-testid=move-draft_for_approval]")
    expect(sec.locator(".flash.error")).to_contain_text("表决")

    sec.click("[data-testid=tab-ballots]")
    expect(sec.locator("[data-testid=open-ballot]")).to_be_visible()
    boxes = sec.locator("input[name=organizations]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    for name in ("中科再生资源研究院", "华锂新材料科技股份有限公司"):
        sec.locator("label", has_text=name).locator("input").check()
    _narrow(sec, "ballot-open", screenshot)
    with sec.expect_navigation():
        sec.click("[data-testid=open-ballot-submit]")
    expect(sec.locator(".flash.success")).to_have_count(1)
    ballot_url = sec.url
    assert re.search(r"/ballots/\d+$", ballot_url)

    for email, choice in zip(VOTERS, ["for_with_comments", "for"], strict=True):
        voter = new_page()
        login(voter, email, DEMO_PASSWORD)
        voter.goto("/ballots/")
        with voter.expect_navigation():
            # the demo's own ballot is in the list too: this test's, by its link
            voter.click(f"[data-testid=ballot-list] a[href='{urlparse(ballot_url).path}']")
        expect(voter.locator("[data-testid=revision-text]")).to_be_visible()
        voter.check(f"input[name=choice][value={choice}]")
        if choice == "for_with_comments":
            voter.fill("textarea[name=comments]", "建议在范围中写明适用的电池类型。")
        with voter.expect_navigation():
            voter.click("[data-testid=vote-submit]")
        expect(voter.locator(".flash.success")).to_have_count(1)
        expect(voter.locator("[data-testid=my-vote]")).to_be_visible()
        if choice == "for_with_comments":
            _narrow(voter, "ballot-voter", screenshot)
        voter.context.close()

    sec.goto(ballot_url)
    expect(sec.locator("[data-testid=votes]")).to_contain_text("赞成，有修改意见")
    _narrow(sec, "ballot-secretariat-open", screenshot)
    with sec.expect_navigation():
        sec.click("[data-testid=close-ballot]")
    expect(sec.locator("[data-testid=ballot-result]")).to_contain_text("通过")
    _narrow(sec, "ballot-secretariat-closed", screenshot)

    xlsx = sec.request.get(ballot_url + "/summary.xlsx")
    ws = load_workbook(BytesIO(xlsx.body())).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any("表决结论：通过" in c for c in cells)
    assert any("建议在范围中写明适用的电池类型" in c for c in cells)
    pdf = sec.request.get(ballot_url + "/summary.pdf")
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"

    # The voter's comments are in the document's comment list.
    sec.goto(f"/documents/{document_id}/comments")
    expect(sec.locator("body")).to_contain_text("建议在范围中写明适用的电池类型。")

    _move(sec, document_id, "draft_for_approval")
    assert sec.request.get(f"/api/v1/documents/{document_id}").json()["stage"] == (
        "draft_for_approval"
    )

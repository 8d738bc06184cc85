"""Two reviewers rate different requirements of the demo application; every page shows one score.

The demo call's requirements weigh 1, 3, 1, 2, as in the report that found the
review page (6.60) and the dashboard (5.0) disagreeing: reviewer 1 rates only
R2 (10), reviewer 2 rates R1-R3 (2/4/2), nobody rates R4. The score is 5.00.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

DEMO_CALL = "废旧磷酸铁锂电池正极材料回收利用技术规范"


def _open_demo_application(page) -> str:
    page.goto("/review/")
    with page.expect_navigation():
        page.locator("a.call-title", has_text=DEMO_CALL).click()
    call_url = page.url
    with page.expect_navigation():
        page.locator("table.applications tbody a").first.click()
    return call_url


def _rate(page, ratings: dict[int, tuple[str, str]]) -> None:
    items = page.locator(".review-item")
    for index, (rating, score) in ratings.items():
        item = items.nth(index)
        item.locator(f"input[type=radio][value={rating}]").check()
        item.locator("input[name^=score-]").fill(score)
    with page.expect_navigation():
        page.click("[data-testid=save-assessment]")
    expect(page.locator(".flash.success")).to_have_count(1)


def test_partial_ratings_show_one_score(browser, live_server, screenshot):
    contexts = []

    def open_as(email, width=1280):
        ctx = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport={"width": width, "height": 900}
        )
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        page = ctx.new_page()
        login(page, email, DEMO_PASSWORD)
        return page

    try:
        first = open_as("reviewer1@drafting.example")
        call_url = _open_demo_application(first)
        application_url = first.url
        _rate(first, {1: ("met", "10")})
        expect(first.locator("[data-testid=aggregate]")).to_have_text("10.00")

        second = open_as("reviewer2@drafting.example")
        second.goto(application_url)
        _rate(second, {0: ("partly_met", "2"), 1: ("partly_met", "4"), 2: ("partly_met", "2")})
        expect(second.locator("[data-testid=aggregate]")).to_have_text("5.00")

        sec = open_as("secretariat@drafting.example")
        sec.goto(application_url)
        expect(sec.locator("[data-testid=aggregate]")).to_have_text("5.00")
        counts = sec.locator("[data-testid=requirement-score]")
        expect(counts).to_have_count(3)
        expect(counts.nth(1)).to_contain_text("7.00")
        expect(counts.nth(1)).to_contain_text("2")
        expect(sec.locator("[data-testid=reviewer-score]")).to_have_count(2)
        screenshot(sec, "scores-review")

        sec.goto(call_url)
        link = f"a[href$='{urlparse(application_url).path}']"
        row = sec.locator("table.applications tbody tr", has=sec.locator(link))
        expect(row.locator("td.num")).to_have_text("5.00")
        sec.goto(call_url + "/decisions")
        row = sec.locator("table.data tbody tr", has=sec.locator(link)).first
        expect(row.locator("td.num")).to_have_text("5.00")

        # What was stored, read back through the API and the export.
        application_id = application_url.rstrip("/").rsplit("/", 1)[1]
        data = sec.request.get(f"/api/v1/applications/{application_id}/score").json()
        assert data["score"] == pytest.approx(5.0)
        assert [r["rated_by"] for r in data["requirements"]] == [1, 2, 1, 0]
        export = sec.request.get(call_url + "/export.csv?lang=zh").body().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(export)))
        row = next(r for r in rows if r["加权得分"])
        assert row["加权得分"] == "5.0" and row["R2 得分（评分专家数）"] == "7.00 (2)"

        narrow = open_as("secretariat@drafting.example", width=375)
        narrow.goto(application_url)
        expect(narrow.locator("[data-testid=aggregate]")).to_have_text("5.00")
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(narrow, "scores-review-375")
    finally:
        for ctx in contexts:
            ctx.close()

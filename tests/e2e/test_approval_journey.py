"""The secretariat takes a new document to 报批稿, the editors write the 编制说明,
the package downloads with every part, and the standard is published with dates.
Screenshots of the approval page and the publication form at 1280 and 375 px."""

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _move(page, document_id: int, stage: str) -> None:
    """Through the API with the page's session (and its CSRF token); the secretariat's
    override with a reason passes the gates a stage may have (the ballot on the 送审稿)."""
    token = page.request.get("/documents/csrf-token").json()["csrf_token"]
    response = page.request.post(
        f"/api/v1/documents/{document_id}/stage",
        headers={"X-CSRFToken": token},
        data={"stage": stage, "override_checks": True, "reason": "浏览器测试"},
    )
    assert response.status == 200, response.text()


def test_notes_package_and_publication(page, screenshot):
    login(page, "secretariat@drafting.example", DEMO_PASSWORD)
    page.goto("/documents/new")
    page.fill("input[name=number]", "T/CESA 1888—2026")
    page.fill("input[name=title_zh]", "动力电池报批材料测试规范")
    page.select_option("select[name=group_id]", "0")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    document_id = int(re.search(r"/documents/(\d+)", page.url).group(1))
    for stage in ("draft_for_comments", "draft_for_review", "draft_for_approval"):
        _move(page, document_id, stage)

    page.goto(f"/documents/{document_id}/stage")
    expect(page.locator(".stage-badge")).to_have_class(re.compile("state-draft_for_approval"))
    page.click("[data-testid=tab-approval]")
    page.fill("textarea[name=technical_content]", "## 依据\n\n本文件依据**试验数据**。<b>x</b>")
    page.fill("textarea[name=relations]", "与 GB/T 1.1—2020 协调一致。")
    with page.expect_navigation():
        page.click("[data-testid=save-notes]")
    preview = page.locator("[data-testid=notes-preview]")
    expect(preview.locator("strong")).to_have_text("试验数据")
    expect(preview).to_contain_text("<b>x</b>")
    screenshot(page, "approval-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "approval-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download(timeout=120_000) as download:
        page.click("[data-testid=assemble-package]", no_wait_after=True)
    path = download.value.path()
    assert download.value.suggested_filename.endswith("报批材料.zip")
    with zipfile.ZipFile(io.BytesIO(open(path, "rb").read())) as zf:
        names = [n.rsplit("/", 1)[1] for n in zf.namelist()]
        listing = zf.read(next(n for n in zf.namelist() if n.endswith("清单.txt"))).decode(
            "utf-8-sig"
        )
    assert "01 T-CESA 1888—2026 动力电池报批材料测试规范（报批稿）.pdf" in names
    assert any(n.endswith("编制说明.pdf") for n in names)
    assert any(n.endswith("编制说明.docx") for n in names)
    assert any(n.endswith("征求意见汇总处理表.xlsx") for n in names)
    assert any(n.endswith("与征求意见稿对照（修订标记）.pdf") for n in names)
    assert any(n.endswith("条文对照表.xlsx") for n in names)
    assert "编制说明（Word）" in listing

    page.goto(f"/documents/{document_id}/stage")
    form = page.locator("form.publish")
    form.locator("input[name=published_on]").fill("2026-06-01")
    form.locator("input[name=implemented_on]").fill("2026-05-01")
    screenshot(page, "publish-form-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "publish-form-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".flash.error")).to_contain_text("实施日期")
    form = page.locator("form.publish")
    form.locator("input[name=published_on]").fill("2026-06-01")
    form.locator("input[name=implemented_on]").fill("2026-09-01")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".flash.success").first).to_contain_text("2026-09-01")
    stored = page.request.get(f"/api/v1/documents/{document_id}").json()
    assert stored["stage"] == "published" and stored["planned_published_on"] == "2026-06-01"

"""A main drafting unit names its drafters in the browser; 前言's 主要起草人
line follows; the secretariat's settings offer moving and deleting."""

import re

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

TITLE = "废旧磷酸铁锂电池正极材料回收利用技术规范"


def test_a_unit_names_its_drafters_for_the_foreword(page, screenshot):
    login(page, "li.wei@greencell.example", DEMO_PASSWORD)
    page.goto("/documents/")
    page.click(f"a:has-text('{TITLE}')")
    document_id = int(re.search(r"/documents/(\d+)", page.url).group(1))
    page.click("[data-testid=tab-drafters]")
    expect(page.locator("[data-testid=foreword-drafters]")).to_contain_text("前言")
    unit = page.locator("[data-testid=unit-drafters]").first
    unit.locator("textarea[name=names]").fill("李伟\n王芳\n陈晨")
    with page.expect_navigation():
        unit.locator("button[type=submit]").click()
    expect(page.locator(".flash.success")).to_have_count(1)
    line = page.locator("[data-testid=foreword-drafters] .mono")
    expect(line).to_contain_text("本文件主要起草人：李伟、王芳、陈晨")
    screenshot(page, "drafters-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "drafters-375")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width

    stored = page.request.get(f"/api/v1/documents/{document_id}/drafters").json()
    assert stored["foreword"][:3] == ["李伟", "王芳", "陈晨"]
    html = page.request.get(f"/documents/{document_id}/export.html").text()
    assert "本文件主要起草人：李伟、王芳、陈晨" in html


def test_the_secretariat_moves_then_deletes_a_document_filed_by_mistake(page, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "secretariat@drafting.example", DEMO_PASSWORD)
    page.goto("/documents/new")
    page.fill("input[name=number]", "T/CESA 1998—2026")
    page.fill("input[name=title_zh]", "误建的文件")
    # a new group, named after the document
    page.select_option("select[name=group_id]", "0")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    document_id = int(re.search(r"/documents/(\d+)", page.url).group(1))
    before = page.request.get(f"/api/v1/documents/{document_id}").json()

    page.goto(f"/documents/{document_id}/settings")
    options = page.locator("select[name=move-group_id] option")
    # the demo's group was formed by a call: its option names the call and number
    demo = options.filter(has_text="T/CESA 1201—2026")
    expect(demo).to_have_count(1)
    page.select_option("select[name=move-group_id]", demo.get_attribute("value"))
    screenshot(page, "document-settings-move-delete")
    with page.expect_navigation():
        page.click("[data-testid=move-document]")
    expect(page.locator(".flash.success")).to_have_count(1)
    moved = page.request.get(f"/api/v1/documents/{document_id}").json()
    assert moved["drafting_group_id"] == int(demo.get_attribute("value"))
    assert moved["drafting_group_id"] != before["drafting_group_id"]

    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with page.expect_navigation():
        page.click("[data-testid=delete-document]")
    expect(page.locator(".flash.success")).to_contain_text("T/CESA 1998—2026")
    assert page.request.get(f"/api/v1/documents/{document_id}").status == 404

"""The whole journey of a call (issue 3, Tests): the secretariat publishes a call
with two standards and three requirements; a company applies with a PDF and
submits; a reviewer assesses; the secretariat closes the call early, decides and
publishes; the company sees the decisions and is in the drafting groups.

The live server is shared with the other browser tests: this test makes its own
call, with a unique title, and never counts shared data.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login
from tests.support.smtp import body

pytestmark = pytest.mark.e2e

SECRETARIAT = "secretariat@drafting.example"
REVIEWER = "reviewer1@drafting.example"
MEMBER = "li.wei@greencell.example"
COLLEAGUE = "wang.fang@greencell.example"  # the company's other user
COMPANY = "绿能电池回收有限公司"

STANDARD_1 = "退役动力电池包绝缘检测方法"
STANDARD_2 = "再生碳酸锂产品质量要求"
REQ_LICENCE = "具有独立法人资格的企事业单位（请上传营业执照）"
REQ_ABILITY = "具备相关技术能力（请说明相关技术、产品或项目）"
REQ_EXPERIENCE = "具有碳酸锂产品标准的制定经验"


# A minimal valid one-page PDF, built with a correct cross-reference table.
def _pdf() -> bytes:
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        None,  # the content stream, below
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    text = b"BT /F1 18 Tf 72 760 Td (Business licence - e2e test) Tj ET"
    objects[3] = b"<</Length %d>>stream\n" % len(text) + text + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _local_now() -> datetime:
    """Now in the zone the secretariat types dates in (the site's default: demo users have none)."""
    return datetime.now(ZoneInfo(os.environ.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))).replace(
        second=0, microsecond=0
    )


@pytest.fixture
def actors(browser, live_server):
    """A logged-in page per person, each in its own browser context."""
    contexts = []

    def open_as(email: str):
        ctx = browser.new_context(
            base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions
        login(page, email, DEMO_PASSWORD)
        expect(page.locator("[data-testid=logout]")).to_have_count(1)
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").first.click()
    expect(page.locator(".flash.error")).to_have_count(0)


def _mails(smtp_sink, address: str, subject_part: str, count: int = 1, timeout: float = 15.0):
    """The mails to `address` whose subject holds `subject_part`, once there are `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in smtp_sink.to(address) if subject_part in str(m["Subject"])]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{len(found)} of {count} mail(s) to {address} about “{subject_part}” within {timeout} s"
            )
        time.sleep(0.1)


def test_call_apply_review_decide_publish(actors, live_server, smtp_sink, screenshot, tmp_path):
    title = f"关于征集两项团体标准起草单位的通知（E2E {uuid.uuid4().hex[:8]}）"
    pdf = tmp_path / "营业执照.pdf"
    pdf.write_bytes(_pdf())

    # --- the secretariat writes and publishes the call ---------------------
    sec = actors(SECRETARIAT)
    sec.goto("/calls/new")
    now = _local_now()
    sec.fill("input[name=title]", title)
    sec.fill("input[name=issuing_body]", "动力电池回收利用产业联盟")
    sec.fill("input[name=opens_at]", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    # Open for an hour: the secretariat closes it early once the application is in.
    sec.fill("input[name=closes_at]", (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    sec.fill(
        "textarea[name=notice]",
        "各有关单位：\n\n## 一、申报要求\n\n- 熟悉行业发展情况\n- 具有标准制定经验\n",
    )
    sec.fill("input[name=contact]", "联盟秘书处 0755-8466 8869")
    _submit(sec, "form[action$='/calls/new']")
    match = re.search(r"/calls/(\d+)/edit$", sec.url)
    assert match, sec.url
    call_id = int(match.group(1))

    for zh, en, number in [
        (STANDARD_1, "Insulation test method for retired battery packs", "T/CESA 1301—2026"),
        (STANDARD_2, "Quality requirements for recycled lithium carbonate", "T/CESA 1302—2026"),
    ]:
        form = "form[action$='/standards']"
        sec.locator(form).locator("input[name=title_zh]").fill(zh)
        sec.locator(form).locator("input[name=title_en]").fill(en)
        sec.locator(form).locator("textarea[name=scope]").fill(f"本文件规定了{zh}。")
        sec.locator(form).locator("input[name=planned_number]").fill(number)
        sec.locator(form).locator("input[name=main_capacity]").fill("2")
        _submit(sec, form)
    expect(sec.locator("#standards ol li")).to_have_count(2)

    form = "form[action$='/requirements']"
    for text, mandatory, evidence, weight, only_for in [
        (REQ_LICENCE, True, "both", "1", None),
        (REQ_ABILITY, True, "statement", "3", None),
        (REQ_EXPERIENCE, False, "statement", "2", STANDARD_2),
    ]:
        sec.locator(form).locator("textarea[name=text]").fill(text)
        sec.locator(form).locator("select[name=evidence]").select_option(evidence)
        sec.locator(form).locator("input[name=weight]").fill(weight)
        sec.locator(form).locator("input[name=mandatory]").set_checked(mandatory)
        if only_for:
            sec.locator(form).locator("select[name=standards]").select_option(label=only_for)
        _submit(sec, form)
    expect(sec.locator("#requirements > ol > li")).to_have_count(3)
    screenshot(sec, "call-editor")

    with sec.expect_navigation():
        sec.click("[data-testid=publish]")
    assert sec.url.endswith(f"/calls/{call_id}")
    expect(sec.locator(".call-head .badge.state-open")).to_have_count(1)
    expect(sec.locator("table.standards tbody tr")).to_have_count(2)
    expect(sec.locator("ol.requirements > li")).to_have_count(3)
    expect(sec.locator(".prose h2")).to_have_text(
        "一、申报要求"
    )  # the notice's Markdown is rendered

    # --- the company applies -------------------------------------------------
    member = actors(MEMBER)
    member.goto(f"/calls/{call_id}")
    with member.expect_navigation():
        member.click("[data-testid=apply]")
    match = re.search(r"/applications/(\d+)$", member.url)
    assert match, member.url
    application_id = int(match.group(1))
    expect(member.locator("[data-testid=app-state]")).to_have_class(re.compile(r"\bstate-draft\b"))

    member.locator(".standard-choice", has_text=STANDARD_1).locator("input[value=main]").check()
    member.locator(".standard-choice", has_text=STANDARD_2).locator(
        "input[value=participating]"
    ).check()
    member.fill("input[name=contact_phone]", "0571-8888 6666")
    answers = {
        REQ_LICENCE: "本公司为独立法人企业，统一社会信用代码见营业执照。",
        REQ_ABILITY: "拥有年处理 5 万吨退役动力电池的拆解与湿法回收产线，绝缘检测设备 12 台。",
        REQ_EXPERIENCE: "参与制定 T/CESA 1188—2024《再生硫酸镍》。",
    }
    for text, statement in answers.items():
        member.locator("section.requirement", has_text=text).locator("textarea").fill(statement)
    with member.expect_navigation():
        member.click("[data-testid=save]")
    expect(member.locator(".flash.success")).to_have_count(1)
    # Saved: only the licence is still missing, as a file.
    licence = member.locator("section.requirement", has_text=REQ_LICENCE)
    expect(licence.locator(".badge.bad")).to_have_count(1)
    expect(member.locator(".checklist li.todo")).to_have_count(1)

    licence.locator("input[type=file]").set_input_files(str(pdf))
    with member.expect_navigation():
        licence.locator(".upload button[type=submit]").click()
    expect(member.locator(".flash.success")).to_have_count(1)
    licence = member.locator("section.requirement", has_text=REQ_LICENCE)
    expect(licence.locator("ul.files a")).to_have_text("营业执照.pdf")
    # The checklist is complete: the standards and all three requirements.
    expect(member.locator(".checklist li.todo")).to_have_count(0)
    expect(member.locator(".checklist li.done")).to_have_count(4)
    expect(member.locator("section.requirement .badge.ok")).to_have_count(3)
    for text, statement in answers.items():
        expect(
            member.locator("section.requirement", has_text=text).locator("textarea")
        ).to_have_value(statement)
    screenshot(member, "call-application-form")

    with member.expect_navigation():
        member.click("[data-testid=submit]")
    expect(member.locator(".flash.success")).to_have_count(1)
    expect(member.locator("[data-testid=app-state]")).to_have_class(
        re.compile(r"\bstate-submitted\b")
    )
    expect(member.locator("[data-testid=submit]")).to_have_count(0)  # no longer editable
    receipt = _mails(smtp_sink, MEMBER, title)[0]
    assert STANDARD_1 in body(receipt) and f"/applications/{application_id}" in body(receipt)

    # --- the secretariat assigns a reviewer; the reviewer assesses ------------
    sec.goto(f"/review/calls/{call_id}/reviewers")
    with sec.expect_navigation():
        sec.locator("ul.plain-list > li", has_text=REVIEWER).locator("button[value=add]").click()
    expect(sec.locator("ul.plain-list > li", has_text=REVIEWER).locator(".badge.ok")).to_have_count(
        1
    )

    rev = actors(REVIEWER)
    rev.goto("/review/")
    with rev.expect_navigation():
        rev.locator("a.call-title", has_text=title).click()
    with rev.expect_navigation():
        rev.locator("table.applications a", has_text=COMPANY).click()
    assert rev.url.endswith(f"/review/applications/{application_id}")
    # The answers and the PDF are shown next to the assessment form.
    expect(rev.locator(".review-item", has_text=REQ_ABILITY).locator(".statement")).to_have_text(
        answers[REQ_ABILITY]
    )
    expect(
        rev.locator(".review-item", has_text=REQ_LICENCE).locator("iframe.pdf-viewer")
    ).to_have_count(1)
    for text, rating, score, reason in [
        (REQ_LICENCE, "met", "9", "营业执照齐全有效。"),
        (REQ_ABILITY, "met", "8", "产线规模与检测设备满足要求。"),
        (REQ_EXPERIENCE, "partly_met", "6", "仅参与过一项相关标准。"),
    ]:
        item = rev.locator(".review-item", has_text=text)
        item.locator(f"input[type=radio][value={rating}]").check()
        item.locator("input[name^=score-]").fill(score)
        item.locator("textarea[name^=reason-]").fill(reason)
    screenshot(rev, "call-review")
    with rev.expect_navigation():
        rev.click("[data-testid=save-assessment]")
    expect(rev.locator(".flash.success")).to_have_count(1)
    expect(rev.locator("[data-testid=aggregate]")).not_to_have_text("–")
    expect(
        rev.locator(".review-item", has_text=REQ_EXPERIENCE).locator(".assessment")
    ).to_contain_text("仅参与过一项相关标准。")
    expect(rev.locator(".page-head .badge")).to_have_class(re.compile(r"\bstate-under_review\b"))

    # --- the secretariat closes the call early, decides and publishes ----------
    sec.goto(f"/calls/{call_id}/edit")
    with sec.expect_navigation():
        sec.locator(f"form[action$='/calls/{call_id}/close'] button").click()
    expect(sec.locator(".flash.success")).to_have_count(1)
    expect(sec.locator(".page-head .badge")).to_have_class(re.compile(r"\bstate-closed\b"))

    sec.goto(f"/review/calls/{call_id}/decisions")
    row_1 = sec.locator("table.data tbody tr", has_text=STANDARD_1)
    row_2 = sec.locator("table.data tbody tr", has_text=STANDARD_2)
    row_1.locator("select[name^=outcome-]").select_option("main")
    row_1.locator("input[name^=reason-]").fill("技术能力突出")
    row_2.locator("select[name^=outcome-]").select_option("participating")
    with sec.expect_navigation():
        sec.locator("form:has(select[name^=outcome-]) button[type=submit]").click()
    expect(sec.locator(".flash.success")).to_have_count(1)
    expect(
        sec.locator("table.data tbody tr", has_text=STANDARD_1).locator("select[name^=outcome-]")
    ).to_have_value("main")
    screenshot(sec, "call-decisions")
    with sec.expect_navigation():
        sec.click("[data-testid=publish-decisions]")
    assert sec.url.endswith(f"/review/calls/{call_id}/groups")
    expect(sec.locator(".flash.success")).to_have_count(1)
    # The drafting groups: the company in each, in the role decided.
    group_1 = sec.locator("section.card", has=sec.locator("h2", has_text=STANDARD_1))
    group_2 = sec.locator("section.card", has=sec.locator("h2", has_text=STANDARD_2))
    expect(group_1.locator("ul.plain-list > li")).to_have_count(1)
    expect(group_1.locator("ul.plain-list > li")).to_contain_text(COMPANY)
    expect(group_1.locator("ul.plain-list > li .badge")).to_have_text("主要起草单位")
    expect(group_2.locator("ul.plain-list > li")).to_have_count(1)
    expect(group_2.locator("ul.plain-list > li")).to_contain_text(COMPANY)
    expect(group_2.locator("ul.plain-list > li .badge")).to_have_text("参编单位")
    screenshot(sec, "call-groups")

    # --- the company sees the decisions ------------------------------------
    # Every user of the company is told by mail: a receipt, then the decision.
    for address in (MEMBER, COLLEAGUE):
        decision_mail = _mails(smtp_sink, address, title, count=2)[1]
        assert STANDARD_1 in body(decision_mail) and STANDARD_2 in body(decision_mail)
    member.goto(f"/applications/{application_id}")
    expect(member.locator("[data-testid=app-state]")).to_have_class(
        re.compile(r"\bstate-accepted\b")
    )
    decisions = member.locator("section.decisions li")
    expect(decisions).to_have_count(2)
    expect(decisions.filter(has_text=STANDARD_1).locator("[data-testid=decision]")).to_have_text(
        "主要起草单位"
    )
    expect(decisions.filter(has_text=STANDARD_1)).to_contain_text("技术能力突出")
    expect(decisions.filter(has_text=STANDARD_2).locator("[data-testid=decision]")).to_have_text(
        "参编单位"
    )
    screenshot(member, "call-company-decision")

    # --- publishing created each standard's document: the group starts at once --
    member.goto("/documents/")
    row = member.locator("table.data tbody tr", has_text=STANDARD_1)
    expect(row.locator("code")).to_have_text("T/CESA 1301—2026")
    expect(row).to_contain_text("Insulation test method for retired battery packs")
    with member.expect_navigation():
        row.locator("a").click()
    document_id = int(re.search(r"/documents/(\d+)", member.url).group(1))
    member.click("[data-testid=tab-edit]")
    member.wait_for_selector("[data-testid=editor-text]")
    text = member.input_value("[data-testid=editor-text]")
    member.fill(
        "[data-testid=editor-text]",
        text.replace("# 范围\n", "# 范围\n\n本文件规定了退役动力电池包绝缘检测的方法。\n", 1),
    )
    member.fill("input[name=message]", "补充范围")
    with member.expect_navigation():
        member.click("[data-testid=save]")
    expect(member.locator(".flash.success")).to_have_count(1)
    stored = member.request.get(f"/api/v1/documents/{document_id}").json()
    assert stored["number"] == "T/CESA 1301—2026" and stored["title_zh"] == STANDARD_1
    assert stored["title_en"] == "Insulation test method for retired battery packs"
    assert stored["can_edit"] is True
    created = {
        d["number"]: d
        for d in sec.request.get("/api/v1/documents").json()
        if "—2026" in d["number"]
    }
    assert created["T/CESA 1302—2026"]["title_zh"] == STANDARD_2
    assert created["T/CESA 1301—2026"]["id"] == document_id
    assert (
        created["T/CESA 1301—2026"]["drafting_group_id"]
        != created["T/CESA 1302—2026"]["drafting_group_id"]
    )
    head = member.request.get(
        f"/api/v1/documents/{document_id}/revisions/{stored['head_revision_id']}"
    ).json()
    assert "本文件规定了退役动力电池包绝缘检测的方法。" in head["text"] and head["number"] == 2
    screenshot(member, "call-document-created")

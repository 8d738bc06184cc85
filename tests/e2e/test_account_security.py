"""Log out everywhere, revoking the API tokens too, in the browser; the pages at 375 and 1280 px."""

from __future__ import annotations

import re

from drafting.accounts.credit_code import check_character
from tests.e2e.conftest import login
from tests.support.smtp import first_link

USER = "reviewer2@drafting.example"
PASSWORD = "demo-password-2026"


def test_log_out_everywhere_and_revoke_tokens(page, live_server, browser, screenshot):
    login(page, USER, PASSWORD)
    page.goto("/account/tokens")
    page.fill("input[name=name]", "同步脚本")
    page.click("form.card button[type=submit]")
    secret = page.locator("#new-secret").inner_text().strip()
    assert page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).ok

    page.goto("/account")
    screenshot(page, "account-sessions-1280")
    box = page.locator("form[action$='/account/sessions/end'] input[name=revoke_tokens]")
    assert not box.is_checked()  # offered, not imposed
    box.check()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("form[action$='/account/sessions/end'] button[type=submit]")
    assert page.url.endswith("/login")

    # The token no longer works, and the tokens page says so.
    r = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status == 401
    login(page, USER, PASSWORD)
    page.goto("/account/tokens")
    row = page.locator("tr", has_text="同步脚本")
    assert row.locator(".badge.bad").count() == 1

    ctx = browser.new_context(
        base_url=live_server, viewport={"width": 375, "height": 800}, locale="zh-CN"
    )
    narrow = ctx.new_page()
    login(narrow, USER, PASSWORD)
    for path, name in [("/account", "account-375"), ("/account/tokens", "tokens-375")]:
        narrow.goto(path)
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px screen"
        screenshot(narrow, name)
    ctx.close()


def test_unconfirmed_applicant_is_told_to_confirm_before_submitting(
    page, live_server, smtp_sink, screenshot
):
    first17 = "91330100MA2E2E001"
    email = "wang.fang@confirm.example"
    page.goto("/register")
    for name, value in {
        "org_name": "杭州确认测试科技有限公司",
        "org_credit_code": first17 + check_character(first17),
        "address": "杭州市西湖区",
        "user_name": "王芳",
        "email": email,
        "password": "a long and unusual password",
        "password_again": "a long and unusual password",
    }.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=org_type]", "enterprise")
    page.click("form.card button[type=submit]")
    page.wait_for_url(live_server + "/register/sent")
    screenshot(page, "register-sent")
    login(page, email, "a long and unusual password")

    page.goto("/calls/1")  # the demo's open call
    with page.expect_navigation():
        page.click("[data-testid=apply]")
    notice = page.locator("[data-testid=confirm-first]")
    assert notice.is_visible() and email in notice.inner_text()
    assert page.locator("[data-testid=submit]").is_disabled()
    screenshot(page, "application-confirm-first")

    # The notice's button sends a new link and comes back to the application.
    application_url = page.url
    smtp_sink.clear()
    with page.expect_navigation():
        page.click("[data-testid=resend-confirmation]")
    assert page.url == application_url
    link = first_link(smtp_sink.wait_for(email)[0])
    page.goto(re.sub(r"^https?://[^/]+", live_server, link))
    page.goto(application_url)
    assert page.locator("[data-testid=confirm-first]").count() == 0
    assert page.locator("[data-testid=submit]").is_enabled()

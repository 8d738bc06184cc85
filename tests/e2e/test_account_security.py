"""Log out everywhere, revoking the API tokens too, in the browser; the pages at 375 and 1280 px."""

from __future__ import annotations

from tests.e2e.conftest import login

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

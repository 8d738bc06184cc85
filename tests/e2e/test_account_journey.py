"""A member company registers, confirms its email, logs in, switches language, logs out."""

import re

from tests.e2e.conftest import login
from tests.support.smtp import first_link

PASSWORD = "a long and unusual password"


def test_register_confirm_login_language_logout(page, live_server, smtp_sink, screenshot):
    page.goto("/")
    screenshot(page, "home-zh")
    page.click("text=注册")
    page.fill("input[name=org_name]", "浙江锂电循环科技有限公司")
    page.fill("input[name=org_credit_code]", "91350100M000100Y43")
    page.select_option("select[name=org_type]", "enterprise")
    page.fill("input[name=address]", "浙江省杭州市滨江区")
    page.fill("input[name=user_name]", "周敏")
    page.fill("input[name=email]", "zhou.min@e2e.example")
    # A wrong check character is refused with a message, and nothing typed is lost.
    page.fill("input[name=org_credit_code]", "91350100M000100Y44")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    page.click("form.card button[type=submit]")
    assert page.locator(".field.has-error").count() >= 1
    assert page.input_value("input[name=org_name]") == "浙江锂电循环科技有限公司"
    screenshot(page, "register-error")
    page.fill("input[name=org_credit_code]", "91350100M000100Y43")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    page.click("form.card button[type=submit]")
    # The same page whether or not the address had an account: check the mail.
    page.wait_for_url(live_server + "/register/sent")
    assert "zhou.min@e2e.example" in page.locator("[data-testid=registered]").inner_text()

    mail = smtp_sink.wait_for("zhou.min@e2e.example")[0]
    link = first_link(mail)
    page.goto(re.sub(r"^https?://[^/]+", live_server, link))
    # The link confirms the address and logs the new user in.
    assert page.locator(".flash.success").count() == 1
    assert page.locator(".banner.warning").count() == 0
    assert page.locator(".user-link").inner_text() == "周敏"

    page.click("[data-testid=logout]")
    login(page, "zhou.min@e2e.example", PASSWORD)
    assert page.locator(".user-link").inner_text() == "周敏"

    # Switch to English; the choice is remembered on the next page.
    page.click(".lang-switch button[value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/account")
    assert page.locator("h1").inner_text() == "Your account"
    screenshot(page, "account-en")
    page.click("[data-testid=logout]")
    assert page.locator("text=Log in").first.is_visible()


def test_pages_fit_a_phone(browser, live_server, screenshot):
    ctx = browser.new_context(
        base_url=live_server, viewport={"width": 375, "height": 800}, locale="zh-CN"
    )
    page = ctx.new_page()
    for path, name in [("/", "home-375"), ("/register", "register-375"), ("/login", "login-375")]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px screen"
        screenshot(page, name)
    # The menu opens from the toggle.
    page.goto("/")
    assert not page.locator("#site-nav").is_visible()
    page.click("[data-nav-toggle]")
    assert page.locator("#site-nav").is_visible()
    ctx.close()


def test_secretariat_pages(page, live_server, screenshot):
    login(page, "secretariat@drafting.example", "demo-password-2026")
    page.goto("/admin/users")
    assert page.locator("tr[data-user='reviewer1@drafting.example']").count() == 1
    screenshot(page, "admin-users")
    page.goto("/admin/audit/")
    assert page.locator("table.data tbody tr").count() >= 1
    screenshot(page, "audit-log")

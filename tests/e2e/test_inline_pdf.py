"""A reviewer sees an applicant's PDF inline, and nothing in it runs in the app's origin."""

from __future__ import annotations

from tests.e2e.conftest import login

REVIEWER = "reviewer1@drafting.example"
PASSWORD = "demo-password-2026"


def test_inline_pdf_is_shown_but_sandboxed(page, live_server, screenshot):
    login(page, REVIEWER, PASSWORD)
    page.goto("/review/")
    page.locator("a.call-title").first.click()
    page.wait_for_load_state()
    page.locator("table.applications a").first.click()
    page.wait_for_load_state()
    frame_el = page.locator("iframe.pdf-viewer").first
    src = frame_el.get_attribute("src")
    assert src and "inline=1" in src

    # What the server sends for the frame: a PDF that may not be sniffed,
    # under a CSP that sandboxes it.
    r = page.request.get(src)
    assert r.status == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["x-content-type-options"] == "nosniff"
    csp = [p.strip() for p in r.headers["content-security-policy"].split(";")]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert r.body().startswith(b"%PDF-")

    # Chromium shows it: its PDF viewer loads inside the frame ...
    frame_el.scroll_into_view_if_needed()
    for _ in range(100):
        if any(f.url.startswith("chrome-extension://") for f in page.frames):
            break
        page.wait_for_timeout(100)
    viewer = [f for f in page.frames if f.url.startswith("chrome-extension://")]
    assert viewer, [f.url for f in page.frames]
    screenshot(page, "review-inline-pdf")
    # ... and the code that handles the PDF is not in the app's origin: it
    # can reach neither the page's DOM nor its cookies.
    for frame in viewer:
        outcome = frame.evaluate(
            "() => { try { return window.top.document.cookie, 'reached the app' }"
            " catch (e) { return e.name } }"
        )
        assert outcome == "SecurityError"
        assert frame.evaluate("() => self.origin") != live_server

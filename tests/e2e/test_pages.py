"""Every main page, in both languages, at 1280 px and at 375 px (issues 9 and 16):

- a full-page screenshot under tests/artifacts/screenshots/ (looked at by hand);
- nothing is wider than the window (375 px included) and no text input is squeezed;
- axe-core (default rules plus `target-size`) finds no serious or critical violation.

The pages are those of the seeded demo data, seen by the person who uses them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafting.demo import DEMO_PASSWORD
from tests.e2e.axe import axe_source, run_axe
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
SECRETARIAT = "secretariat@drafting.example"
REVIEWER = "reviewer1@drafting.example"
MEMBER = "li.wei@greencell.example"  # a submitted application
DRAFTER = "zhang.min@hualithium.example"  # a draft one, with upload buttons
WIDTHS = (1280, 375)
LANGS = ("zh", "en")

# Wider than this at 375 px means a label or a column squeezed the input.
MIN_INPUT_WIDTH = 120


def _first_id(page, pattern: str) -> int:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        match = re.search(pattern, href or "")
        if match:
            return int(match.group(1))
    raise AssertionError(f"no link matching {pattern} on {page.url}")


def _new_page(browser, live_server, width: int, lang: str):
    ctx = browser.new_context(
        base_url=live_server,
        locale="zh-CN" if lang == "zh" else "en-US",
        viewport={"width": width, "height": 800},
        # axe is injected as an inline script, which the app's CSP (rightly) refuses.
        bypass_csp=True,
    )
    ctx.set_default_timeout(15000)
    return ctx, ctx.new_page()


@pytest.fixture(scope="module")
def urls(browser, live_server):
    """The main pages, by who sees them, with the demo data's ids."""
    ctx, page = _new_page(browser, live_server, 1280, "zh")
    try:
        page.goto("/calls/")
        call = _first_id(page, r"^/calls/(\d+)$")
        login(page, MEMBER, DEMO_PASSWORD)
        page.goto("/applications/")
        application = _first_id(page, r"^/applications/(\d+)$")
        page.goto("/documents/")
        document = _first_id(page, r"^/documents/(\d+)$")
        ctx.clear_cookies()
        login(page, DRAFTER, DEMO_PASSWORD)
        page.goto("/applications/")
        draft = _first_id(page, r"^/applications/(\d+)$")
        ctx.clear_cookies()
        login(page, SECRETARIAT, DEMO_PASSWORD)
        page.goto(f"/review/calls/{call}")
        review = _first_id(page, r"^/review/applications/(\d+)$")
        page.goto(f"/documents/{document}/history")
        revision = _first_id(page, rf"^/documents/{document}/revisions/(\d+)$")
        page.goto("/admin/organizations")
        organization = _first_id(page, r"^/admin/organizations/(\d+)$")
    finally:
        ctx.close()
    return {
        None: [
            ("home", "/"),
            ("calls", "/calls/"),
            ("call", f"/calls/{call}"),
            ("login", "/login"),
            ("register", "/register"),
            ("forgot-password", "/password/forgot"),
            ("help-conventions", "/help/conventions"),
        ],
        MEMBER: [
            ("applications", "/applications/"),
            ("application", f"/applications/{application}"),
            ("organization", "/organization"),
            ("profile", "/account"),
            ("tokens", "/account/tokens"),
            ("documents", "/documents/"),
            ("document", f"/documents/{document}"),
            ("comments", f"/documents/{document}/comments"),
        ],
        DRAFTER: [
            ("application-draft", f"/applications/{draft}"),
        ],
        REVIEWER: [
            ("review-index", "/review/"),
            # The submitted application, with the assessment form.
            ("review-assess", f"/review/applications/{application}"),
        ],
        SECRETARIAT: [
            ("call-new", "/calls/new"),
            ("call-edit", f"/calls/{call}/edit"),
            ("review-dashboard", f"/review/calls/{call}"),
            ("review-application", f"/review/applications/{review}"),
            ("decisions", f"/review/calls/{call}/decisions"),
            ("reviewers", f"/review/calls/{call}/reviewers"),
            ("groups", f"/review/calls/{call}/groups"),
            ("editor", f"/documents/{document}/edit"),
            ("history", f"/documents/{document}/history"),
            ("revision", f"/documents/{document}/revisions/{revision}"),
            ("diff", f"/documents/{document}/diff"),
            ("admin-organization", f"/admin/organizations/{organization}"),
            ("stage", f"/documents/{document}/stage"),
            ("settings", f"/documents/{document}/settings"),
            ("document-group", f"/documents/{document}/group"),
            ("document-new", "/documents/new"),
            ("audit", "/admin/audit/"),
            ("users", "/admin/users"),
            ("organizations", "/admin/organizations"),
        ],
    }


LAYOUT_PROBLEMS = """(minInput) => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) {
        problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    // Anything sticking out of the window (scrolling containers excepted).
    for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        let inScroller = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (["auto", "scroll", "hidden"].includes(s.overflowX)) { inScroller = true; break; }
        }
        if (!inScroller && r.right > width + 1) {
            problems.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(r.right)} px`);
            break;
        }
    }
    for (const el of document.querySelectorAll(
        "input[type=text], input[type=email], input[type=password], input[type=search], input[type=url], input:not([type]), textarea, select"
    )) {
        const r = el.getBoundingClientRect();
        // A select holds a short choice; a text field must take a sentence.
        const least = el.tagName === "SELECT" ? minInput / 2 : minInput;
        if (r.width > 0 && r.width < least) {
            problems.push(`${el.tagName.toLowerCase()}[name=${el.name}] is ${Math.round(r.width)} px wide`);
        }
    }
    return problems;
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_main_pages(browser, live_server, urls, lang, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    source = axe_source()
    failures: list[str] = []
    for who, pages in urls.items():
        ctx, page = _new_page(browser, live_server, width, lang)
        try:
            if who:
                login(page, who, DEMO_PASSWORD)
            for name, path in pages:
                response = page.goto(path + ("&" if "?" in path else "?") + f"lang={lang}")
                assert response is not None and response.status == 200, (path, response)
                expected = "zh-CN" if lang == "zh" else "en"
                assert page.locator("html").get_attribute("lang") == expected, path
                page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=True)
                for problem in page.evaluate(LAYOUT_PROBLEMS, MIN_INPUT_WIDTH):
                    failures.append(f"{path} [{lang} {width}px] layout: {problem}")
                for violation in run_axe(page, source):
                    failures.append(
                        f"{path} [{lang} {width}px] axe {violation['impact']} {violation['id']}: "
                        f"{violation['help']} — {violation['nodes']}"
                    )
        finally:
            ctx.close()
    assert not failures, "\n".join(failures)

"""A conflict in the browser editor is resolved three ways (keep mine, keep
theirs, a hand-written mix) and each resolution is saved exactly as written:
after the conflict the editor is based on the head it was shown."""

import re

import pytest

from drafting.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

TITLE = "废旧磷酸铁锂电池正极材料回收利用技术规范"
ROW_RE = re.compile(r"^\| 杂质铝含量 \| % \| [^|\n]* \|$", re.M)
CONFLICT_RE = re.compile(
    r"<<<<<<< [^\n]*\n(?P<ours>.*?)\|\|\|\|\|\|\| [^\n]*\n(?P<base>.*?)=======\n"
    r"(?P<theirs>.*?)>>>>>>> [^\n]*\n",
    re.S,
)


def _open_editor(page):
    page.goto("/documents/")
    page.click(f"a:has-text('{TITLE}')")
    page.click("[data-testid=tab-edit]")
    page.wait_for_selector("[data-testid=editor-text]")
    return int(re.search(r"/documents/(\d+)/", page.url).group(1))


def _save(page, message):
    page.fill("input[name=message]", message)
    with page.expect_navigation():
        page.click("[data-testid=save]")


def _row(value):
    return f"| 杂质铝含量 | % | {value} |"


def _api(page, path):
    response = page.request.get(f"/api/v1{path}")
    assert response.status == 200, response.text()
    return response.json()


# (choice, the first editor's value, the second editor's value, the value kept)
CASES = [
    ("ours", "≤ 0.031", "≤ 0.041", "≤ 0.041"),
    ("theirs", "≤ 0.032", "≤ 0.042", "≤ 0.032"),
    ("mix", "≤ 0.033", "≤ 0.043", "≤ 0.035（湿法工艺 ≤ 0.04）"),
]


@pytest.mark.parametrize("choice, first_value, second_value, value", CASES)
def test_conflict_resolution_is_saved_exactly_as_written(
    browser, live_server, context, screenshot, choice, first_value, second_value, value
):
    first = context.new_page()
    login(first, "li.wei@greencell.example", DEMO_PASSWORD)
    document_id = _open_editor(first)
    second_context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    second_context.set_default_timeout(15000)
    second = second_context.new_page()
    try:
        login(second, "wang.fang@greencell.example", DEMO_PASSWORD)
        assert _open_editor(second) == document_id
        text = first.input_value("[data-testid=editor-text]")
        assert second.input_value("[data-testid=editor-text]") == text
        assert ROW_RE.search(text)

        # Both change the same table cell; the second also adds a note elsewhere.
        first.fill("[data-testid=editor-text]", ROW_RE.sub(_row(first_value), text, count=1))
        _save(first, "收紧杂质铝含量")
        assert first.locator(".flash.success").count() == 1
        head = _api(first, f"/documents/{document_id}")["head_revision_id"]

        note = f"注：本表由第二位起草人核对（{choice}）。"
        theirs_text = ROW_RE.sub(_row(second_value), text, count=1).rstrip("\n") + f"\n\n{note}\n"
        second.fill("[data-testid=editor-text]", theirs_text)
        _save(second, "调整杂质铝含量")
        assert second.locator("[data-testid=conflicts]").is_visible()
        # the editor is now based on the head it shows
        assert second.input_value("input[name=base_revision_id]") == str(head)
        marked = second.input_value("[data-testid=editor-text]")
        [conflict] = CONFLICT_RE.findall(marked)
        assert second_value in conflict[0] and first_value in conflict[2]
        if choice == "mix":
            screenshot(second, "conflict-resolution-panel")

        chosen = {
            "ours": conflict[0],
            "theirs": conflict[2],
            "mix": _row(value) + "\n",
        }[choice]
        resolved = CONFLICT_RE.sub(lambda m: chosen, marked)
        assert "<<<<<<<" not in resolved and note in resolved
        second.fill("[data-testid=editor-text]", resolved)
        _save(second, f"解决冲突（{choice}）")
        assert second.locator(".flash.success").count() == 1, second.inner_text("main")
        assert second.locator("[data-testid=conflicts]").count() == 0

        # The stored head is exactly the text the editor submitted.
        stored = _api(second, f"/documents/{document_id}")
        assert stored["head_revision_id"] != head
        revision = _api(second, f"/documents/{document_id}/revisions/{stored['head_revision_id']}")
        assert revision["text"] == resolved
        assert revision["parent_id"] == head
        assert revision["author"] == "王芳"
        assert _row(value) in revision["text"]
        assert second.input_value("[data-testid=editor-text]") == resolved
    finally:
        second_context.close()

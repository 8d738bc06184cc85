"""An editor downloads the demo standard as .docx, then imports a Word draft: sees the
diff and the findings, confirms, and the text of the new revision is the imported one."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
from drafting.word.importer import import_docx
from tests.e2e.conftest import login
from tests.word.test_import import word_template_draft

pytestmark = pytest.mark.e2e

TITLE = "废旧磷酸铁锂电池正极材料回收利用技术规范"


def test_export_and_import_word(page, tmp_path, screenshot):
    login(page, "li.wei@greencell.example", DEMO_PASSWORD)
    page.goto("/documents/")
    page.click(f"a:has-text('{TITLE}')")
    document_url = page.url
    # a background job like the PDF: its page shows the download link when it is done
    page.click("[data-testid=export-docx]")
    expect(page.locator("[data-testid=export-download]")).to_be_visible(timeout=60000)
    screenshot(page, "word-export-job", full_page=False)
    with page.expect_download() as download:
        page.click("[data-testid=export-download]")
    path = tmp_path / "export.docx"
    download.value.save_as(path)
    exported = Document(str(path))
    assert TITLE in [p.text for p in exported.paragraphs]

    page.goto(document_url)
    page.click("[data-testid=import-docx]")
    draft = tmp_path / "储能草案.docx"
    draft.write_bytes(word_template_draft())
    page.set_input_files("[data-testid=import-file]", str(draft))
    page.click("[data-testid=import-upload]")
    preview = page.locator("[data-testid=import-preview]")
    expect(preview).to_be_visible()
    expect(page.locator("[data-testid=import-findings]")).to_contain_text("第")
    screenshot(page, "word-import-preview", full_page=False)
    # the cover fields, each old → new; applying them is the secretariat's (no boxes here)
    cover = page.locator("[data-testid=import-meta]")
    cover.scroll_into_view_if_needed()
    expect(page.locator("[data-testid=apply-number]")).to_have_count(0)
    expect(cover).to_contain_text("T/CESA 2001—2026")
    screenshot(page, "word-import-cover-fields", full_page=False)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "word-import-preview-375", full_page=False)
    cover.scroll_into_view_if_needed()
    screenshot(page, "word-import-cover-fields-375", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.click("[data-testid=import-confirm]")
    expect(page.locator(".flash.success")).to_be_visible()
    page.click("[data-testid=tab-edit]")
    text = page.input_value("[data-testid=editor-text]")
    assert "## 储能电站 | energy storage station" in text
    assert "| 消防 | 每周 | ^ |" in text
    with io.BytesIO(path.read_bytes()) as handle:
        assert Document(handle).sections[-1].header.paragraphs[0].text


def test_new_document_from_a_word_file(page, tmp_path, screenshot):
    """The editor uploads a .docx on the documents page: the cover fills the form (editable),
    the text is shown; on confirmation the first revision is the imported text."""
    login(page, "li.wei@greencell.example", DEMO_PASSWORD)
    page.goto("/documents/")
    page.click("[data-testid=new-from-word]")
    draft = tmp_path / "储能新草案.docx"
    draft.write_bytes(word_template_draft())
    page.set_input_files("[data-testid=import-file]", str(draft))
    page.click("[data-testid=import-upload]")
    expect(page.locator("[data-testid=import-preview]")).to_be_visible()
    expect(page.locator("input[name=number]")).to_have_value("T/CESA 2001—2026")
    expect(page.locator("input[name=title_zh]")).to_have_value("储能电站运行维护规范")
    expect(page.locator("input[name=planned_published_on]")).to_have_value("2026-03-01")
    expect(page.locator("[data-testid=import-text]")).to_contain_text(
        "## 储能电站 | energy storage station"
    )
    expect(page.locator("[data-testid=import-findings]")).to_contain_text("第")
    screenshot(page, "word-new-document", full_page=False)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "word-new-document-375", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("input[name=number]", "T/CESA 2901—2026")  # editable before confirming
    page.fill("input[name=title_zh]", "储能电站运行维护技术规范")
    page.fill("input[name=ics]", "27.180")
    with page.expect_navigation():
        page.click("[data-testid=import-create]")
    expect(page.locator(".flash.success")).to_contain_text("T/CESA 2901—2026")
    document_id = int(page.url.rstrip("/").split("/")[-1])
    settings = page.request.get(f"/api/v1/documents/{document_id}").json()
    assert settings["number"] == "T/CESA 2901—2026"
    assert settings["title_zh"] == "储能电站运行维护技术规范"
    assert settings["ics"] == "27.180" and settings["ccs"] == "F 01"
    assert settings["title_en"].startswith("Specification for operation")
    page.click("[data-testid=tab-edit]")
    text = page.input_value("[data-testid=editor-text]")
    assert text == import_docx(word_template_draft()).text
    history = page.request.get(f"/api/v1/documents/{document_id}/revisions").json()
    assert len(history) == 1 and history[0]["message"] == "从Word文档导入"

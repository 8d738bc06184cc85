"""An editor downloads the demo standard as .docx, then imports a Word draft: sees the
diff and the findings, confirms, and the text of the new revision is the imported one."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from drafting.demo import DEMO_PASSWORD
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
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "word-import-preview-375", full_page=False)
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

"""The URL fetcher reads static files and attachments, nothing else."""

from __future__ import annotations

import base64

import pytest

from drafting.export import ExportError, ExportFetcher, FetchRefused, html_to_pdf
from drafting.export.assemble import STATIC_DIR

ROOT = "file:///drafting-export/"


@pytest.fixture
def fetcher(tmp_path):
    static = tmp_path / "static"
    (static / "export").mkdir(parents=True)
    (static / "export" / "a.css").write_text("p { color: red }")
    (static / "escape.css").symlink_to("/etc/passwd")
    picture = tmp_path / "stored-by-hash"
    picture.write_bytes(b"\x89PNG fake")
    return ExportFetcher(static, {"图 1.png": b"\x89PNG bytes", "on-disk.png": picture})


def test_serves_static_files_and_attachments(fetcher):
    css = fetcher(ROOT + "static/export/a.css")
    assert css["string"] == b"p { color: red }" and css["mime_type"] == "text/css"
    picture = fetcher(ROOT + "attachments/%E5%9B%BE%201.png")
    assert picture["string"] == b"\x89PNG bytes" and picture["mime_type"] == "image/png"
    assert fetcher(ROOT + "attachments/on-disk.png")["string"] == b"\x89PNG fake"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://example.com/a.png",
        "https://example.com/a.css",
        "ftp://example.com/a",
        ROOT + "../../etc/passwd",
        ROOT + "static/../../../etc/passwd",
        ROOT + "static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        ROOT + "static/escape.css",  # a symlink out of static/
        ROOT + "attachments/nope.png",
        ROOT + "attachments/../static/export/a.css/../../../../etc/passwd",
        ROOT + "attachments/sub/dir.png",
        ROOT + "static/export/a.css?x=1",
        "file://evil.example/share/x",
        "data:text/plain," + "a" * 70_000,
    ],
)
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(FetchRefused):
        fetcher(url)
    assert len(fetcher.refused) == 1


def test_small_data_urls_are_fine(fetcher):
    encoded = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    result = fetcher(f"data:image/svg+xml;base64,{encoded}")
    assert result["string"].startswith(b"<svg") and result["mime_type"] == "image/svg+xml"


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://example.com/tracker.png">',
        '<img src="../../../../etc/passwd">',
        '<link rel="stylesheet" href="https://example.com/x.css">',
        '<p style="background: url(/etc/passwd)">x</p>',
    ],
)
def test_crafted_html_fails_the_export_instead_of_reading(snippet):
    html = f"<!DOCTYPE html><html><body><p>正文</p>{snippet}</body></html>"
    with pytest.raises(ExportError) as raised:
        html_to_pdf(html, base_dir=STATIC_DIR, attachments={})
    assert raised.value.code == "resource-refused"

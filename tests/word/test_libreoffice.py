"""Our .docx as a client nobody here wrote sees it: LibreOffice (headless) converts it to PDF.

The text order matches our own PDF's, the headings are real headings (the
PDF LibreOffice writes has them as bookmarks, made from the outline levels),
and the page count is within a few pages of ours. Page images of the cover,
目次 and a table page are saved under tests/artifacts/word/ for a person to look at.
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from drafting.export import build_html, html_to_pdf
from drafting.standardtext import render
from drafting.standardtext.sample import generate_standard, sample_attachments
from drafting.word import export_docx
from tests.word.conftest import ARTIFACTS, libreoffice_convert, make_meta


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _outline_titles(outline, reader) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += _outline_titles(item, reader)
        else:
            titles.append(item.title)
    return titles


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lo")
    meta = make_meta(published_on=None, implemented_on=None)
    text = generate_standard(14)
    attachments = sample_attachments()
    source = tmp / "standard.docx"
    source.write_bytes(export_docx(meta, text, attachments=attachments))
    pdf_path = libreoffice_convert(source, "pdf", tmp)
    ours = html_to_pdf(
        build_html(meta, text, attachments=attachments.keys()), attachments=attachments
    )
    return text, PdfReader(pdf_path), PdfReader(io.BytesIO(ours)), pdf_path


def test_libreoffice_keeps_the_text_in_our_order(converted):
    text, theirs, ours, _path = converted
    their_text = _squash("".join(page.extract_text() or "" for page in theirs.pages))
    our_text = _squash("".join(page.extract_text() or "" for page in ours.pages))
    headings = [
        h.display for h in render(text).outline if h.kind in ("clause", "annex") and h.level <= 2
    ]
    assert len(headings) > 20
    # after the 目次 (which lists them too): every heading, in the order of our PDF
    start_theirs = their_text.index(_squash("本文件按照GB/T1.1"))
    start_ours = our_text.index(_squash("本文件按照GB/T1.1"))
    pos_theirs, pos_ours = start_theirs, start_ours
    for heading in headings:
        wanted = _squash(heading)
        found_theirs = their_text.find(wanted, pos_theirs)
        found_ours = our_text.find(wanted, pos_ours)
        assert found_theirs > 0, f"LibreOffice lost or moved {heading!r}"
        assert found_ours > 0, f"our PDF lost {heading!r}"
        pos_theirs, pos_ours = found_theirs, found_ours
    for sentence in ("本文件起草单位：", "试验装置连接示意图", "参考文献"):
        assert sentence in their_text


def test_headings_are_outline_entries(converted):
    text, theirs, _ours, _path = converted
    titles = [_squash(t) for t in _outline_titles(theirs.outline, theirs)]
    chapters = [
        _squash(h.display) for h in render(text).outline if h.kind == "clause" and h.level == 1
    ]
    for chapter in chapters:
        assert chapter in titles, chapter
    assert _squash("4.1") in "".join(titles)  # second-level clauses are there too


def test_page_count_is_close_to_ours(converted):
    _text, theirs, ours, _path = converted
    assert abs(len(theirs.pages) - len(ours.pages)) <= max(3, len(ours.pages) // 5), (
        len(theirs.pages),
        len(ours.pages),
    )


def test_page_images_of_cover_toc_and_a_table(converted):
    _text, theirs, _ours, path = converted
    texts = [page.extract_text() or "" for page in theirs.pages]
    toc = next(i for i, t in enumerate(texts) if "目" in t and "次" in t and "前言" in _squash(t))
    table = next(i for i, t in enumerate(texts) if re.search(r"表\s*1\s", t) and i > toc + 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, index in (("cover", 0), ("toc", toc), ("table", table)):
        target = ARTIFACTS / f"libreoffice-{name}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(index + 1), "-l", str(index + 1), "-singlefile",
             str(path), str(target)],
            check=True,
            timeout=60,
        )  # fmt: skip
        assert (ARTIFACTS / f"libreoffice-{name}.png").stat().st_size > 5000
    assert "用能设备能效评价技术规范" in _squash(texts[0])
    assert "征求意见稿" in texts[0]

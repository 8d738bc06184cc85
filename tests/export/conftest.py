"""Fixtures for the export tests: plain functions, no Flask app, no database.

The sample PDF is made once per session, in process, because WeasyPrint takes
seconds; the worker-pool tests make their own, smaller PDFs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from drafting.export import DocumentMeta, Stage, build_html, html_to_pdf
from drafting.standardtext import render
from drafting.standardtext.sample import generate_standard, sample_attachments

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "export"


def make_meta(**changes) -> DocumentMeta:
    values = dict(
        association_name="中国电子节能技术协会",
        association_code="T/CESA",
        number="T/CESA 1234-2026",
        title_zh="用能设备能效评价技术规范",
        title_en="Technical specification for energy efficiency evaluation of energy-using equipment",
        ics="27.010",
        ccs="F 01",
        stage=Stage.DRAFT_FOR_COMMENTS,
        replaces="T/CESA 1000—2020",
        drafting_units=("中国电子节能技术协会", "华能节能科技股份有限公司", "国家节能设备检测中心"),
        drafters=("张三", "李四", "王五"),
    )
    values.update(changes)
    return DocumentMeta(**values)


@pytest.fixture
def meta() -> DocumentMeta:
    return make_meta()


@dataclass
class SamplePdf:
    meta: DocumentMeta
    text: str
    html: str
    pdf: bytes
    pages: list[str]  # extracted text, one string per page

    def page_label(self, index: int) -> str:
        """The printed page number in the footer ("I", "3"), "" on the cover and blank pages."""
        lines = [line.strip() for line in self.pages[index].splitlines() if line.strip()]
        if lines and re.fullmatch(r"[IVXLC]+|\d+", lines[-1]):
            return lines[-1]
        return ""


@pytest.fixture(scope="session")
def sample_pdf() -> SamplePdf:
    meta = make_meta(published_on=None, implemented_on=None)
    text = generate_standard(14)
    attachments = sample_attachments()
    html = build_html(meta, text, attachments=attachments.keys())
    pdf = html_to_pdf(html, attachments=attachments)
    reader = PdfReader(BytesIO(pdf))
    return SamplePdf(meta, text, html, pdf, [page.extract_text() or "" for page in reader.pages])


@pytest.fixture(scope="session")
def sample_outline(sample_pdf):
    return render(sample_pdf.text).outline


@pytest.fixture(scope="session")
def published_meta() -> DocumentMeta:
    return make_meta(
        stage=Stage.PUBLISHED, published_on=date(2026, 3, 1), implemented_on=date(2026, 6, 1)
    )

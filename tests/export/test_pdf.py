"""The PDF itself: cover, headings, embedded fonts, 目次 page numbers, page images."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.export.conftest import ARTIFACTS


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_cover_has_every_field(sample_pdf):
    cover = sample_pdf.pages[0]
    flat = squash(cover)
    for expected in (
        "T/CESA1234—2026",
        "代替T/CESA1000—2020",
        "ICS27.010",
        "CCSF01",
        "团体标准",
        "用能设备能效评价技术规范",
        "（征求意见稿）",
        "在提交反馈意见时，请将您知道的相关专利连同支持性文件一并附上。",
        "XXXX-XX-XX发布",
        "XXXX-XX-XX实施",
        "中国电子节能技术协会发布",
    ):
        assert expected in flat, expected
    english = "Technical specification for energy efficiency evaluation of energy-using equipment"
    assert squash(english) in flat
    # the running header never shows on the cover
    assert cover.count("T/CESA 1234—2026") == 1


def test_foreword_has_the_gb_sentence_units_and_drafters(sample_pdf):
    foreword = next(squash(p) for p in sample_pdf.pages if "前言" in squash(p) and "起草单位" in p)
    assert (
        squash(
            "本文件按照GB/T 1.1—2020《标准化工作导则 第1部分：标准化文件的结构和起草规则》的规定起草。"
        )
        in foreword
    )
    assert (
        "本文件起草单位：中国电子节能技术协会、华能节能科技股份有限公司、国家节能设备检测中心。"
        in foreword
    )
    assert "本文件主要起草人：张三、李四、王五。" in foreword


def test_every_heading_appears_in_order(sample_pdf, sample_outline):
    toc_end = next(
        i for i, p in enumerate(sample_pdf.pages) if "前言" in squash(p) and "起草单位" in p
    )
    body = squash("".join(sample_pdf.pages[toc_end:]))
    position = 0
    for heading in sample_outline:
        if heading.kind == "term":
            wanted = squash(f"{heading.number}{heading.title}")
        elif heading.kind == "annex":
            wanted = squash(f"附录{heading.number}")
        else:
            wanted = squash(heading.display)
        found = body.find(wanted, position)
        assert found >= 0, f"{heading.display} missing or out of order"
        position = found + len(wanted)


def test_fonts_are_embedded(sample_pdf):
    reader = PdfReader(BytesIO(sample_pdf.pdf))
    families = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
            families.add(str(target["/BaseFont"]).split("+")[-1].replace("-", ""))
    assert "NotoSerifCJKSC" in families, families
    assert {"NotoSansCJKSC", "NotoSansCJKSCBold"} <= families, families


def test_toc_page_numbers_are_the_pages_the_headings_are_on(sample_pdf):
    toc_pages = [
        i for i, p in enumerate(sample_pdf.pages) if "目" in p and "次" in p and "....." in p
    ]
    assert toc_pages, "no 目次 page"
    entries = []
    for index in toc_pages:
        for line in sample_pdf.pages[index].splitlines():
            match = re.match(r"^(.*?)\s*\.{3,}\s*([IVXLC]+|\d+)$", line.strip())
            if match:
                entries.append((squash(match.group(1)), match.group(2)))
    assert len(entries) > 10
    first_after_toc = toc_pages[-1] + 1
    labels = [sample_pdf.page_label(i) for i in range(len(sample_pdf.pages))]
    pages = [squash(p) for p in sample_pdf.pages]
    for title, number in entries:
        # the heading's page: the first page after the 目次 whose text has it
        # (a heading is never split from its first line by the layout)
        heading_page = next(
            (i for i in range(first_after_toc, len(pages)) if _heading_on(pages[i], title)), None
        )
        assert heading_page is not None, title
        assert labels[heading_page] == number, (title, number, labels[heading_page])


def _heading_on(page: str, title: str) -> bool:
    if title.startswith("附录"):
        # 附录A（规范性）标题 is printed on three lines: 附录A / （规范性） / 标题
        letter = title[2]
        return f"附录{letter}（" in page and page.index(f"附录{letter}（") < 40
    return title in page


def test_front_matter_is_roman_and_body_starts_at_one(sample_pdf):
    labels = [sample_pdf.page_label(i) for i in range(len(sample_pdf.pages))]
    assert labels[0] == ""  # cover
    numbered = [label for label in labels if label]
    assert numbered[0] == "I"
    first_arabic = next(label for label in numbered if label.isdigit())
    assert first_arabic == "1"
    body_start = labels.index("1")
    assert "用能设备能效评价技术规范" in sample_pdf.pages[body_start]
    assert "1" in sample_pdf.pages[body_start] and "范围" in sample_pdf.pages[body_start]
    # double-sided: the body and the front matter start on odd (right-hand) pages
    assert body_start % 2 == 0 and labels.index("I") % 2 == 0


def test_draft_watermark_and_header_on_body_pages(sample_pdf):
    body_start = [sample_pdf.page_label(i) for i in range(len(sample_pdf.pages))].index("1")
    page = sample_pdf.pages[body_start]
    assert "T/CESA 1234—2026" in page
    # the watermark is a picture: no characters of it in the text
    assert not any("征求意见稿" in p for p in sample_pdf.pages[1:])
    assert "（征求意见稿）" in sample_pdf.pages[0]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_save_page_images(sample_pdf, tmp_path):
    """Cover, 目次 and a body page as PNGs, to look at (tests/artifacts is gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "sample.pdf"
    source.write_bytes(sample_pdf.pdf)
    (ARTIFACTS / "sample.pdf").write_bytes(sample_pdf.pdf)
    labels = [sample_pdf.page_label(i) for i in range(len(sample_pdf.pages))]
    wanted = {"cover": 1, "toc": labels.index("I") + 1, "body": labels.index("2") + 1}
    for name, page in wanted.items():
        prefix = ARTIFACTS / name
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                str(prefix),
            ],
            check=True,
            timeout=60,
        )
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 1000

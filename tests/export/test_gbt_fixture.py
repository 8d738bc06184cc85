"""A standard using every construct of the foreword, cover and element work
(issue 11, issue 9 "PDF cover"), exported to PDF and read back with pdftotext.

Page images of the cover, the foreword and a body page are saved under
tests/artifacts/gbt/ to be looked at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from drafting.export import build_html, html_to_pdf
from drafting.standardtext import run_checks
from drafting.standardtext.foreword import PATENT_SENTENCE
from drafting.standardtext.sample import FIGURE_NAME, sample_png
from tests.export.conftest import make_meta

FIXTURE = Path(__file__).parent / "fixtures" / "gbt_constructs.md"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "gbt"
TITLE = "电动汽车用动力蓄电池回收利用技术规范"

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils not installed",
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    text = FIXTURE.read_text(encoding="utf-8").replace("figure.png", FIGURE_NAME)
    meta = make_meta(
        title_zh=TITLE,
        title_en="Technical specification for recycling of traction batteries of electric vehicles",
        replaces="T/CESA 1000-2020",
        adoption="ISO 12345:2020, MOD",
    )
    attachments = {FIGURE_NAME: sample_png()}
    html = build_html(meta, text, attachments=attachments.keys())
    pdf = html_to_pdf(html, attachments=attachments)
    folder = tmp_path_factory.mktemp("gbt")
    source = folder / "fixture.pdf"
    source.write_bytes(pdf)
    count = len(PdfReader(BytesIO(pdf)).pages)
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(source), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]
    return {"text": text, "pdf": source, "pages": pages}


def _page_with(pages: list[str], needle: str) -> int:
    return next(i for i, page in enumerate(pages) if needle in page)


def _lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def test_cover_fields_and_title_breaks_at_a_word(exported):
    cover = exported["pages"][0]
    lines = _lines(cover)
    assert "T/CESA 1234—2026" in lines
    assert "代替 T/CESA 1000—2020" in lines
    assert "（ISO 12345:2020，MOD）" in lines
    # the title breaks between words: 技术规范 stays whole
    assert "电动汽车用动力蓄电池回收利用" in lines and "技术规范" in lines
    assert not any(line.endswith("技") for line in lines)
    # the stage label appears once, in its place; the watermark is not on the cover
    assert cover.count("征求意见稿") == 1 and "（征求意见稿）" in cover


def test_watermark_characters_never_mix_into_the_text(exported):
    # 征 and 稿 occur nowhere in the fixture's text, so any of them would be the
    # watermark's; the other characters (意, 见, 求) do, and come out in their words.
    for page in exported["pages"][1:]:
        assert "征" not in page and "稿" not in page, page[:200]


def test_foreword_order_in_the_pdf(exported):
    pages = exported["pages"]
    # pdftotext reads the letter-spaced heading "前　　言" as two columns and
    # puts 言 inside the first line; neither character occurs in the parts below.
    foreword = re.sub(r"[\s前言]+", "", pages[_page_with(pages, "本文件按照")])
    order = [
        "本文件按照GB/T1.1—2020《标准化工作导则第1部分：标准化文件的结构和起草规则》的规定起草。",
        "本文件是T/CESA1234《动力蓄电池回收》的第1部分。",
        "本文件代替T/CESA1000—2020。",
        "与T/CESA1000—2020相比",
        "增加了回收流程要求",
        "本文件修改采用ISO12345:2020。",
        PATENT_SENTENCE,
        "本文件由中国电子节能技术协会提出并归口。",
        "本文件起草单位：中国电子节能技术协会、华能节能科技股份有限公司、国家节能设备检测中心。",
        "本文件主要起草人：张三、李四、王五。",
        "本文件于2020年首次发布",
    ]
    positions = [foreword.index(part) for part in order]
    assert positions == sorted(positions)
    assert foreword.count("本文件按照") == 1 and "赵六" not in foreword


def test_body_constructs_in_the_pdf(exported):
    pages = exported["pages"]
    body = "\n".join(pages[_page_with(pages, "本文件规定了") :])
    lines = _lines(body)
    # 条 without a heading: its number, then its text (the same line: see body.png)
    assert re.search(r"4\.1\.1\s+回收企业应具备相应的处理能力。", body)
    assert re.search(r"4\.1\.2\s+回收过程应符合4\.1\.1的规定。", body)
    # figure note above the figure title
    caption = re.search(r"图1\s+回收流程示意图", body)
    assert caption is not None and body.index("注：流程中的虚线表示可选步骤。") < caption.start()
    # —— first-level items, · second-level items
    assert any(line.startswith("——") and "外观检查" in line for line in lines)
    assert any(line.startswith("·") and "壳体破损" in line for line in lines)
    # 索引 after 参考文献, not numbered
    bibliography = re.search(r"参\s*考\s*文\s*献", body)
    index = re.search(r"索\s*引", body)
    assert bibliography and index and bibliography.start() < index.start()
    assert index.start() < body.index("回收流程……4.2")
    # unnumbered, on a page of its own: the heading follows the running header
    at = lines.index("索")
    assert lines[at - 1] == "T/CESA 1234—2026" and lines[at + 1] == "引"


def test_fixture_checks_name_what_was_typed_twice(exported):
    findings = {(f.code, f.line) for f in run_checks(exported["text"])}
    assert ("foreword-part-generated", 3) in findings  # 主要起草人 typed
    assert ("foreword-part-generated", 5) in findings  # 起草依据 typed, with a full-width space
    assert not {code for code, _ in findings} & {"hanging-paragraph", "element-order"}


def test_save_cover_foreword_and_body_images(exported):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(exported["pdf"], ARTIFACTS / "gbt_constructs.pdf")
    pages = exported["pages"]
    wanted = {
        "cover": 1,
        "foreword": _page_with(pages, "本文件按照") + 1,
        "body": _page_with(pages, "本文件规定了") + 1,
    }
    for name, page in wanted.items():
        prefix = ARTIFACTS / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(exported["pdf"]), str(prefix)],
            check=True,
        )
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 5000

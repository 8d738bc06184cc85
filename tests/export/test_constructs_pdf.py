"""The fixture standard with tables, formulas and footnotes (issue 11), exported
to a real PDF: its text is read back page by page, and page images are saved
under tests/artifacts/tables/ to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from drafting.export import build_html, html_to_pdf
from tests.export.conftest import make_meta

FIXTURE = Path(__file__).with_name("fixture_constructs.md")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "tables"
_SVG_RE = re.compile(r"<svg .*?</svg>", re.S)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def exported():
    text = FIXTURE.read_text(encoding="utf-8")
    html = build_html(make_meta(), text)
    pdf = html_to_pdf(html)
    pages = [squash(page.extract_text() or "") for page in PdfReader(BytesIO(pdf)).pages]
    return text, html, pdf, pages


def page_of(pages: list[str], needle: str) -> int:
    return next(i for i, page in enumerate(pages) if needle in page)


def test_a_long_table_says_continued_on_every_later_page_and_only_there(exported):
    _, _, _, pages = exported
    with_rows = [i for i, page in enumerate(pages) if re.search(r"型号\d{3}", page)]
    assert len(with_rows) >= 3  # 120 rows: the table runs over several pages
    first, *later = with_rows
    assert "表2各型号的测量结果" in pages[first]
    assert "表2（续）" not in pages[first]
    for i in later:
        assert "表2（续）" in pages[i], i
        assert "各型号的测量结果" not in pages[i], i
        assert "功率/W" in pages[i]  # the header rows are repeated
    # every row is printed exactly once
    rows = "".join(pages[i] for i in with_rows)
    assert [int(n) for n in re.findall(r"型号(\d{3})", rows)] == list(range(1, 121))
    # 表1 says "continued" only on a page its rows or notes run onto
    first1, notes1 = page_of(pages, "表1试验条件"), page_of(pages, "注2：湿度允许偏差")
    continued1 = [i for i, page in enumerate(pages) if "表1（续）" in page]
    assert continued1 == ([] if notes1 == first1 else [notes1])


def test_merged_cells_notes_and_table_footnotes_are_in_the_table(exported):
    _, html, _, pages = exported
    first = page_of(pages, "表1试验条件")
    page = pages[first] + pages[first + 1]  # the notes row may run onto the next page
    assert '<th colspan="2">条件</th>' in html
    assert '<td rowspan="2">温度</td>' in html
    assert "环境温度a)" in page and "字面字符b)" in page
    assert "注1：温度允许偏差为±2℃。" in page
    assert "注2：湿度允许偏差为±5%。" in page
    whole = "".join(pages)
    assert "a)在试验室内测量。" in whole and "b)反斜杠表示字符本身。" in whole
    assert "不凝露无结冰" in page  # a list inside a cell (its —— markers are generated)


def test_formulas_are_numbered_and_cited_and_never_raw_tex(exported):
    _, _, _, pages = exported
    page = pages[page_of(pages, "4.1.1总则")]
    assert "公式(1)计算" in page and "功率因数见公式(2)" in page
    for number in ("(1)", "(2)", "(3)"):
        assert number in page
    assert "其中：" in page and "——能效；" in page and "——输出功率，单位为瓦（W）；" in page
    assert "［公式无法解析］" in page
    annex = pages[page_of(pages, "附录中的公式编号带附录字母")]
    assert "见公式(A.1)" in annex and "(A.1)" in annex.replace("公式(A.1)", "")
    whole = "".join(pages)
    assert "\\frac" not in whole and "$$" not in whole and "\\eta" not in whole
    assert "H2O" in whole and "m2" in whole  # sub/superscript text kept
    assert "$5and$6" in whole


def test_footnotes_sit_at_the_foot_of_their_page(exported):
    _, _, _, pages = exported
    page = pages[page_of(pages, "能效评价的方法1)")]
    foot = page.index("1)本文件所称用能设备不包括移动设备。")
    assert foot > page.index("4.2.1合并单元格")  # below the body text of the page
    second = pages[page_of(pages, "正文中的第二个脚注2)")]
    assert "2)第二个脚注的文字。" in second
    assert "再次引用第一个脚注1)" in second
    assert second.count("本文件所称用能设备") == 0  # printed once, on its own page


def test_preview_draws_the_same_formulas_as_the_pdf(exported):
    text, html, _, _ = exported
    preview = build_html(make_meta(), text, for_print=False)
    assert _SVG_RE.findall(preview) == _SVG_RE.findall(html)
    assert len(_SVG_RE.findall(html)) == 4  # three display formulas that parse, one inline


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_save_page_images(exported, tmp_path):
    _, _, pdf, pages = exported
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "constructs.pdf"
    source.write_bytes(pdf)
    (ARTIFACTS / "constructs.pdf").write_bytes(pdf)
    wanted = {
        "formula-footnote": page_of(pages, "4.1.1总则") + 1,
        "continued-table": page_of(pages, "表2（续）") + 1,
        "footnote": page_of(pages, "2)第二个脚注的文字。") + 1,
    }
    for name, page in wanted.items():
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(source), str(ARTIFACTS / name)],
            check=True,
            timeout=60,
        )
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 1000

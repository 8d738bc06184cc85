"""Export → import gives back the Markdown we started from (after normalisation)."""

from __future__ import annotations

import difflib
import io
import re
import zipfile

from docx import Document

from drafting.export import DocumentMeta
from drafting.standardtext.sample import generate_standard, sample_attachments
from drafting.word import export_docx
from drafting.word.importer import import_docx
from tests.word.conftest import EVERY_CONSTRUCT, make_meta

_MATH_RE = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+)\$", re.S)


def normalise(text: str) -> str:
    """Spaces inside formulas and at line ends do not count; neither do blank-line runs."""

    def squeeze(match: re.Match) -> str:
        if match.group(1) is not None:
            return "$$" + re.sub(r"\s+", "", match.group(1)) + "$$"
        return "$" + re.sub(r"\s+", "", match.group(2)) + "$"

    text = _MATH_RE.sub(squeeze, text)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def test_every_construct_survives_the_round_trip(every_docx, figure_png):
    result = import_docx(every_docx)
    expected, actual = normalise(EVERY_CONSTRUCT), normalise(result.text)
    assert actual == expected, "\n".join(
        difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "markdown", "round trip", lineterm=""
        )
    )
    assert result.images == {"setup.png": figure_png}
    assert result.findings == []
    assert result.meta["number"] == "T/CESA 1234—2026"
    assert result.meta["title_zh"] == "用能设备能效评价技术规范"
    assert result.meta["title_en"] == "Technical specification for energy efficiency evaluation"
    assert (result.meta["ics"], result.meta["ccs"]) == ("27.010", "F 01")
    assert result.meta["stage"] == "征求意见稿"


def test_the_sample_standard_survives_the_round_trip():
    text = generate_standard(8)
    meta = DocumentMeta("中国电子节能技术协会", "T/CESA", "T/CESA 1—2026", "样品标准")
    result = import_docx(export_docx(meta, text, attachments=sample_attachments()))
    expected, actual = normalise(text), normalise(result.text)
    diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), lineterm="", n=0))
    assert actual == expected, "\n".join(diff[:60])


#: The constructs the parser learnt after the Word converter was written (tables,
#: gbt): the .docx must say what the PDF says, and the import must give them back.
EXTENSIONS = """# 前言

本文件由某联盟提出。

# 范围

本文件规定了要求[^1]。

[^1]: 以 H~2~O 和 $x_1$ 计，**不含**杂质。

# 技术要求

## 一般要求

#. 产品应符合本文件的规定。

$$ E = mc^2 $$ {#能量}

其中：
E——能量；
m——质量。

能量按[[#能量]]计算。

表：参数

| 项目 | 要求 |
|---|---|
| 外观[^a] | - 整洁<br>- 无划痕 |
| 标志 | 第一行<br>第二行 |

注：表中数值为最低要求。

[^a]: 目测检查。

![试验装置](setup.png)

注：装置示意。
"""


def test_the_parsed_extensions_print_as_the_pdf_does_and_come_back(figure_png):
    meta = make_meta(replaces="T/CESA 1100—2020", adoption="ISO 12345:2020, MOD")
    data = export_docx(meta, EXTENSIONS, attachments={"setup.png": figure_png})
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    # the cover and 前言 as drafting/export/foreword.py composes them
    assert "代替 T/CESA 1100—2020" in texts and "（ISO 12345:2020，MOD）" in texts
    foreword = texts[texts.index("前\u3000言") + 1 : texts.index("前\u3000言") + 8]
    assert foreword[1:4] == [
        "本文件代替T/CESA 1100—2020。",
        "本文件修改采用ISO 12345:2020。",
        "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。",
    ]
    assert foreword[4] == "本文件由某联盟提出。"
    assert "2.1.1\u3000产品应符合本文件的规定。" in texts
    assert "\t\t(1)" in texts and "能量按公式(1)计算。" in texts
    table = document.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[1] == ["外观a)", "——整洁\n——无划痕"]
    assert cells[2] == ["标志", "第一行\n第二行"]
    # the table's notes and its footnote a) in its frame, the last row spanning all columns
    assert cells[3][0] == cells[3][1] == "注：表中数值为最低要求。\na)\u3000目测检查。"
    # a footnote is written like body text: its formula is a Word equation
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        notes = z.read("word/footnotes.xml").decode()
    assert "oMath" in notes and "$" not in notes and 'w:vertAlign w:val="subscript"' in notes
    # the figure's note above its title, as GB/T 1.1 and the PDF have it
    assert texts[-3:-1] == ["注：装置示意。", "图1\u3000试验装置"]
    mark = next(r for r in table.rows[1].cells[0].paragraphs[0].runs if r.text == "a)")
    assert mark.font.superscript

    result = import_docx(data)
    expected, actual = normalise(EXTENSIONS), normalise(result.text)
    assert actual == expected, "\n".join(
        difflib.unified_diff(expected.splitlines(), actual.splitlines(), lineterm="")
    )
    assert result.meta["replaces"] == "T/CESA 1100—2020"
    assert result.meta["adoption"] == "ISO 12345:2020, MOD"

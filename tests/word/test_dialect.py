"""The agreed dialect extensions (/work/brief/syntax.md) through Word and back:
条 without a heading (``#.``), ``·`` second-level items, 其中： explanations,
``# 索引``, labels on formulas, footnotes and money that is not a formula."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn

from drafting.word import export_docx
from drafting.word.importer import import_docx
from tests.word.conftest import make_meta
from tests.word.test_roundtrip import normalise

TEXT = """# 前言

本文件由某联盟提出。

# 范围

本文件规定了要求。

# 技术要求

## 一般要求

#. 产品应符合本文件的规定，并按规定的程序批准的图样和技术文件制造。

#. 产品的外观应整洁，无明显的划痕和变形，标志应清晰。

$$ E = mc^2 $$ {#能量}

其中：
E——能量；
m——质量。

- 第一项：
  - 子项一；
  - 子项二。

价格为 $5 and $6，不是公式。

# 参考文献

[1] GB/T 1.1—2020

# 索引

能效　3.1
"""


def test_extensions_print_as_gb_texts_do():
    document = Document(io.BytesIO(export_docx(make_meta(), TEXT)))
    texts = [p.text for p in document.paragraphs]
    assert "2.1.1　产品应符合本文件的规定，并按规定的程序批准的图样和技术文件制造。" in texts
    assert "2.1.2　产品的外观应整洁，无明显的划痕和变形，标志应清晰。" in texts
    assert "其中：\nE——能量；\nm——质量。" in texts
    assert "·子项一；" in texts
    assert "索　　引" in texts
    assert "价格为 $5 and $6，不是公式。" in texts
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert not any("产品应" in h for h in headings)  # a 条 without a heading is not in the outline


def test_extensions_come_back():
    result = import_docx(export_docx(make_meta(), TEXT))
    assert normalise(result.text) == normalise(TEXT)


def test_inline_syntax_is_read_by_the_agreed_rules():
    """The .docx takes formulas, sub/superscripts and footnotes from the parser
    the PDF uses, not from a second reading of the text."""
    text = "# 范围\n\nH~2~O 和 m^2^，$x_1$，价格 $5 and $6，见注[^a]。\n\n[^a]: 脚注文字。\n"
    data = export_docx(make_meta(), text)
    document = Document(io.BytesIO(data))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("H"))
    runs = [(r.text, r.font.subscript, r.font.superscript) for r in paragraph.runs]
    assert ("2", True, False) in runs and ("2", False, True) in runs
    assert "$5 and $6" in paragraph.text and "[^a]" not in paragraph.text
    assert len(paragraph._p.findall(".//" + qn("m:oMath"))) == 1
    assert len(paragraph._p.findall(".//" + qn("w:footnoteReference"))) == 1
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "脚注文字。" in z.read("word/footnotes.xml").decode()
    assert not any("脚注文字" in p.text for p in document.paragraphs)

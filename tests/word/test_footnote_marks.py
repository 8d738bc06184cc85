"""GB/T 1.1 footnotes are called 1), 2)… in the text and at the foot of the page.

Word numbers the footnotes itself (so they renumber as a secretariat adds
some) and ")" follows the number in the same character style. A custom mark
(w:customMarkFollows) would need no suffix, but LibreOffice 7.4 prints it
twice ("1)1)"), so the test converts our .docx with LibreOffice and reads the
PDF's text, looks at a page image, and reads the file back with python-docx
and with our import (the round trip keeps the footnotes as they were).
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from drafting.word import export_docx
from drafting.word.importer import import_docx
from tests.word.conftest import ARTIFACTS, libreoffice_convert, make_meta

TEXT = """# 范围

本文件规定了电动机的能效要求[^a]，也适用于变压器[^b]。

[^a]: 电动机指额定功率不大于 375 kW 的三相异步电动机。

[^b]: 变压器指配电变压器。
"""


def _footnote_paragraphs(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = parse_xml(z.read("word/footnotes.xml"))
    return [note for note in root.findall(qn("w:footnote")) if note.get(qn("w:type")) is None]


def _runs_text(element) -> str:
    out = []
    for node in element.iter(qn("w:t"), qn("w:footnoteRef"), qn("w:footnoteReference")):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        else:
            out.append("#")  # where Word prints its number
    return "".join(out)


def test_word_number_then_the_bracket_in_the_text_and_at_the_foot():
    data = export_docx(make_meta(), TEXT)
    document = Document(io.BytesIO(data))
    body = next(p for p in document.paragraphs if "电动机的能效要求" in p.text)
    assert _runs_text(body._p) == "本文件规定了电动机的能效要求#)，也适用于变压器#)。"
    refs = body._p.findall(".//" + qn("w:footnoteReference"))
    assert [r.get(qn("w:id")) for r in refs] == ["1", "2"]
    assert all(r.get(qn("w:customMarkFollows")) is None for r in refs)  # Word numbers them
    # the ")" is in the reference's character style (superscript), so they print as one mark
    for ref in refs:
        run = ref.getparent()
        bracket = run.getnext()
        assert bracket.find(qn("w:t")).text == ")"
        assert bracket.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "StdFootnoteRef"
    notes = [_runs_text(n) for n in _footnote_paragraphs(data)]
    assert notes == [
        "#) 电动机指额定功率不大于 375 kW 的三相异步电动机。",
        "#) 变压器指配电变压器。",
    ]
    styles = {s.style_id: s for s in document.styles}
    assert styles["StdFootnoteRef"].font.superscript is True
    assert not styles["StdFootnoteMark"].font.superscript  # "1)" on the line at the foot


def test_libreoffice_prints_each_mark_once(tmp_path):
    source = tmp_path / "footnotes.docx"
    source.write_bytes(export_docx(make_meta(), TEXT))
    pdf = libreoffice_convert(source, "pdf", tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    lines = " ".join(text.split())
    assert "能效要求1)，也适用于变压器2)。" in lines.replace(" ", "")
    squashed = re.sub(r"\s+", "", text)
    assert squashed.count("1)电动机指额定功率") == 1
    assert squashed.count("2)变压器指配电变压器") == 1
    assert "1)1)" not in squashed and "2)2)" not in squashed
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode(),
        ).group(1)
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "libreoffice-footnotes"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-f", str(pages), "-l", str(pages), "-singlefile",
         str(pdf), str(target)],
        check=True,
        timeout=60,
    )  # fmt: skip
    assert (ARTIFACTS / "libreoffice-footnotes.png").stat().st_size > 5000


def test_our_marks_come_back_as_the_footnotes_they_were():
    result = import_docx(export_docx(make_meta(), TEXT))
    assert "电动机的能效要求[^1]，也适用于变压器[^2]。" in result.text
    assert "[^1]: 电动机指额定功率不大于 375 kW 的三相异步电动机。" in result.text
    assert "[^2]: 变压器指配电变压器。" in result.text
    assert ")" not in result.text.replace("375 kW", "")
    assert result.findings == []


def test_a_custom_mark_as_word_writes_it_is_read_once():
    """Word's 'custom mark' footnote: the mark typed after the reference and again in the note."""
    document = Document()
    document.add_paragraph("1　范围", style="Heading 1")
    paragraph = document.add_paragraph("本文件适用于电动机")
    blob = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1)</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> 三相异步电动机。</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            '<w:footnoteReference w:customMarkFollows="1" w:id="1"/><w:t>1)</w:t></w:r>'
        )
    )
    paragraph.add_run("。")
    out = io.BytesIO()
    document.save(out)
    result = import_docx(out.getvalue())
    assert "本文件适用于电动机[^1]。" in result.text
    assert "[^1]: 三相异步电动机。" in result.text


def test_a_bracket_of_the_text_after_a_footnote_is_kept():
    """Only a ")" that looks like the mark (same style, superscript) is part of it."""
    document = Document()
    document.add_heading("1　范围", level=1)
    paragraph = document.add_paragraph("电动机(额定功率以下")
    _footnote_part(document, "三相异步电动机。")
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            '<w:footnoteReference w:id="1"/></w:r>'
        )
    )
    paragraph.add_run(")适用。")
    out = io.BytesIO()
    document.save(out)
    result = import_docx(out.getvalue())
    assert "电动机(额定功率以下[^1])适用。" in result.text


def _footnote_part(document, text: str) -> None:
    blob = (
        f"<w:footnotes {nsdecls('w')}>"
        f'<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)

"""Export → import gives back the Markdown we started from (after normalisation)."""

from __future__ import annotations

import difflib
import re

from drafting.word.importer import import_docx
from tests.word.conftest import EVERY_CONSTRUCT

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
    from drafting.export import DocumentMeta
    from drafting.standardtext.sample import generate_standard, sample_attachments
    from drafting.word import export_docx

    text = generate_standard(8)
    meta = DocumentMeta("中国电子节能技术协会", "T/CESA", "T/CESA 1—2026", "样品标准")
    result = import_docx(export_docx(meta, text, attachments=sample_attachments()))
    expected, actual = normalise(text), normalise(result.text)
    diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), lineterm="", n=0))
    assert actual == expected, "\n".join(diff[:60])

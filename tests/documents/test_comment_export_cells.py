"""Both comment spreadsheets survive any comment: no live formula, no character that breaks the file."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from drafting.core.spreadsheet import cell
from drafting.documents import exports, queries, services
from drafting.extensions import db

FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
EXPORTS = ["resolution-table.xlsx", "iso-template.xlsx"]


def _cells(data: bytes) -> list:
    ws = load_workbook(BytesIO(data)).active
    return [c for row in ws.iter_rows(min_row=3) for c in row if c.value is not None]


@pytest.mark.parametrize("path", EXPORTS)
def test_vertical_tab_and_formulas_through_the_web(client, login_as, world, doc, path):
    # \x0b made openpyxl raise IllegalCharacterError: the export failed for good.
    services.add_comment(
        doc,
        revision=doc.head_revision,
        clause="4.1",
        body="第一段\x0b第二段",
        proposed_change="=1+1",
        actor=world.participant,
    )
    services.add_comment(
        doc, revision=doc.head_revision, body="@SUM(A1:A9)", actor=world.participant
    )
    db.session.commit()
    login_as(world.main_editor)
    r = client.get(f"/documents/{doc.id}/comments/{path}")
    assert r.status_code == 200
    cells = _cells(r.data)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    # Word's line break (\x0b) is stored as a line break; the exports' own handling of
    # control characters is tested on texts given in memory (below).
    assert any("第一段\n第二段" in t for t in texts)
    assert all(c.data_type != "f" for c in cells)  # nothing is a formula
    assert any(t == "'@SUM(A1:A9)" for t in texts)
    assert not any(t.lstrip("\t\r\n ").startswith(("=", "+", "-", "@")) for t in texts)


@pytest.mark.parametrize("build", [exports.resolution_table, exports.iso_template])
@pytest.mark.parametrize(
    "text", ["a\x00b", "a\ud800b", "\udfff", "a\x0bb", "a\x1fb", "a\x7fb", *FORMULAS]
)
def test_any_text_in_any_comment_field(world, doc, build, text):
    """Values PostgreSQL cannot even store (NUL, lone surrogates) are given in memory."""
    services.add_comment(
        doc, revision=doc.head_revision, clause="4.1", body="正文", actor=world.participant
    )
    threads = queries.comment_threads(doc)
    comment = threads[0].comment
    try:
        comment.body = comment.quote = comment.proposed_change = text
        comment.clause = comment.organization_name = comment.resolution_reason = text
        data = build(doc, threads)
    finally:
        db.session.expire(comment)  # never flush these values
    cells = _cells(data)
    assert cells and all(c.data_type != "f" for c in cells)
    for c in cells:
        if isinstance(c.value, str):
            c.value.encode("utf-8")
            assert not any(ch in c.value for ch in "\x00\x0b\x1f\x7f")
            assert not c.value.lstrip("\t\r\n ").startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize("text", FORMULAS + [" =1", "\n=1"])
def test_cell_escapes_every_formula_start(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a\x00b", "a\ufffdb"),
        ("a\ud800b", "a\ufffdb"),
        ("行\x0b行", "行\ufffd行"),
        ("tab\tand\nnewline\r", "tab\tand\nnewline\r"),
        ("普通文字", "普通文字"),
        ("x" * 40000, "x" * 32766 + "…"),
    ],
)
def test_cell_cleans_text(text, expected):
    assert cell(text) == expected


def test_cell_leaves_numbers_alone():
    assert cell(-3) == -3 and cell(2.5) == 2.5 and cell(None) is None

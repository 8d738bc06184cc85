"""The vote summary (表决情况汇总表) opened and read back: XLSX with openpyxl, PDF with pdftotext."""

import subprocess
from io import BytesIO

from openpyxl import load_workbook

from drafting.ballots import exports, services
from tests.ballots.factories import open_on


def _voted(rw):
    ballot = open_on(rw)
    services.cast_vote(ballot, actor=rw.voters[0], choice="for")
    services.cast_vote(
        ballot,
        actor=rw.voters[1],
        choice="for_with_comments",
        comments="建议补充试验方法",
        clause="5",
    )
    services.cast_vote(ballot, actor=rw.voters[2], choice="against", reason='=HYPERLINK("x")')
    return ballot


def test_summary_xlsx_reads_back(rw):
    ballot = _voted(rw)
    services.close_ballot(ballot, actor=rw.secretariat)
    wb = load_workbook(BytesIO(exports.summary_xlsx(ballot)))
    ws = wb.active
    values = [tuple(row) for row in ws.iter_rows(values_only=True)]
    assert "表决情况汇总表" in values[0][0] and rw.document.number in values[0][0]
    header = values.index(tuple(exports.HEADERS))
    rows = values[header + 1 : header + 1 + 4]
    by_org = {r[1]: r for r in rows}
    assert by_org[rw.voter_orgs[0].name][2] == "赞成"
    assert by_org[rw.voter_orgs[1].name][2:4] == ("赞成，有修改意见", "5：建议补充试验方法")
    # A reason that looks like a formula is written as text.
    assert by_org[rw.voter_orgs[2].name][2:4] == ("不赞成", '\'=HYPERLINK("x")')
    assert by_org[rw.voter_orgs[3].name][2] == "未投票"
    assert by_org[rw.voter_orgs[0].name][4] == rw.voters[0].name
    flat = " ".join(str(v) for row in values for v in row if v)
    assert (
        "应表决单位 4 个，投票数 3；赞成 2（其中有修改意见 1），不赞成 1，弃权 0，未投票 1" in flat
    )
    assert "表决结论：未通过" in flat  # 2/3 in favour < 3/4


def test_summary_pdf_reads_back(rw, tmp_path):
    ballot = _voted(rw)
    pdf = exports.summary_pdf(ballot)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "表决情况汇总表" in text and rw.document.number in text
    assert rw.voter_orgs[1].name in text and "建议补充试验方法" in text
    assert "未投票" in text and "表决进行中" in text
    services.close_ballot(ballot, actor=rw.secretariat)
    path.write_bytes(exports.summary_pdf(ballot))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "表决结论：未通过" in text

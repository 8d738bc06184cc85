"""Review exports: the answers, labels in the user's language, local times, row order, ZIP names."""

import csv
import io
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from drafting.applications import services as app_services
from drafting.reviews import services
from drafting.reviews.exports import MAX_ENTRY_BYTES, safe_member_name
from drafting.reviews.models import Rating
from tests.calls.factories import PDF, make_application, make_call
from tests.support.factories import make_org, make_user

LONG_STEM = "动力电池回收利用企业资质证明及检测报告。" * 10  # 200 characters, 600 bytes
# The upload keeps at most 200 characters, cutting the stem and keeping the extension.
STORED = LONG_STEM[:196] + ".pdf"


@pytest.fixture
def exported(db, sec):
    call = make_call(actor=sec)
    reviewer = make_user("reviewer", name="周评审")
    services.assign_reviewer(call, reviewer, actor=sec)
    apps = {}
    for name in ("上海绿能科技有限公司", "北京电池回收有限公司", "安徽光伏材料有限公司"):
        apps[name] = make_application(call, org=make_org(name))
    a = apps["北京电池回收有限公司"]
    r1, _r2, _r3 = call.requirements
    user = a.organization.users[0]
    app_services.add_attachment(a, r1.id, filename=LONG_STEM + ".pdf", data=PDF, actor=user)
    for application in apps.values():
        app_services.submit(application, actor=application.organization.users[0])
    a.submitted_at = datetime(2026, 3, 1, 2, 3, 4, 123456, tzinfo=UTC)
    services.save_assessment(
        a, r1.id, rating=Rating.PARTLY_MET, score=6, reason="=1+1", reviewer=reviewer
    )
    db.session.commit()
    return call, apps


def _csv(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))


def test_applications_export_has_the_answers_in_chinese(client, login_as, exported, sec):
    call, apps = exported
    login_as(sec)
    rows = _csv(client, f"/review/calls/{call.id}/export.csv?lang=zh")
    header, body = rows[0], rows[1:]
    assert header[:5] == [
        "申报编号",
        "单位",
        "统一社会信用代码",
        "状态",
        "提交时间（Asia/Shanghai）",
    ]
    assert header[10:13] == ["R1 说明", "R1 证明材料", "R1 得分（评分专家数）"]
    assert [r[1] for r in body] == [  # pinyin order: An, Bei, Shang
        "安徽光伏材料有限公司",
        "北京电池回收有限公司",
        "上海绿能科技有限公司",
    ]
    beijing = body[1]
    assert beijing[3] == "评审中"
    assert beijing[4] == "2026-03-01 10:03:04"  # Shanghai time, to the second
    assert "团体标准1（主要起草单位）" in beijing[5]
    assert beijing[10] == "说明 0" and beijing[13] == "说明 1"
    assert beijing[11].splitlines() == ["资质证书.pdf", STORED]
    assert beijing[12] == "6.00 (1)"
    for raw in ("under_review", "submitted", "(main)", "met", ".123456"):
        assert raw not in "".join(",".join(r) for r in rows)


def test_exports_in_english_and_assessments_carry_the_statement(client, login_as, exported, sec):
    call, _apps = exported
    login_as(sec)
    rows = _csv(client, f"/review/calls/{call.id}/export.csv?lang=en")
    assert rows[0][:4] == ["Application no.", "Organization", "Unified social credit code", "State"]
    assert rows[2][3] == "Under review" and "Standard 1 (Main drafting unit)" in rows[2][5]
    rows = _csv(client, f"/review/calls/{call.id}/export.csv?what=assessments&lang=en")
    header, (row,) = rows[0], rows[1:]
    record = dict(zip(header, row, strict=True))
    assert record["Organization"] == "北京电池回收有限公司"
    assert record["Requirement no."] == "R1" and record["Statement"] == "说明 0"
    assert record["Evidence files"].splitlines()[1] == STORED
    assert record["Rating"] == "Partly met" and record["Score"] == "6"
    assert record["Reason"] == "'=1+1"  # escaped, not a live formula
    assert record["Requirement mean score (rated by)"] == "6.00 (1)"
    wb = load_workbook(io.BytesIO(client.get(f"/review/calls/{call.id}/export.xlsx?lang=zh").data))
    assert wb.sheetnames == ["申报列表", "评审意见", "申报条件"]
    applications = list(wb["申报列表"].iter_rows(values_only=True))
    assert [r[1] for r in applications[1:]][0] == "安徽光伏材料有限公司"
    assert applications[2][10] == "说明 0"
    requirements = list(wb["申报条件"].iter_rows(values_only=True))
    assert requirements[1][:3] == ("R1", call.requirements[0].text, 2)
    assert wb["评审意见"]["K2"].value == "'=1+1" and wb["评审意见"]["K2"].data_type == "s"


def test_control_characters_and_formulas_in_review_exports(client, login_as, exported, sec, db):
    call, apps = exported
    a = apps["上海绿能科技有限公司"]
    a.organization.name = "@SUM(A1)上海"
    # Stored before any input check existed: the export must cope whatever the table holds.
    a.answer_for(call.requirements[1].id).statement = "第一行\x0b第二行"
    db.session.commit()
    login_as(sec)
    wb = load_workbook(io.BytesIO(client.get(f"/review/calls/{call.id}/export.xlsx").data))
    values = [v for r in wb.worksheets[0].iter_rows(values_only=True) for v in r]
    assert "'@SUM(A1)上海" in values and "第一行\ufffd第二行" in values
    rows = _csv(client, f"/review/calls/{call.id}/export.csv")
    assert any("'@SUM(A1)上海" in r for r in rows)


def test_zip_entry_names_fit_and_extract(client, login_as, exported, sec, tmp_path):
    call, _apps = exported
    login_as(sec)
    data = client.get(f"/review/calls/{call.id}/evidence.zip").data
    path = tmp_path / "evidence.zip"
    path.write_bytes(data)
    names = zipfile.ZipFile(path).namelist()
    assert all(len(n.encode("utf-8")) <= MAX_ENTRY_BYTES for n in names)
    long_name = next(n for n in names if "动力电池" in n)
    assert long_name.startswith("北京电池回收有限公司/R01_") and long_name.endswith(".pdf")
    assert len(long_name.encode("utf-8")) > 240  # cut only as much as needed
    # Debian's unzip and Python both create every entry.
    out = tmp_path / "unzip"
    done = subprocess.run(
        ["unzip", "-q", str(path), "-d", str(out)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    by_python = tmp_path / "python"
    zipfile.ZipFile(path).extractall(by_python)
    for root in (out, by_python):
        extracted = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        assert extracted == sorted(names)
        assert (root / long_name).read_bytes() == PDF


@pytest.mark.parametrize(
    "name,limit,expected_end",
    [
        ("报告" * 200 + ".pdf", 255, ".pdf"),
        ("a" * 300 + ".docx", 100, ".docx"),
        ("x" * 300, 50, "x"),
        ("名" * 100 + "." + "扩" * 20, 60, "名"),  # an "extension" too long to be one
    ],
)
def test_safe_member_name_keeps_the_extension_within_bytes(name, limit, expected_end):
    cut = safe_member_name(name, limit)
    assert len(cut.encode("utf-8")) <= limit and cut.endswith(expected_end)
    cut.encode("utf-8").decode("utf-8")  # no broken character


def test_safe_member_name_strips_paths_and_controls():
    assert safe_member_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_member_name("a\x00b\ud800c.pdf") == "a_b_c.pdf"
    assert safe_member_name("...") == "_"


def test_times_follow_the_users_zone(client, login_as, exported, sec, db):
    call, _apps = exported
    sec.timezone = "Europe/Berlin"
    db.session.commit()
    login_as(sec)
    rows = _csv(client, f"/review/calls/{call.id}/export.csv?lang=en")
    assert rows[0][4] == "Submitted at (Europe/Berlin)"
    assert rows[2][4] == "2026-03-01 03:03:04"

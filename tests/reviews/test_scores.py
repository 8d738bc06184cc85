"""The aggregate score: one definition, the same figure on every page, export and the API."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from drafting.calls import services as call_services
from drafting.calls.models import EvidenceKind
from drafting.core.timeutil import utcnow
from drafting.reviews import services
from drafting.reviews.models import Rating
from drafting.reviews.queries import dashboard, review_summary
from drafting.reviews.scores import Rated, aggregate, format_score
from tests.calls.factories import make_application, make_call
from tests.support.factories import make_user

WEIGHTS = [1, 3, 1, 2]  # R1..R4, as in the issue


def _weights(ids):
    return dict(zip(ids, WEIGHTS, strict=True))


def test_partial_ratings_use_each_requirement_mean():
    # reviewer 1 rated only R2 (10); reviewer 2 rated R1-R3 (2/4/2); nobody rated R4.
    ratings = [Rated(1, 2, 10), Rated(2, 1, 2), Rated(2, 2, 4), Rated(2, 3, 2)]
    score = aggregate(ratings, _weights([1, 2, 3, 4]))
    # R1 2, R2 (10 + 4) / 2 = 7, R3 2: (2*1 + 7*3 + 2*1) / 5 = 5.0, not the 6.60 of
    # averaging the two reviewers' own totals (10.00 and 3.20).
    assert score.value == pytest.approx(5.0)
    assert format_score(score.value) == "5.00"
    assert [score.rated_by(r) for r in (1, 2, 3, 4)] == [1, 2, 1, 0]
    assert score.requirements[2].mean == pytest.approx(7)
    assert score.reviewers[1].score == pytest.approx(10) and score.reviewers[1].rated == 1
    assert score.reviewers[2].score == pytest.approx(3.2) and score.reviewers[2].rated == 3
    assert score.assessments == 4


def _same_name_ratings(a, b, c):
    """A and B share a name; B (rating after A) gave zeros everywhere."""
    return (
        [Rated(a, r, s) for r, s in zip((1, 2, 3, 4), (5, 8, 6, 5), strict=True)]
        + [Rated(b, r, 0) for r in (1, 2, 3, 4)]
        + [Rated(c, r, s) for r, s in zip((1, 2, 3, 4), (8, 8, 8, 5), strict=True)]
    )


def test_reviewers_are_keyed_by_id_not_name():
    score = aggregate(_same_name_ratings(10, 11, 12), _weights([1, 2, 3, 4]))
    assert format_score(score.value) == "4.52"  # 95 / 21
    assert set(score.reviewers) == {10, 11, 12}
    assert all(score.rated_by(r) == 3 for r in (1, 2, 3, 4))
    # Merged by name (B's zeros replacing A's ratings) the figure was 3.57.
    merged = aggregate(_same_name_ratings(10, 10, 12), _weights([1, 2, 3, 4]))
    assert format_score(merged.value) == "3.57"


def test_no_ratings_and_weightless_requirements():
    assert aggregate([], {1: 1}).value is None
    assert format_score(None) == "–"
    assert aggregate([Rated(1, 1, 7)], {1: 0}).value is None
    # A rating of a requirement unknown to the weights counts with weight 1.
    assert aggregate([Rated(1, 9, 6)], {}).value == pytest.approx(6)


# --- the same figure everywhere ------------------------------------------------


@pytest.fixture
def scored(db, sec):
    """The issue's call: four requirements weighing 1, 3, 1, 2 and two reviewers."""
    call = make_call(actor=sec, state="draft")
    call_services.add_requirement(
        call, text="具有检测能力", evidence=EvidenceKind.STATEMENT, weight=2, actor=sec
    )
    for r, w in zip(call.requirements, WEIGHTS, strict=True):
        r.weight = w
    call.published_at, call.state = utcnow(), "published"
    db.session.flush()
    application = make_application(call, submit=True)
    r1, r2, r3, _r4 = call.requirements
    first = make_user("reviewer", name="张伟")
    second = make_user("reviewer", name="李娜")
    for reviewer in (first, second):
        services.assign_reviewer(call, reviewer, actor=sec)

    def rate(reviewer, requirement, score):
        services.save_assessment(
            application,
            requirement.id,
            rating=Rating.MET,
            score=score,
            reason="",
            reviewer=reviewer,
        )

    rate(first, r2, 10)
    rate(second, r1, 2)
    rate(second, r2, 4)
    rate(second, r3, 2)
    db.session.commit()
    return call, application, rate


def _texts(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)


def test_every_page_export_and_the_api_agree(client, login_as, scored, sec):
    call, application, _rate = scored
    login_as(sec)
    review = client.get(f"/review/applications/{application.id}?lang=en").get_data(as_text=True)
    assert _texts(review, "aggregate") == ["5.00"]
    assert [t.split("·")[1].strip() for t in _texts(review, "requirement-score")] == [
        "rated by 1",
        "rated by 2",
        "rated by 1",
    ]
    dashboard_page = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    decisions_page = client.get(f"/review/calls/{call.id}/decisions").get_data(as_text=True)
    assert ">5.00<" in dashboard_page and ">5.00<" in decisions_page
    assert "6.60" not in review + dashboard_page + decisions_page

    body = client.get(f"/review/calls/{call.id}/export.csv?lang=en").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["Weighted score"] == "5.0"
    assert [rows[0][f"R{n} score (rated by)"] for n in (1, 2, 3, 4)] == [
        "2.00 (1)",
        "7.00 (2)",
        "2.00 (1)",
        "",
    ]
    xlsx = client.get(f"/review/calls/{call.id}/export.xlsx?lang=zh").data
    wb = load_workbook(io.BytesIO(xlsx))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("加权得分") + 1).value == 5.0
    assessments = wb.worksheets[1]
    means = [r[11] for r in assessments.iter_rows(min_row=2, values_only=True)]
    assert sorted(means) == ["2.00 (1)", "2.00 (1)", "7.00 (2)", "7.00 (2)"]

    r = client.get(f"/api/v1/applications/{application.id}/score")
    assert r.status_code == 200
    data = r.get_json()
    assert data["score"] == pytest.approx(5.0) and data["assessments"] == 4
    assert [x["rated_by"] for x in data["requirements"]] == [1, 2, 1, 0]
    assert data["requirements"][3]["mean"] is None
    assert {x["reviewer"]: x["rated"] for x in data["reviewers"]} == {"张伟": 1, "李娜": 3}
    listed = client.get(f"/api/v1/applications/{application.id}/assessments").get_json()
    assert all(isinstance(x["reviewer_id"], int) for x in listed)


def test_same_name_reviewer_is_shown_and_counted(client, login_as, db, sec):
    call = make_call(actor=sec, state="draft")
    call_services.add_requirement(
        call, text="具有检测能力", evidence=EvidenceKind.STATEMENT, weight=2, actor=sec
    )
    for r, w in zip(call.requirements, WEIGHTS, strict=True):
        r.weight = w
    call.published_at, call.state = utcnow(), "published"
    db.session.flush()
    application = make_application(call, submit=True)
    a = make_user("reviewer", name="王强")
    b = make_user("reviewer", name="王强")
    c = make_user("reviewer", name="赵敏")
    for reviewer, scores in ((a, (5, 8, 6, 5)), (b, (0, 0, 0, 0)), (c, (8, 8, 8, 5))):
        services.assign_reviewer(call, reviewer, actor=sec)
        for requirement, score in zip(call.requirements, scores, strict=True):
            services.save_assessment(
                application,
                requirement.id,
                rating=Rating.MET,
                score=score,
                reason="",
                reviewer=reviewer,
            )
    db.session.commit()
    summary = review_summary(application, sec)
    assert format_score(summary.aggregate) == "4.52"
    assert set(summary.scores.reviewers) == {a.id, b.id, c.id}
    rows, _counts = dashboard(sec, call)
    assert format_score(rows[0].score) == "4.52" and rows[0].assessments == 12
    login_as(sec)
    page = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert _texts(page, "aggregate") == ["4.52"]
    badges = _texts(page, "reviewer-score")
    assert len(badges) == 3 and sum("王强" in x for x in badges) == 2
    assert any("0.00" in x for x in badges)
    data = client.get(f"/api/v1/applications/{application.id}/score").get_json()
    assert round(data["score"], 2) == 4.52 and len(data["reviewers"]) == 3

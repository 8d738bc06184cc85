"""Review: reviewers, dashboard, assessments, returns, decisions, groups and exports."""

import csv
import io
import zipfile

import pytest
from flask_babel import force_locale
from flask_login import AnonymousUserMixin
from openpyxl import load_workbook

from drafting.applications.models import Application
from drafting.applications.models import ApplicationState as S
from drafting.audit.models import AuditEntry
from drafting.calls.models import CallState
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.documents.models import StandardDocument
from drafting.groups.models import GroupRole
from drafting.reviews import permissions, services
from drafting.reviews.models import Outcome, Rating
from drafting.reviews.queries import review_summary
from tests.calls.factories import close_call, make_application, make_call
from tests.support.factories import make_user


@pytest.fixture
def world(db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    reviewer = make_user("reviewer")
    services.assign_reviewer(call, reviewer, actor=sec)
    own = make_user("reviewer", org=application.organization)
    services.assign_reviewer(call, own, actor=sec)
    return {
        "call": call,
        "application": application,
        "anonymous": AnonymousUserMixin(),
        "member": application.organization.users[0],
        "other_member": make_user("member"),
        "reviewer_assigned": reviewer,
        "reviewer_unassigned": make_user("reviewer"),
        "reviewer_own_org": own,
        "secretariat": sec,
    }


@pytest.mark.parametrize(
    "who,review_call,assess,manage",
    [
        ("anonymous", False, False, False),
        ("member", False, False, False),
        ("other_member", False, False, False),
        ("reviewer_assigned", True, True, False),
        ("reviewer_unassigned", False, False, False),
        ("reviewer_own_org", True, False, False),
        ("secretariat", True, True, True),
    ],
)
def test_review_permissions(world, who, review_call, assess, manage):
    user = world[who]
    assert permissions.can_review_call(user, world["call"]) is review_call
    assert permissions.can_assess(user, world["application"]) is assess
    assert permissions.can_manage_reviews(user) is manage


def test_only_reviewers_can_be_assigned(db, world, sec):
    with pytest.raises(ServiceError):
        services.assign_reviewer(world["call"], world["member"], actor=sec)
    services.unassign_reviewer(world["call"], world["reviewer_assigned"], actor=sec)
    with pytest.raises(Refused):
        services.unassign_reviewer(world["call"], world["reviewer_assigned"], actor=sec)


def test_assessments_aggregate_and_spread(db, world, sec):
    application, call = world["application"], world["call"]
    r1, r2, r3 = call.requirements  # weights 2, 1, 1
    reviewer = world["reviewer_assigned"]
    services.save_assessment(
        application, r1.id, rating=Rating.MET, score=10, reason="好", reviewer=reviewer
    )
    assert application.state == S.UNDER_REVIEW
    services.save_assessment(
        application, r2.id, rating=Rating.PARTLY_MET, score=4, reason="", reviewer=reviewer
    )
    services.save_assessment(
        application, r1.id, rating=Rating.NOT_MET, score=4, reason="", reviewer=sec
    )
    summary = review_summary(application, reviewer)
    # reviewer's own: (10*2 + 4*1) / 3 = 8; secretariat's: 4
    # aggregate: R1 mean (10 + 4) / 2 = 7, R2 4 -> (7*2 + 4*1) / 3 = 6
    assert summary.scores.reviewers[reviewer.id].score == pytest.approx(8)
    assert summary.aggregate == pytest.approx(6) and summary.spread == pytest.approx(4)
    assert summary.scores.requirements[r1.id].spread == 6
    assert summary.scores.rated_by(r1.id) == 2 and summary.scores.rated_by(r3.id) == 0
    with pytest.raises(ServiceError):
        services.save_assessment(
            application, r1.id, rating=Rating.MET, score=11, reason="", reviewer=reviewer
        )
    with pytest.raises(NotAllowed):
        services.save_assessment(
            application,
            r1.id,
            rating=Rating.MET,
            score=5,
            reason="",
            reviewer=world["reviewer_own_org"],
        )


def test_return_for_changes_mails_applicant(client, login_as, db, world, mailbox):
    login_as(world["secretariat"])
    application = world["application"]
    r = client.post(f"/review/applications/{application.id}/return", data={"message": ""})
    assert r.status_code == 422
    r = client.post(
        f"/review/applications/{application.id}/return", data={"message": "请补充营业执照"}
    )
    assert r.status_code == 302
    db.session.expire_all()  # the request ran in its own session
    assert application.state == S.RETURNED
    mail = mailbox.wait_for(world["member"].email)
    assert "请补充营业执照" in mail[0].get_body().get_content()


def _decide_all(db, call, sec, outcome_for):
    for application in db.session.query(Application).filter_by(call_id=call.id):
        if application.state in (S.SUBMITTED, S.UNDER_REVIEW):
            for s in application.standards:
                services.set_decision(
                    application,
                    s.standard_id,
                    outcome_for(application, s),
                    reason="理由",
                    actor=sec,
                )


def test_publish_decisions_forms_groups_and_mails(client, login_as, db, world, mailbox):
    call, sec = world["call"], world["secretariat"]
    a1 = world["application"]
    a2 = make_application(call, submit=True)
    a3 = make_application(call, submit=True)
    draft = make_application(call)
    with pytest.raises(Refused):  # still open
        services.publish_decisions(call, actor=sec)
    close_call(call)
    with pytest.raises(Refused) as exc:
        services.publish_decisions(call, actor=sec)
    assert exc.value.code == "undecided" and len(exc.value.details) == 6

    def outcome(application, s):
        if application.id == a1.id:
            return Outcome.MAIN if s.role == GroupRole.MAIN else Outcome.PARTICIPATING
        if application.id == a2.id:
            return Outcome.MAIN if s.role == GroupRole.MAIN else Outcome.REJECTED
        return Outcome.REJECTED

    _decide_all(db, call, sec, outcome)
    warnings = services.capacity_warnings(call)
    assert len(warnings) == 1  # standard 1 takes one main unit and got two
    with pytest.raises(ServiceError):
        services.set_decision(draft, call.standards[0].id, Outcome.MAIN, actor=sec)
    db.session.commit()
    login_as(sec)
    page = client.get(f"/review/calls/{call.id}/decisions").get_data(as_text=True)
    assert 'data-testid="capacity-override"' in page
    # over capacity: refused, naming the standard, until the secretariat overrides
    r = client.post(f"/review/calls/{call.id}/decisions/publish", follow_redirects=True)
    assert "Too many main drafting units for “团体标准1”" in r.get_data(as_text=True)
    db.session.expire_all()
    assert call.state == CallState.PUBLISHED and a1.state == S.SUBMITTED
    r = client.post(
        f"/review/calls/{call.id}/decisions/publish",
        data={"override_capacity": "1", "override_reason": "两家单位联合主编，经理事会同意"},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    assert (a1.state, a2.state, a3.state) == (S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED)
    [override] = db.session.scalars(
        db.select(AuditEntry).filter_by(action="call.capacity_overridden", object_id=call.id)
    ).all()
    assert override.actor_id == sec.id
    assert override.details["reason"] == "两家单位联合主编，经理事会同意"
    assert override.details["standards"] == [
        {"standard_id": call.standards[0].id, "title": "团体标准1", "main": 2, "capacity": 1}
    ]
    assert call.state == CallState.DECIDED and draft.state == S.DRAFT
    group = call.standards[0].drafting_group
    assert {m.organization_id: m.role for m in group.memberships} == {
        a1.organization_id: GroupRole.MAIN,
        a2.organization_id: GroupRole.MAIN,
    }
    assert {m.organization_id for m in call.standards[1].drafting_group.memberships} == {
        a1.organization_id
    }
    mail = mailbox.wait_for(a3.organization.users[0].email)
    assert call.title in mail[0]["Subject"]
    # the company sees its decisions
    login_as(world["member"])
    page = client.get(f"/applications/{a1.id}").get_data(as_text=True)
    assert "Main drafting unit" in page and 'data-testid="decision"' in page
    # the secretariat changes the group afterwards, on its document's group page
    # (the one page that manages a group; the call's tab lists them and links there)
    login_as(sec)
    assert client.post(f"/review/calls/{call.id}/groups").status_code == 405
    # No planned number, so no document yet: the overview offers to create it, in this group.
    assert (
        db.session.scalar(db.select(StandardDocument).filter_by(drafting_group_id=group.id)) is None
    )
    overview = client.get(f"/review/calls/{call.id}/groups").get_data(as_text=True)
    assert f"/documents/new?group={group.id}" in overview
    form = client.get(f"/documents/new?group={group.id}&title=团体标准1").get_data(as_text=True)
    assert f'<option selected value="{group.id}">' in form and 'value="团体标准1"' in form
    r = client.post(
        "/documents/new",
        data={"number": "T/TEST 1—2026", "title_zh": "团体标准1", "group_id": group.id},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    document = db.session.scalar(db.select(StandardDocument).filter_by(drafting_group_id=group.id))
    overview = client.get(f"/review/calls/{call.id}/groups").get_data(as_text=True)
    assert f'href="/documents/{document.id}/group"' in overview
    r = client.post(f"/documents/{document.id}/group", data={"remove_org": a2.organization_id})
    assert r.status_code == 302
    db.session.expire_all()
    assert {m.organization_id for m in group.memberships} == {a1.organization_id}
    r = client.post(
        f"/documents/{document.id}/group",
        data={"m-organization_id": a3.organization_id, "m-role": "participating"},
    )
    db.session.expire_all()
    assert r.status_code == 302 and len(group.memberships) == 2
    page = client.get(f"/review/calls/{call.id}/groups").get_data(as_text=True)
    assert a3.organization.name in page and "Participating unit" in page


# --- pages and access -------------------------------------------------------


@pytest.mark.parametrize(
    "who,dashboard,review",
    [
        ("anonymous", 302, 302),
        ("member", 403, 302),
        ("other_member", 403, 404),
        ("reviewer_assigned", 200, 200),
        ("reviewer_unassigned", 403, 404),
        ("reviewer_own_org", 200, 404),
        ("secretariat", 200, 200),
    ],
)
def test_review_pages_access(client, login_as, world, who, dashboard, review):
    if who != "anonymous":
        login_as(world[who])
    call, application = world["call"], world["application"]
    assert client.get(f"/review/calls/{call.id}").status_code == dashboard
    assert client.get(f"/review/applications/{application.id}").status_code == review


def test_reviewer_own_org_excluded_from_dashboard(client, login_as, world):
    login_as(world["reviewer_own_org"])
    body = client.get(f"/review/calls/{world['call'].id}").get_data(as_text=True)
    assert world["application"].organization.name not in body
    login_as(world["reviewer_assigned"])
    body = client.get(f"/review/calls/{world['call'].id}").get_data(as_text=True)
    assert world["application"].organization.name in body


@pytest.mark.parametrize(
    "path", ["reviewers", "decisions", "groups", "export.xlsx", "export.csv", "evidence.zip"]
)
@pytest.mark.parametrize(
    "who,expected",
    [("anonymous", 302), ("member", 403), ("reviewer_assigned", 403), ("secretariat", 200)],
)
def test_secretariat_only_pages(client, login_as, world, path, who, expected):
    if who != "anonymous":
        login_as(world[who])
    assert client.get(f"/review/calls/{world['call'].id}/{path}").status_code == expected


def test_review_page_shows_pdf_inline_and_saves_assessment(client, login_as, world):
    login_as(world["reviewer_assigned"])
    application = world["application"]
    body = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert "<iframe" in body and "inline=1" in body
    r1 = world["call"].requirements[0]
    r = client.post(
        f"/review/applications/{application.id}/assessments",
        data={f"rating-{r1.id}": "met", f"score-{r1.id}": "8", f"reason-{r1.id}": "齐全"},
    )
    assert r.status_code == 302
    r = client.post(
        f"/review/applications/{application.id}/assessments",
        data={f"rating-{r1.id}": "met", f"score-{r1.id}": "x"},
    )
    assert r.status_code == 422
    r = client.post(f"/review/applications/{application.id}/assessments", data={})
    assert r.status_code == 422


def test_assign_reviewer_page(client, login_as, world):
    login_as(world["secretariat"])
    new = make_user("reviewer")
    r = client.post(f"/review/calls/{world['call'].id}/reviewers", data={"user_id": new.id})
    assert r.status_code == 302 and permissions.can_review_call(new, world["call"])


def test_exports(client, login_as, world, db):
    login_as(world["secretariat"])
    call, application = world["call"], world["application"]
    application.organization.name = '=HYPERLINK("x")绿能'
    services.save_assessment(
        application,
        call.requirements[0].id,
        rating=Rating.MET,
        score=9,
        reason="好",
        reviewer=world["reviewer_assigned"],
    )
    db.session.commit()
    r = client.get(f"/review/calls/{call.id}/export.csv")
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")  # no formula injection
    r = client.get(f"/review/calls/{call.id}/export.csv?what=assessments")
    assert "好" in r.data.decode("utf-8-sig")
    wb = load_workbook(io.BytesIO(client.get(f"/review/calls/{call.id}/export.xlsx").data))
    applications, assessments = wb.worksheets[:2]
    assert applications.max_row == 2 and assessments.max_row == 2
    zf = zipfile.ZipFile(io.BytesIO(client.get(f"/review/calls/{call.id}/evidence.zip").data))
    names = zf.namelist()
    assert names and all("/" in n and ".." not in n and not n.startswith("/") for n in names)
    assert names[0].endswith("资质证书.pdf")


# --- bounded queries ----------------------------------------------------------


def _count(client, query_counter, url):
    with query_counter() as statements:
        r = client.get(url)
    assert r.status_code == 200
    return len(statements)


def test_dashboard_and_review_queries_bounded(client, login_as, db, sec, query_counter):
    call = make_call(actor=sec)
    reviewer = make_user("reviewer")
    services.assign_reviewer(call, reviewer, actor=sec)
    apps = [make_application(call, submit=True) for _ in range(5)]
    for a in apps:
        services.save_assessment(
            a, call.requirements[0].id, rating=Rating.MET, score=7, reason="", reviewer=reviewer
        )
    db.session.commit()
    login_as(sec)
    few = _count(client, query_counter, f"/review/calls/{call.id}")
    few_review = _count(client, query_counter, f"/review/applications/{apps[0].id}")
    few_decisions = _count(client, query_counter, f"/review/calls/{call.id}/decisions")
    more = [make_application(call, submit=True) for _ in range(45)]
    for a in more:
        services.save_assessment(
            a, call.requirements[0].id, rating=Rating.MET, score=7, reason="", reviewer=reviewer
        )
        services.save_assessment(
            a, call.requirements[1].id, rating=Rating.MET, score=7, reason="", reviewer=sec
        )
    db.session.commit()
    assert _count(client, query_counter, f"/review/calls/{call.id}") == few
    assert _count(client, query_counter, f"/review/applications/{more[-1].id}") == few_review
    assert _count(client, query_counter, f"/review/calls/{call.id}/decisions") == few_decisions
    assert few <= 15


def _over_capacity_call(db, world):
    call, sec = world["call"], world["secretariat"]
    a2 = make_application(call, submit=True)
    close_call(call)

    def outcome(application, s):
        return Outcome.MAIN if s.role == GroupRole.MAIN else Outcome.PARTICIPATING

    _decide_all(db, call, sec, outcome)
    return call, sec, a2


def test_publishing_over_capacity_is_refused_unless_overridden_with_a_reason(db, world):
    call, sec, _a2 = _over_capacity_call(db, world)
    assert services.over_capacity(call) == [(call.standards[0], 2)]
    with pytest.raises(Refused) as refused:
        services.publish_decisions(call, actor=sec)
    assert refused.value.code == "over_capacity"
    assert "“团体标准1”" in refused.value.message and "团体标准2" not in refused.value.message
    assert refused.value.details == ["“团体标准1” has 2 main drafting units but takes 1."]
    with force_locale("zh"), pytest.raises(Refused) as refused:
        services.publish_decisions(call, actor=sec)
    assert refused.value.message.startswith("“团体标准1”的主要起草单位超过名额")
    with pytest.raises(ServiceError) as no_reason:
        services.publish_decisions(call, actor=sec, override_capacity=True, reason="  ")
    assert no_reason.value.code == "reason_required"
    assert call.state == CallState.PUBLISHED
    services.publish_decisions(call, actor=sec, override_capacity=True, reason="理事会同意")
    assert call.state == CallState.DECIDED


def test_the_api_refuses_over_capacity_and_accepts_the_override(client, login_as, db, world):
    call, sec, _a2 = _over_capacity_call(db, world)
    db.session.commit()
    login_as(sec)
    url = f"/api/v1/calls/{call.id}/decisions/publish"
    r = client.post(url)
    assert r.status_code == 409 and r.json["error"] == "over_capacity"
    assert "团体标准1" in r.json["message"]
    r = client.post(url, json={"override_capacity": True})
    assert r.status_code == 422 and r.json["error"] == "reason_required"
    r = client.post(url, json={"override_capacity": True, "reason": "理事会同意"})
    assert r.status_code == 200 and r.json == {"published": 2}


def test_publishing_decisions_creates_each_standards_document(db, world):
    call, sec = world["call"], world["secretariat"]
    close_call(call)
    first, second = call.standards
    first.planned_number = "T/CESA 1401—2026"
    second.planned_number = "T/CESA 1402—2026"

    def outcome(application, s):
        if s.standard_id == second.id:
            return Outcome.REJECTED  # nobody writes the second one
        return Outcome.MAIN

    _decide_all(db, call, sec, outcome)
    services.publish_decisions(call, actor=sec)

    documents = db.session.scalars(db.select(StandardDocument)).all()
    [document] = [d for d in documents if d.drafting_group_id == first.drafting_group_id]
    assert (document.number, document.title_zh, document.title_en) == (
        "T/CESA 1401—2026",
        "团体标准1",
        "Standard 1",
    )
    assert document.head_revision.number == 1
    assert not [d for d in documents if d.number == "T/CESA 1402—2026"]
    [created] = db.session.scalars(
        db.select(AuditEntry).filter_by(action="document.created", object_id=document.id)
    ).all()
    assert created.actor_id == sec.id

"""The dashboard page's column queries give what the ORM-based `dashboard()`
(exports, decisions) gives, for every filter and sort, and the page shows it."""

from __future__ import annotations

import pytest

from drafting.applications import services as app_services
from drafting.calls import services as call_services
from drafting.calls.models import EvidenceKind
from drafting.calls.queries import load_call
from drafting.groups.models import GroupRole
from drafting.reviews import services
from drafting.reviews.models import Rating
from drafting.reviews.queries import SORTS, dashboard, dashboard_page
from tests.calls.factories import make_application, make_call
from tests.support.factories import make_user


@pytest.fixture
def busy_call(db, sec):
    call = make_call(state="draft", actor=sec, standards=3)
    # One requirement limited to the third standard: it is missing only from
    # the applications that chose that standard.
    call_services.add_requirement(
        call,
        text="只对第三项标准",
        mandatory=True,
        evidence=EvidenceKind.FILE,
        weight=3,
        standard_ids=[call.standards[2].id],
        actor=sec,
    )
    call_services.publish(call, actor=sec)
    reviewer = make_user("reviewer")
    services.assign_reviewer(call, reviewer, actor=sec)
    apps = []
    for i in range(10):
        complete = i % 3 != 2
        a = make_application(call, complete=complete, submit=complete and i % 2 == 1)
        if a.submitted_at is None and i % 4 == 0:
            app_services.update_details(
                a,
                actor=a.organization.users[0],
                standards={
                    call.standards[0].id: GroupRole.PARTICIPATING,
                    call.standards[2].id: GroupRole.MAIN,
                },
            )
        apps.append(a)
    for i, a in enumerate(apps[1:], 1):
        if a.submitted_at is not None:
            services.save_assessment(
                a, call.requirements[0].id, rating=Rating.MET, score=i, reason="", reviewer=reviewer
            )
    db.session.commit()
    return call, reviewer


def _old(rows):
    return [
        (
            r.application.id,
            r.application.state,
            r.application.organization.name,
            [(s.standard_id, s.role.value) for s in r.application.standards],
            [m.position + 1 for m in r.missing],
            r.score,
        )
        for r in rows
    ]


def _new(rows):
    return [(r.id, r.state, r.organization, r.standards, r.missing, r.score) for r in rows]


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_page_rows_are_the_dashboards(db, sec, busy_call, sort):
    call, reviewer = busy_call
    call = load_call(call.id)
    for user in (sec, reviewer):
        for filters in (
            {},
            {"state": "submitted"},
            {"standard_id": call.standards[2].id},
            {"role": "main"},
            {"standard_id": call.standards[0].id, "role": "participating"},
        ):
            old_rows, old_counts = dashboard(user, call, sort=sort, **filters)
            new_rows, new_counts = dashboard_page(user, call, sort=sort, **filters)
            assert new_counts == old_counts
            if sort in ("organization", "submitted", "score"):
                assert _new(new_rows) == _old(old_rows)  # same order too
            else:  # ties may come in another order
                assert sorted(_new(new_rows), key=repr) == sorted(_old(old_rows), key=repr)
    rows = dashboard_page(sec, call)[0]
    # The limited requirement (no. 4) is missing only where the third standard was chosen.
    third = call.standards[2].id
    assert any(4 in r.missing for r in rows) and any(r.missing and 4 not in r.missing for r in rows)
    assert all(any(s == third for s, _ in r.standards) for r in rows if 4 in r.missing)


def test_page_shows_the_rows(client, login_as, db, sec, busy_call):
    call, _reviewer = busy_call
    login_as(sec)
    rows, _counts = dashboard_page(sec, call)
    body = client.get(f"/review/calls/{call.id}").get_data(as_text=True)
    for row in rows:
        assert f'href="/review/applications/{row.id}"' in body
        assert row.organization in body
    assert "Main drafting unit" in body and "Submitted" in body
    zh = client.get(f"/review/calls/{call.id}", headers={"Accept-Language": "zh-CN"})
    text = zh.get_data(as_text=True)
    assert "主要起草单位" in text and "Main drafting unit" not in text

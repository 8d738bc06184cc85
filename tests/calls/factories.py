"""Factories for calls, applications and reviews (shared by tests/calls, applications, reviews)."""

from __future__ import annotations

from datetime import timedelta

from drafting.applications import services as app_services
from drafting.applications.models import Application
from drafting.calls import services as call_services
from drafting.calls.models import Call, EvidenceKind
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.groups.models import GroupRole
from tests.support.factories import make_org, make_user

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_call(
    *,
    state: str = "published",
    standards: int = 2,
    opens_in_days: float = -1,
    closes_in_days: float = 14,
    actor=None,
    title: str = "关于征集团体标准起草单位的通知",
) -> Call:
    actor = actor or make_user("secretariat")
    now = utcnow()
    call = call_services.create_call(
        title=title,
        notice="## 申报要求\n\n行业相关企事业单位。<script>alert(1)</script>",
        issuing_body="动力电池回收利用产业联盟",
        contact="秘书处",
        opens_at=now + timedelta(days=opens_in_days),
        closes_at=now + timedelta(days=closes_in_days),
        actor=actor,
    )
    for i in range(standards):
        call_services.add_standard(
            call,
            title_zh=f"团体标准{i + 1}",
            title_en=f"Standard {i + 1}",
            main_capacity=1,
            actor=actor,
        )
    call_services.add_requirement(
        call,
        text="行业相关企事业单位",
        mandatory=True,
        evidence=EvidenceKind.BOTH,
        weight=2,
        actor=actor,
    )
    call_services.add_requirement(
        call,
        text="具备一定技术能力和实力",
        mandatory=True,
        evidence=EvidenceKind.STATEMENT,
        weight=1,
        actor=actor,
    )
    call_services.add_requirement(
        call,
        text="具有一定标准制定工作经验",
        mandatory=False,
        evidence=EvidenceKind.FILE,
        weight=1,
        actor=actor,
    )
    if state != "draft":
        call.published_at = now
        call.state = "published"
        db.session.flush()
    return call


def make_application(
    call: Call, *, org=None, user=None, complete: bool = True, submit: bool = False
) -> Application:
    """An application (draft by default) by a new organization, or `org`."""
    org = org or (user.organization if user else make_org())
    user = user or make_user("member", org=org)
    application = app_services.start_application(call, org, actor=user)
    app_services.update_details(
        application,
        actor=user,
        standards={
            call.standards[0].id: GroupRole.MAIN,
            **({call.standards[1].id: GroupRole.PARTICIPATING} if len(call.standards) > 1 else {}),
        },
    )
    if complete:
        for r in call.requirements:
            if r.needs_statement:
                app_services.save_answer(
                    application, r.id, f"说明 {r.position}", base_version=0, actor=user
                )
            if r.needs_file and r.mandatory:
                app_services.add_attachment(
                    application, r.id, filename="资质证书.pdf", data=PDF, actor=user
                )
    if submit:
        app_services.submit(application, actor=user)
    return application


def close_call(call: Call) -> None:
    """Move the deadline into the past, as if time had passed."""
    call.opens_at = utcnow() - timedelta(days=30)
    call.closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()

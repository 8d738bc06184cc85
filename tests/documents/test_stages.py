"""The stage machine: the table, unresolved comments, the checks gate and its override."""

import pytest
from flask_babel import force_locale

from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.documents import services, signals
from drafting.documents.models import StageChange
from drafting.documents.states import TRANSITIONS, DocumentStage
from tests.documents.factories import TEXT

ALL = list(DocumentStage)


@pytest.mark.parametrize("old", ALL)
@pytest.mark.parametrize("new", ALL)
def test_every_transition(world, doc, old, new):
    doc.stage = old
    if new == DocumentStage.PUBLISHED and new in TRANSITIONS[old]:
        # Publishing needs its dates: drafting.approval refuses a plain move (tests/approval).
        with pytest.raises(Refused) as exc:
            services.transition(doc, new, actor=world.main_editor)
        assert exc.value.code == "publication_dates_required"
    elif new in TRANSITIONS[old]:
        if new == DocumentStage.DRAFT_FOR_APPROVAL:
            # The ballot gate (tests/ballots) wants a passed ballot: the secretariat overrides it.
            change = services.transition(
                doc, new, actor=world.secretariat, override_checks=True, reason="会议审查通过"
            )
        else:
            change = services.transition(doc, new, actor=world.main_editor)
        assert doc.stage == new
        assert change.revision_id == doc.head_revision_id and change.from_stage == old
    else:
        with pytest.raises(Refused) as exc:
            services.transition(doc, new, actor=world.main_editor)
        assert exc.value.code == "transition_not_allowed"
        assert doc.stage == old


def test_published_has_no_way_out():
    assert TRANSITIONS[DocumentStage.PUBLISHED] == ()


def test_unknown_stage(world, doc):
    with pytest.raises(ServiceError):
        services.transition(doc, "finished", actor=world.secretariat)


def test_each_move_tags_the_revision(world, doc, db):
    services.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.main_editor)
    services.save_revision(
        doc, TEXT + "\n补充。\n", doc.head_revision_id, "", actor=world.main_editor
    )
    services.transition(doc, DocumentStage.DRAFT_FOR_REVIEW, actor=world.main_editor)
    changes = (
        db.session.query(StageChange).filter_by(document_id=doc.id).order_by(StageChange.id).all()
    )
    assert [c.revision.number for c in changes] == [1, 2]
    assert changes[1].revision.stage_changes == [changes[1]]


def test_unresolved_comments_block_leaving_the_comment_stage(world, doc):
    doc.stage = DocumentStage.DRAFT_FOR_COMMENTS
    c1 = services.add_comment(
        doc, revision=doc.head_revision, body="一", clause="4.1", actor=world.outsider
    )
    c2 = services.add_comment(doc, revision=doc.head_revision, body="二", actor=world.participant)
    services.reply(c1, body="回复", actor=world.main_editor)
    for target in (DocumentStage.DRAFT_FOR_REVIEW, DocumentStage.WORKING_DRAFT):
        with pytest.raises(Refused) as exc:
            services.transition(doc, target, actor=world.main_editor)
        assert exc.value.code == "unresolved_comments"
        assert [c["id"] for c in exc.value.details["comments"]] == [c1.id, c2.id]
    services.resolve_comment(c1, "accepted", reason="", actor=world.main_editor)
    services.resolve_comment(c2, "not_accepted", reason="不符合行业实际", actor=world.main_editor)
    services.transition(doc, DocumentStage.DRAFT_FOR_REVIEW, actor=world.main_editor)
    assert doc.stage == DocumentStage.DRAFT_FOR_REVIEW


def test_checks_gate_and_secretariat_override(world, doc):
    bad = TEXT.replace("[1]", "见[[9.9]]。\n\n[1]")
    services.save_revision(doc, bad, doc.head_revision_id, "", actor=world.main_editor)
    with pytest.raises(Refused) as exc:
        services.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.main_editor)
    assert exc.value.code == "checks_failed" and exc.value.details["findings"]
    with pytest.raises(NotAllowed):
        services.transition(
            doc,
            DocumentStage.DRAFT_FOR_COMMENTS,
            actor=world.main_editor,
            override_checks=True,
            reason="急",
        )
    with pytest.raises(ServiceError) as exc:
        services.transition(
            doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.secretariat, override_checks=True
        )
    assert exc.value.code == "reason_required"
    change = services.transition(
        doc,
        DocumentStage.DRAFT_FOR_COMMENTS,
        actor=world.secretariat,
        override_checks=True,
        reason="引用将在下一版修正",
    )
    assert change.checks_overridden and doc.stage == DocumentStage.DRAFT_FOR_COMMENTS
    # Moving back to rework the draft needs no clean checks.
    services.transition(doc, DocumentStage.WORKING_DRAFT, actor=world.main_editor)


def test_stage_page_and_move(client, login_as, world, doc, db):
    login_as(world.main_editor)
    page = client.get(f"/documents/{doc.id}/stage").get_data(as_text=True)
    assert 'data-testid="move-draft_for_comments"' in page
    r = client.post(f"/documents/{doc.id}/stage", data={"stage": "draft_for_comments"})
    assert r.status_code == 302
    services.add_comment(
        doc, revision=doc.head_revision, body="未处理的意见", actor=world.participant
    )
    db.session.commit()
    r = client.post(f"/documents/{doc.id}/stage", data={"stage": "draft_for_review"})
    assert r.status_code == 409
    assert "未处理的意见" in r.get_data(as_text=True) and 'data-testid="unresolved"' in r.get_data(
        as_text=True
    )
    login_as(world.participant)
    assert (
        client.post(f"/documents/{doc.id}/stage", data={"stage": "draft_for_review"}).status_code
        == 403
    )


def test_findings_of_a_refused_move_are_in_the_readers_language(world, doc):
    bad = TEXT.replace("[1]", "见[[9.9]]。\n\n[1]")
    services.save_revision(doc, bad, doc.head_revision_id, "", actor=world.main_editor)
    messages = {}
    for lang in ("zh", "en"):
        with force_locale(lang), pytest.raises(Refused) as exc:
            services.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.main_editor)
        messages[lang] = [f["message"] for f in exc.value.details["findings"]]
    assert messages["zh"] != messages["en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages["zh"][0])
    assert messages["en"][0].startswith("The reference")


def test_a_stage_moving_receiver_may_refuse_the_move(world, doc, db):
    seen = []

    def refuse(document, **kw):
        seen.append((document, kw))
        raise Refused("投票尚未结束。", code="ballot_open")

    signals.stage_moving.connect(refuse)
    try:
        with pytest.raises(Refused) as exc:
            services.transition(
                doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.main_editor, reason="r"
            )
    finally:
        signals.stage_moving.disconnect(refuse)
    assert exc.value.code == "ballot_open" and doc.stage == DocumentStage.WORKING_DRAFT
    ((document, kw),) = seen
    assert document is doc and kw == {
        "to": DocumentStage.DRAFT_FOR_COMMENTS,
        "actor": world.main_editor,
        "override": False,
        "reason": "r",
    }
    assert db.session.query(StageChange).filter_by(document_id=doc.id).count() == 0
    services.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.main_editor)
    assert doc.stage == DocumentStage.DRAFT_FOR_COMMENTS

"""The comparison's 征求意见稿 is the text the comments were made on, even when the
editors save their changes before the document leaves the comment stage."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from drafting.comparison import services as comparison
from drafting.documents import services
from drafting.documents.states import DocumentStage
from tests.documents.factories import TEXT, make_world

OLD = "回收企业应具备相应的处理能力。"
NEW = "回收企业应具备相应的处理能力，并保存记录不少于5年。"


def test_edits_made_in_the_comment_stage_are_compared(db):
    with time_machine.travel(datetime(2026, 3, 1, 2, 0, tzinfo=UTC), tick=False):
        w = make_world()
    doc = w.document
    with time_machine.travel(datetime(2026, 4, 1, 2, 0, tzinfo=UTC), tick=False):
        services.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=w.secretariat)
    sent_out = doc.head_revision
    assert OLD in TEXT and OLD in sent_out.text
    with time_machine.travel(datetime(2026, 4, 10, 2, 0, tzinfo=UTC), tick=False):
        accepted = services.add_comment(
            doc, revision=sent_out, clause="4.1", body="应规定记录保存期限。", actor=w.participant
        )
    with time_machine.travel(datetime(2026, 5, 1, 2, 0, tzinfo=UTC), tick=False):
        services.resolve_comment(accepted, "accepted", reason="补充保存期限", actor=w.main_editor)
        edited = services.save_revision(
            doc,
            sent_out.text.replace(OLD, NEW),
            doc.head_revision_id,
            "处理意见",
            actor=w.secretariat,
        ).revision
        services.transition(doc, DocumentStage.DRAFT_FOR_REVIEW, actor=w.secretariat)
    # A comment on the 送审稿 after the move (a ballot's) does not make it the 征求意见稿.
    with time_machine.travel(datetime(2026, 5, 10, 2, 0, tzinfo=UTC), tick=False):
        services.add_comment(doc, revision=edited, clause="4.1", body="同意。", actor=w.participant)

    old, new = comparison.default_revisions(doc)
    assert (old.id, new.id) == (sent_out.id, edited.id)
    rows = comparison.table_rows(doc, old, new)
    changed = {r.clause.number: r for r in rows}["4.1"]
    assert changed.clause.kind == "changed"
    assert [r.comment_id for r in changed.reasons] == [accepted.id]

"""A document that went through the comment period into the 送审稿, with a resolved comment."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import time_machine

from drafting.documents import services
from drafting.documents.states import DocumentStage
from tests.documents.factories import TEXT, make_world

#: The 送审稿: 4.1 says 宜 instead of 应, 4.2 removed, a new 4.2, a hostile sentence.
NEW_TEXT = (
    TEXT.replace("回收企业应具备相应的处理能力。", "回收企业宜具备相应的处理能力。")
    .replace("## 环境要求\n\n处理过程应符合环保要求。\n\n", "")
    .replace(
        "# 参考文献",
        "## 安全要求\n\n处理场所应配备消防设施。<script>alert(1)</script>\n\n# 参考文献",
    )
)


def comparison_world() -> SimpleNamespace:
    """Revision 1 in the working draft, 2 the 征求意见稿 (commented on), 3 the 送审稿."""
    with time_machine.travel(datetime(2026, 3, 1, 2, 0, tzinfo=UTC), tick=False):
        w = make_world()
    doc = w.document
    with time_machine.travel(datetime(2026, 4, 1, 2, 0, tzinfo=UTC), tick=False):
        services.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=w.secretariat)
        w.comment_revision = services.save_revision(
            doc,
            TEXT.replace("废旧电池", "废旧动力电池"),
            doc.head_revision_id,
            "征求意见稿",
            actor=w.secretariat,
        ).revision
        w.accepted = services.add_comment(
            doc,
            revision=w.comment_revision,
            clause="4.1",
            body="“应”过严，建议改为“宜”。",
            actor=w.participant,
        )
        w.rejected = services.add_comment(
            doc,
            revision=w.comment_revision,
            clause="4.1",
            body="建议删除本条。",
            actor=w.participant,
        )
        services.resolve_comment(
            w.accepted, "accepted", reason="改为推荐性条款", actor=w.main_editor
        )
        services.resolve_comment(w.rejected, "not_accepted", reason="本条必要", actor=w.main_editor)
        services.transition(doc, DocumentStage.DRAFT_FOR_REVIEW, actor=w.secretariat)
    with time_machine.travel(datetime(2026, 5, 20, 2, 0, tzinfo=UTC), tick=False):
        w.review_revision = services.save_revision(
            doc,
            NEW_TEXT.replace("废旧电池", "废旧动力电池"),
            doc.head_revision_id,
            "送审稿",
            actor=w.secretariat,
        ).revision
    return w

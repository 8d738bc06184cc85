"""The migration gives a document already out for comments the period it was having."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import select

from drafting import create_app
from drafting.consultation.models import Audience, CommentPeriod
from drafting.documents.models import Revision, StageChange, StandardDocument
from drafting.extensions import db
from drafting.groups.models import DraftingGroup
from tests.support import databases


def test_documents_in_the_comment_stage_get_their_period(tmp_path, smtp_sink):
    url = databases.fresh_database_url(tmp_path, "consult_migration")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(tmp_path / "u"),
            "EXPORT_DIR": str(tmp_path / "e"),
        }
    )
    try:
        with app.app_context():
            upgrade(revision="0007_speed")
            moved_at = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
            ends_at = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
            group = DraftingGroup(name="组")
            db.session.add(group)
            db.session.flush()
            docs = []
            for n, (stage, ends, public) in enumerate(
                [
                    ("draft_for_comments", ends_at, True),
                    ("draft_for_comments", None, False),
                    ("working_draft", None, False),
                ]
            ):
                d = StandardDocument(
                    number=f"T/CESA {100 + n}—2026",
                    title_zh="标准",
                    stage=stage,
                    drafting_group_id=group.id,
                    comment_period_ends_at=ends,
                    comments_public=public,
                )
                db.session.add(d)
                db.session.flush()
                rev = Revision(
                    document_id=d.id, number=1, text="# 范围", sha256="0" * 64, stage=stage
                )
                db.session.add(rev)
                db.session.flush()
                d.head_revision_id = rev.id
                if stage == "draft_for_comments":
                    db.session.add(
                        StageChange(
                            document_id=d.id,
                            from_stage="working_draft",
                            to_stage=stage,
                            revision_id=rev.id,
                            created_at=moved_at,
                        )
                    )
                docs.append((d.id, rev.id))
            db.session.commit()
            db.session.remove()
            upgrade(revision="heads")
            periods = {p.document_id: p for p in db.session.scalars(select(CommentPeriod))}
            assert set(periods) == {docs[0][0], docs[1][0]}
            first, second = periods[docs[0][0]], periods[docs[1][0]]
            assert (first.opens_at, first.closes_at, first.audience) == (
                moved_at,
                ends_at,
                Audience.PUBLIC,
            )
            assert first.revision_id == docs[0][1]
            assert second.closes_at == datetime(2026, 5, 31, 2, 0, tzinfo=UTC)
            assert second.audience == Audience.MEMBERS
            assert db.session.get(StandardDocument, docs[1][0]).comment_period_ends_at == (
                second.closes_at
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        databases.drop_database(url)

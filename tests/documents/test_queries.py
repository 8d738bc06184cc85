"""Pages issue a bounded number of queries, whatever the number of revisions and comments."""

import pytest

from drafting.documents import services
from tests.documents.factories import TEXT, make_document


def _grow(world, doc, n):
    for i in range(n):
        services.save_revision(
            doc, TEXT + f"\n补充{i}。\n", doc.head_revision_id, f"第{i}次", actor=world.main_editor
        )
        c = services.add_comment(
            doc, revision=doc.head_revision, clause="4.1", body=f"意见{i}", actor=world.participant
        )
        services.reply(c, body="回复", actor=world.main_editor)
        if i % 2:
            services.resolve_comment(c, "accepted", reason="", actor=world.main_editor)
    services.transition(doc, "draft_for_comments", actor=world.main_editor)


@pytest.mark.parametrize("page", ["", "/history", "/comments", "/stage", "/diff"])
def test_same_queries_for_5_and_50(client, login_as, world, db, query_counter, page):
    small = make_document(world.group, world.secretariat)
    large = make_document(world.group, world.secretariat)
    _grow(world, small, 5)
    _grow(world, large, 50)
    db.session.commit()
    login_as(world.main_editor)
    counts = []
    for doc in (small, large):
        client.get(f"/documents/{doc.id}{page}")  # warm caches (e.g. the user loader)
        with query_counter() as statements:
            r = client.get(f"/documents/{doc.id}{page}")
        assert r.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts

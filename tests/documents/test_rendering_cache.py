"""The rendering of a revision is cached by content and never goes stale."""

from drafting.documents import rendering, services


def test_same_revision_renders_once_and_new_text_renders_anew(app, db, world, monkeypatch):
    rendering.clear_cache()
    calls = []
    real = rendering.render

    def counting(text, **kw):
        calls.append(text)
        return real(text, **kw)

    monkeypatch.setattr(rendering, "render", counting)
    doc = world.document
    with app.test_request_context():
        first = rendering.rendered_revision(doc, doc.head_revision)
        again = rendering.rendered_revision(doc, doc.head_revision)
        assert again is first and len(calls) == 1

        services.save_revision(
            doc,
            doc.head_revision.text + "\n\n# 新增章\n\n新增内容。\n",
            base_revision_id=doc.head_revision.id,
            message="m",
            actor=world.secretariat,
        )
        db.session.flush()
        newer = rendering.rendered_revision(doc, doc.head_revision)
    assert len(calls) == 2
    assert "新增章" in newer.html and "新增章" not in first.html


def test_cache_is_bounded(app, db, world):
    rendering.clear_cache()
    doc = world.document
    with app.test_request_context():
        rendering.rendered_revision(doc, doc.head_revision)
    assert 0 < len(rendering._cache) <= rendering.CACHE_SIZE

"""The review page's cached part (issue 14).

What is the same for every reader of the review page (standards, answers,
files, every reviewer's assessments, the scores) is kept under the
application's and the call's `cache_tag`, which every change renews: a change
shows at once, the page reads the same as rendered without the cache, and
nothing of one reader (their own assessment in the form, CSRF tokens, flashed
messages) reaches another.
"""

from __future__ import annotations

import re

import pytest
from flask_login import login_user

from drafting.applications.models import Attachment
from drafting.calls import services as call_services
from drafting.core import pagecache
from drafting.reviews import services, views
from drafting.reviews.models import Rating
from tests.calls.factories import PDF, make_application, make_call
from tests.support.factories import make_user


@pytest.fixture
def fresh_cache(app):
    pagecache.store(app).clear()
    yield pagecache.store(app)
    pagecache.store(app).clear()


@pytest.fixture
def world(db, sec, fresh_cache):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    first, second = call.requirements[0], call.requirements[1]
    # An answer with markup and a line break, a file that is no PDF.
    answer = next(a for a in application.answers if a.requirement_id == second.id)
    answer.statement = '第一行\n第二行 <script>alert("x")</script>'
    application.attachments.append(
        Attachment(
            requirement_id=second.id,
            filename="说明<b>.docx",
            sha256=application.attachments[0].sha256,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            size=10,
        )
    )
    alice = make_user("reviewer", name="Alice Reviewer")
    bob = make_user("reviewer", name="Bob Reviewer")
    for reviewer in (alice, bob):
        services.assign_reviewer(call, reviewer, actor=sec)
    services.save_assessment(
        application, first.id, rating=Rating.MET, score=8, reason="Alice 的理由 <i>", reviewer=alice
    )
    services.save_assessment(
        application, first.id, rating=Rating.NOT_MET, score=3, reason="Bob 的理由", reviewer=bob
    )
    services.save_assessment(
        application, second.id, rating=Rating.PARTLY_MET, score=5, reason="", reviewer=bob
    )
    db.session.commit()
    return {"call": call, "application": application, "alice": alice, "bob": bob, "sec": sec}


def _client(app, user, flash: str | None = None):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        if flash:
            sess["_flashes"] = [("success", flash)]
    return client


def _csrf(body: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', body)) | set(
        re.findall(r'<meta name="csrf-token" content="([^"]+)"', body)
    )


def _without_csrf(body: str) -> str:
    body = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', body)
    return re.sub(r'<meta name="csrf-token" content="[^"]+"', '<meta name="csrf-token"', body)


def _form(body: str, requirement_id: int) -> tuple[str | None, str, str]:
    """The reader's own assessment in the form: rating checked, score, reason."""
    checked = re.search(rf'name="rating-{requirement_id}" value="(\w+)" checked', body)
    score = re.search(rf'name="score-{requirement_id}" value="([^"]*)"', body).group(1)
    reason = re.search(
        rf'<textarea id="reason-{requirement_id}"[^>]*>(.*?)</textarea>', body, re.S
    ).group(1)
    return (checked.group(1) if checked else None), score, reason


def test_page_reads_the_same_with_and_without_the_cache(app, world):
    application, call = world["application"], world["call"]
    url = f"/review/applications/{application.id}"
    for who in ("sec", "alice"):
        client = _client(app, world[who])
        app.config["PAGE_CACHE_ENABLED"] = False
        try:
            uncached = client.get(url).get_data(as_text=True)
        finally:
            app.config["PAGE_CACHE_ENABLED"] = True
        missed = client.get(url).get_data(as_text=True)
        hit = client.get(url).get_data(as_text=True)
        assert _without_csrf(missed) == _without_csrf(uncached) == _without_csrf(hit)
    key = f"review-page:{application.id}:{application.cache_tag}:{call.cache_tag}:en"
    assert pagecache.store(app).get(key) is not None
    # What the page shows, read from the cached page.
    for text in (
        "行业相关企事业单位",
        "第一行\n第二行 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;",
        "说明&lt;b&gt;.docx",
        "资质证书.pdf",
        "Alice Reviewer",
        "Bob 的理由",
        "Alice 的理由 &lt;i&gt;",
        "团体标准1",
    ):
        assert text in hit, text
    assert "<script>alert" not in hit and "<b>.docx" not in hit
    assert hit.count("<iframe") == 1  # the PDF only
    assert re.search(r'data-testid="aggregate">\d\.\d\d<', hit)
    assert hit.count('data-testid="reviewer-score"') == 2


def test_no_reader_gets_another_readers_part(app, world):
    application, call = world["application"], world["call"]
    first, second = call.requirements[0].id, call.requirements[1].id
    url = f"/review/applications/{application.id}"
    clients = {
        "alice": _client(app, world["alice"], flash="只给 Alice 的消息"),
        "bob": _client(app, world["bob"]),
        "sec": _client(app, world["sec"]),
    }
    pages = {who: c.get(url).get_data(as_text=True) for who, c in clients.items()}
    again = {who: c.get(url).get_data(as_text=True) for who, c in clients.items()}
    for page in (pages, again):
        assert _form(page["alice"], first) == ("met", "8", "Alice 的理由 &lt;i&gt;")
        assert _form(page["alice"], second) == (None, "", "")
        assert _form(page["bob"], first) == ("not_met", "3", "Bob 的理由")
        assert _form(page["bob"], second) == ("partly_met", "5", "")
        assert _form(page["sec"], first) == (None, "", "")
        # Every reader sees every reviewer's assessments in the column.
        for body in page.values():
            assert "Alice 的理由 &lt;i&gt;" in body and "Bob 的理由" in body
        assert "Return the application" in page["sec"]
        assert "Return the application" not in page["alice"] + page["bob"]
    assert "只给 Alice 的消息" in pages["alice"]
    assert "只给 Alice 的消息" not in pages["bob"] + pages["sec"] + again["alice"]
    tokens = {who: _csrf(body) for who, body in pages.items()}
    assert all(len(t) == 1 for t in tokens.values())
    assert len(set.union(*tokens.values())) == 3
    assert {who: _csrf(body) for who, body in again.items()} == tokens
    for who in ("alice", "bob"):
        assert world[who].name in pages[who]  # the user menu is each reader's own
    assert "Bob Reviewer</a>" not in pages["alice"] and "Alice Reviewer</a>" not in pages["bob"]


def test_a_change_shows_at_once(app, db, world):
    application, call, alice = world["application"], world["call"], world["alice"]
    first, second = call.requirements[0], call.requirements[1]
    url = f"/review/applications/{application.id}"
    client = _client(app, alice)

    def page() -> str:
        return client.get(url).get_data(as_text=True)

    assert "说明 0" in page()
    tag = application.cache_tag

    answer = next(a for a in application.answers if a.requirement_id == first.id)
    answer.statement = "改过的说明"
    db.session.commit()
    assert application.cache_tag != tag
    assert "改过的说明" in page() and "说明 0" not in page()

    attachment = next(f for f in application.attachments if f.requirement_id == second.id)
    attachment.filename = "改名的附件.docx"
    db.session.commit()
    assert "改名的附件.docx" in page()
    application.attachments.remove(attachment)
    db.session.commit()
    assert "改名的附件.docx" not in page()

    # An assessment: in the column, the scores and the reviewer's own form.
    services.save_assessment(
        application, second.id, rating=Rating.NOT_MET, score=1, reason="新的理由", reviewer=alice
    )
    db.session.commit()
    body = page()
    assert "新的理由" in body and _form(body, second.id) == ("not_met", "1", "新的理由")
    assert body.count('data-testid="requirement-score"') == 2

    # The reviewer's name, the organization's, a requirement's wording.
    alice.name = "Alice Renamed"
    db.session.commit()
    assert page().count("Alice Renamed") >= 3  # the menu, the column, the scores
    application.organization.name = "改名的单位"
    db.session.commit()
    assert "改名的单位" in page()
    call_services.update_requirement(call, first, actor=world["sec"], text="改过的要求")
    db.session.commit()
    assert "改过的要求" in page()

    # Returned for changes: no longer assessable, the form goes.
    services.return_for_changes(application, "请补充", actor=world["sec"])
    db.session.commit()
    body = page()
    assert 'name="rating-' not in body and "新的理由" in body


def test_a_hit_reads_the_application_row_only(app, db, world, query_counter):
    application, call, sec = world["application"], world["call"], world["sec"]
    url = f"/review/applications/{application.id}"
    client = _client(app, sec)
    with query_counter() as miss:
        assert client.get(url).status_code == 200
    with query_counter() as hit:
        assert client.get(url).status_code == 200
    assert len(hit) == 2 < len(miss)  # the user and the application (organization, call)
    # More assessments and files: the same numbers of queries.
    for r in call.requirements:
        services.save_assessment(
            application, r.id, rating=Rating.MET, score=6, reason="", reviewer=sec
        )
    application.attachments.append(
        Attachment(
            requirement_id=call.requirements[2].id,
            filename="更多.pdf",
            sha256=application.attachments[0].sha256,
            content_type="application/pdf",
            size=len(PDF),
        )
    )
    db.session.commit()
    with query_counter() as miss_again:
        assert "更多.pdf" in client.get(url).get_data(as_text=True)
    with query_counter() as hit_again:
        client.get(url)
    assert (len(miss_again), len(hit_again)) == (len(miss), len(hit))


def test_changes_rolled_back_are_never_stored_under_the_committed_key(app, db, world):
    """A page rendered with changes still pending (a form re-rendered after a
    refusal, then rolled back) stores them under a tag that is never committed."""
    application, sec = world["application"], world["sec"]
    first = world["call"].requirements[0]
    answer = next(a for a in application.answers if a.requirement_id == first.id)
    with app.test_request_context(f"/review/applications/{application.id}"):
        login_user(sec)
        answer.statement = "从未保存的说明"
        body, status = views._render_review(application, 422)
        assert status == 422 and "从未保存的说明" in body
        db.session.rollback()
    page = _client(app, sec).get(f"/review/applications/{application.id}")
    assert "说明 0" in page.get_data(as_text=True)
    assert "从未保存的说明" not in page.get_data(as_text=True)

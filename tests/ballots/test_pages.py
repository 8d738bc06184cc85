"""The ballot pages: the secretariat opens and closes, voters vote, the gate on the stage page."""

import time
from datetime import timedelta
from io import BytesIO
from urllib.parse import quote

from openpyxl import load_workbook

from drafting.ballots import queries, services
from drafting.ballots.states import BallotResult, Choice
from drafting.core.timeutil import to_local, utcnow
from drafting.documents import services as document_services
from drafting.documents.states import DocumentStage
from tests.ballots.factories import open_on
from tests.documents.factories import TEXT, add_image


def _closes_at(days=10):
    return to_local(utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_secretariat_opens_a_ballot_from_the_document(client, login_as, rw, db):
    login_as(rw.secretariat)
    page = client.get(f"/documents/{rw.document.id}/ballots")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="open-ballot"' in html and rw.voter_orgs[0].name in html
    r = client.post(
        f"/documents/{rw.document.id}/ballots",
        data={
            "revision": rw.document.head_revision_id,
            "closes_at": _closes_at(),
            "organizations": [o.id for o in rw.voter_orgs[:3]],
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    ballot = queries.latest_ballot(rw.document)
    assert r.headers["Location"].endswith(f"/ballots/{ballot.id}")
    assert len(ballot.voters) == 3
    # The tab on the document's pages.
    assert 'data-testid="tab-ballots"' in client.get(f"/documents/{rw.document.id}").get_data(
        as_text=True
    )


def test_open_form_errors_are_shown_not_500(client, login_as, rw):
    login_as(rw.secretariat)
    r = client.post(
        f"/documents/{rw.document.id}/ballots",
        data={"revision": "abc", "closes_at": "tomorrow", "organizations": ["x"]},
    )
    assert r.status_code == 422
    r = client.post(
        f"/documents/{rw.document.id}/ballots",
        data={
            "revision": rw.document.head_revision_id,
            "closes_at": _closes_at(),
            "organizations": [],
        },
    )
    assert r.status_code == 422 and "at least one organization" in r.get_data(as_text=True)


def test_open_refused_outside_the_draft_for_review(client, login_as, world):
    login_as(world.secretariat)
    page = client.get(f"/documents/{world.document.id}/ballots").get_data(as_text=True)
    assert 'data-testid="open-ballot"' not in page
    r = client.post(f"/documents/{world.document.id}/ballots", data={})
    assert r.status_code == 302


def test_voter_sees_the_revision_and_votes(client, login_as, rw, db):
    ballot = open_on(rw)
    db.session.commit()
    login_as(rw.voters[0])
    # The voter may not see the document's own pages, but sees the ballot with the text.
    assert client.get(f"/documents/{rw.document.id}").status_code == 404
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "回收企业应具备相应的处理能力" in page and 'data-testid="vote-form"' in page
    assert 'data-testid="votes"' not in page  # the others' votes are not shown to voters
    assert f"/ballots/{ballot.id}" in client.get("/ballots/").get_data(as_text=True)

    r = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "against", "reason": ""})
    assert r.status_code == 422 and "Give the reason for voting against" in r.get_data(as_text=True)
    r = client.post(
        f"/ballots/{ballot.id}/vote",
        data={"choice": "for_with_comments", "comments": "建议修改范围", "clause": "1"},
    )
    assert r.status_code == 302
    vote = queries.vote_of(ballot, rw.voter_orgs[0].id)
    assert vote.choice == Choice.FOR_WITH_COMMENTS and vote.clause == "1"
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert 'data-testid="my-vote"' in page and "Change the vote" in page
    r = client.post(
        f"/ballots/{ballot.id}/vote",
        data={"choice": "for_with_comments", "comments": "x", "clause": "99"},
    )
    assert r.status_code == 422 and "There is no clause 99" in r.get_data(as_text=True)
    r = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "maybe"})
    assert r.status_code == 422


def test_vote_page_in_chinese(client, login_as, rw, db):
    ballot = open_on(rw)
    db.session.commit()
    login_as(rw.voters[0])
    page = client.get(f"/ballots/{ballot.id}", headers={"Accept-Language": "zh"}).get_data(
        as_text=True
    )
    assert "赞成，有修改意见" in page and "弃权" in page
    r = client.post(
        f"/ballots/{ballot.id}/vote",
        data={"choice": "against"},
        headers={"Accept-Language": "zh"},
    )
    assert r.status_code == 422 and "请说明不赞成的理由" in r.get_data(as_text=True)


def test_secretariat_sees_votes_closes_early_and_downloads(client, login_as, rw, db):
    ballot = open_on(rw)
    for user in rw.voters[:3]:
        services.cast_vote(ballot, actor=user, choice="for")
    db.session.commit()
    login_as(rw.secretariat)
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert 'data-testid="votes"' in page and 'data-testid="close-form"' in page
    assert client.post(f"/ballots/{ballot.id}/close", data={"reason": "提前"}).status_code == 302
    db.session.refresh(ballot)
    assert ballot.result == BallotResult.PASSED and ballot.not_voted == 1
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert 'data-testid="ballot-result"' in page and 'data-testid="close-form"' not in page
    # Closing twice says so.
    r = client.post(f"/ballots/{ballot.id}/close", data={}, follow_redirects=True)
    assert "already closed" in r.get_data(as_text=True)
    x = client.get(f"/ballots/{ballot.id}/summary.xlsx")
    assert x.status_code == 200 and "attachment" in x.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(x.data)).active
    assert any("表决结论：通过" in str(c.value) for row in ws.iter_rows() for c in row)
    p = client.get(f"/ballots/{ballot.id}/summary.pdf")
    assert p.status_code == 200 and p.data.startswith(b"%PDF")


def test_voter_may_not_close_or_download_the_summary(client, login_as, rw, db):
    ballot = open_on(rw)
    db.session.commit()
    login_as(rw.voters[0])
    assert client.post(f"/ballots/{ballot.id}/close").status_code == 403
    assert client.get(f"/ballots/{ballot.id}/summary.xlsx").status_code == 403


def test_voter_gets_the_revision_pdf_through_the_export_job(client, login_as, rw, db):
    ballot = open_on(rw)
    db.session.commit()
    login_as(rw.voters[0])
    r = client.post(f"/ballots/{ballot.id}/revision.pdf")
    if r.status_code == 303:  # a job: the wait page, then the PDF once it is done
        for _ in range(200):
            r = client.get(r.headers["Location"] if r.status_code == 303 else r.request.path)
            if r.headers.get("Content-Type") == "application/pdf":
                break
            time.sleep(0.3)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.data.startswith(b"%PDF")


def test_stage_page_refuses_the_move_without_a_ballot_and_the_secretariat_overrides(
    client, login_as, rw, db
):
    db.session.commit()
    login_as(rw.main_editor)
    r = client.post(f"/documents/{rw.document.id}/stage", data={"stage": "draft_for_approval"})
    assert r.status_code == 409 and "No ballot on the current draft for review" in r.get_data(
        as_text=True
    )
    login_as(rw.secretariat)
    page = client.get(f"/documents/{rw.document.id}/stage").get_data(as_text=True)
    assert 'name="override_checks"' in page
    r = client.post(
        f"/documents/{rw.document.id}/stage",
        data={"stage": "draft_for_approval", "override_checks": "y", "reason": "会议审查代替函审"},
    )
    assert r.status_code == 302
    db.session.refresh(rw.document)
    assert rw.document.stage == DocumentStage.DRAFT_FOR_APPROVAL


def test_voter_sees_the_figures_through_the_ballot(client, login_as, rw, db):
    image = add_image(rw.document, rw.secretariat)
    document_services.save_revision(
        rw.document,
        TEXT + f"\n{image.markdown}\n",
        rw.document.head_revision_id,
        "图",
        actor=rw.main_editor,
    )
    ballot = open_on(rw)
    db.session.commit()
    login_as(rw.voters[0])
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    src = f"/ballots/{ballot.id}/attachments/{quote(image.name)}"
    assert src in page
    r = client.get(src)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert client.get(f"/ballots/{ballot.id}/attachments/nothing.png").status_code == 404
    login_as(rw.outsider)
    assert client.get(src).status_code == 404


def test_after_the_close_a_voter_sees_the_result_and_no_form(client, login_as, rw, db):
    ballot = open_on(rw)
    services.cast_vote(ballot, actor=rw.voters[0], choice="for")
    services.close_ballot(ballot, actor=rw.secretariat)
    db.session.commit()
    login_as(rw.voters[1])
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert 'data-testid="vote-form"' not in page and 'data-testid="vote-closed"' in page
    assert 'data-testid="ballot-counts"' in page and 'data-testid="votes"' not in page
    r = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "for"})
    assert r.status_code == 409 and "votes can no longer be cast or changed" in r.get_data(
        as_text=True
    )

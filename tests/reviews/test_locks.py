"""Row locks of the review services on PostgreSQL (READ COMMITTED).

Each test runs two users in two threads, each with its own app context and
database session, on a database of its own (committed data, not the rolled
back `db` fixture). The reviewer or the secretariat reads the application
while it is submitted; the applicant withdraws it and commits; then the
reviewer's write lands. Without the row lock and the re-check of the state
under it, the write went through on the withdrawn application: an
assessment put it back "under review", a return for changes made it
"returned", a decision was recorded for it.
"""

from __future__ import annotations

import threading

import pytest
from flask_babel import force_locale
from flask_migrate import upgrade

from drafting import create_app
from drafting.accounts.models import User
from drafting.applications import services as app_services
from drafting.applications.models import Application
from drafting.applications.models import ApplicationState as S
from drafting.core.errors import ServiceError
from drafting.extensions import db
from drafting.reviews import services
from drafting.reviews.models import Assessment, Decision, Outcome, Rating
from tests.calls.factories import make_application, make_call
from tests.support import databases
from tests.support.factories import make_user

pytestmark = pytest.mark.postgresql

TIMEOUT = 30


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory, smtp_sink):
    tmp = tmp_path_factory.mktemp("locks")
    url = databases.fresh_database_url(tmp, "locks")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(tmp / "uploads"),
            "EXPORT_DIR": str(tmp / "exports"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.port,
            "SERVER_NAME": "drafting.test",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()
    databases.drop_database(url)


@pytest.fixture
def world(pg_app):
    """A submitted application, committed, with the ids both threads use."""
    with pg_app.app_context(), force_locale("en"):
        sec = make_user("secretariat")
        call = make_call(actor=sec)
        application = make_application(call, submit=True)
        reviewer = make_user("reviewer")
        services.assign_reviewer(call, reviewer, actor=sec)
        db.session.commit()
        ids = {
            "application": application.id,
            "requirement": call.requirements[0].id,
            "standard": application.standards[0].standard_id,
            "applicant": application.organization.users[0].id,
            "reviewer": reviewer.id,
            "secretariat": sec.id,
        }
        db.session.remove()
    return ids


def _race(app, ids, write, *, under_review: bool = False):
    """The reviewer reads the application, the applicant withdraws it and
    commits, then the reviewer's `write(application, user)` runs and commits.
    Returns the error the write raised (or None)."""
    if under_review:
        with app.app_context():
            application = db.session.get(Application, ids["application"])
            application.state = S.UNDER_REVIEW
            db.session.commit()
    read = threading.Barrier(2, timeout=TIMEOUT)
    withdrawn = threading.Event()
    outcome: dict = {}

    def reviewer_thread():
        with app.app_context(), force_locale("en"):
            try:
                application = db.session.get(Application, ids["application"])
                assert application.state in (S.SUBMITTED, S.UNDER_REVIEW)  # read before
                read.wait()
                assert withdrawn.wait(TIMEOUT)
                write(application, ids)
                db.session.commit()
                outcome["error"] = None
            except ServiceError as exc:
                db.session.rollback()
                outcome["error"] = exc
            finally:
                db.session.remove()

    def applicant_thread():
        with app.app_context(), force_locale("en"):
            try:
                read.wait()
                application = db.session.get(Application, ids["application"])
                user = db.session.get(User, ids["applicant"])
                app_services.withdraw(application, actor=user)
                db.session.commit()
            finally:
                db.session.remove()
                withdrawn.set()

    threads = [threading.Thread(target=reviewer_thread), threading.Thread(target=applicant_thread)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert "error" in outcome, "the reviewer's thread did not finish"
    return outcome["error"]


def _state(app, ids) -> S:
    with app.app_context():
        try:
            return db.session.get(Application, ids["application"]).state
        finally:
            db.session.remove()


def _assess(application, ids):
    services.save_assessment(
        application,
        ids["requirement"],
        rating=Rating.MET,
        score=8,
        reason="符合",
        reviewer=db.session.get(User, ids["reviewer"]),
    )


@pytest.mark.parametrize("under_review", [False, True], ids=["submitted", "under_review"])
def test_an_assessment_does_not_revive_a_withdrawn_application(pg_app, world, under_review):
    error = _race(pg_app, world, _assess, under_review=under_review)
    assert error is not None and error.code == "not_reviewable"
    assert _state(pg_app, world) == S.WITHDRAWN
    with pg_app.app_context():
        assert not db.session.scalars(
            db.select(Assessment).where(Assessment.application_id == world["application"])
        ).all()
        db.session.remove()


def test_a_return_for_changes_does_not_revive_a_withdrawn_application(pg_app, world):
    def return_it(application, ids):
        services.return_for_changes(
            application,
            "请补充营业执照。",
            actor=db.session.get(User, ids["secretariat"]),
        )

    error = _race(pg_app, world, return_it)
    assert error is not None and error.code == "transition_not_allowed"
    assert _state(pg_app, world) == S.WITHDRAWN


def test_no_decision_is_recorded_for_a_withdrawn_application(pg_app, world):
    def decide(application, ids):
        services.set_decision(
            application,
            ids["standard"],
            Outcome.MAIN,
            actor=db.session.get(User, ids["secretariat"]),
        )

    error = _race(pg_app, world, decide)
    assert error is not None and error.code == "not_reviewable"
    assert _state(pg_app, world) == S.WITHDRAWN
    with pg_app.app_context():
        assert not db.session.scalars(
            db.select(Decision).where(Decision.application_id == world["application"])
        ).all()
        db.session.remove()

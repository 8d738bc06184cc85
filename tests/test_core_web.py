"""core.web.on_refusal: a refused service is flashed and answered with the page the view
names; core.transaction.writes: a GET that writes locks like a POST."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages, redirect
from werkzeug.exceptions import HTTPException

from drafting.core.errors import Conflict, Refused
from drafting.core.transaction import _writing_request
from drafting.core.web import on_refusal


def test_a_refusal_is_flashed_and_answered_with_the_views_page(app):
    with app.test_request_context("/somewhere", method="POST"):
        with pytest.raises(HTTPException) as raised:
            with on_refusal(lambda exc: (f"the form again ({exc.code})", exc.status)):
                raise Refused("Past the deadline.", code="deadline_passed")
        response = raised.value.response
        assert response.status_code == 409
        assert response.get_data(as_text=True) == "the form again (deadline_passed)"
        assert get_flashed_messages(with_categories=True) == [("error", "Past the deadline.")]


def test_a_redirect_on_refusal_keeps_its_status(app):
    with app.test_request_context("/somewhere", method="POST"):
        with pytest.raises(HTTPException) as raised:
            with on_refusal(lambda exc: redirect("/back")):
                raise Conflict("Changed meanwhile.")
        assert raised.value.response.status_code == 302
        assert raised.value.response.headers["Location"] == "/back"
        assert get_flashed_messages() == ["Changed meanwhile."]


def test_without_a_refusal_the_view_goes_on_and_nothing_is_flashed(app):
    with app.test_request_context("/somewhere", method="POST"):
        with on_refusal(lambda exc: pytest.fail("not refused")):
            value = 42
        assert value == 42 and get_flashed_messages() == []


def test_other_errors_pass_through(app):
    with app.test_request_context("/somewhere", method="POST"):
        with pytest.raises(KeyError):
            with on_refusal(lambda exc: pytest.fail("not a refusal")):
                raise KeyError("bug")
        assert get_flashed_messages() == []


def test_a_get_marked_writes_takes_the_write_lock_like_a_post(app):
    """core.transaction: GET export.pdf may start a job, so on SQLite it begins IMMEDIATE."""
    with app.test_request_context("/documents/1/export.pdf"):
        assert _writing_request()
    with app.test_request_context("/api/v1/documents/1/export.pdf"):
        assert _writing_request()
    with app.test_request_context("/documents/1"):
        assert not _writing_request()
    with app.test_request_context("/documents/1", method="POST"):
        assert _writing_request()

"""API: assessments and decisions."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from drafting.api.applications import _visible
from drafting.api.core import api_error, api_route, json_body
from drafting.applications.models import Application
from drafting.extensions import db
from drafting.reviews import permissions, services
from drafting.reviews.models import Assessment, Decision, Outcome, Rating
from drafting.reviews.queries import load_call, review_summary

ASSESSMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "requirement_id": {"type": "integer"},
        "reviewer_id": {"type": "integer"},
        "reviewer": {"type": "string"},
        "rating": {"type": "string", "enum": ["met", "partly_met", "not_met"]},
        "score": {"type": "integer", "minimum": 0, "maximum": 10},
        "reason": {"type": "string"},
    },
}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
SCORE_SCHEMA = {
    "type": "object",
    "description": (
        "score: the mean, weighted by the requirements' weights, of each requirement's mean "
        "over the reviewers who rated it (requirements nobody rated left out); the same figure "
        "as the review page, the dashboard, the decisions page and the exports."
    ),
    "properties": {
        "application_id": {"type": "integer"},
        "score": _NUMBER_OR_NULL,
        "assessments": {"type": "integer"},
        "requirements": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "requirement_id": {"type": "integer"},
                    "weight": {"type": "integer"},
                    "mean": _NUMBER_OR_NULL,
                    "rated_by": {"type": "integer"},
                },
            },
        },
        "reviewers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "reviewer_id": {"type": "integer"},
                    "reviewer": {"type": "string"},
                    "score": {"type": "number"},
                    "rated": {"type": "integer"},
                },
            },
        },
    },
}
DECISION_SCHEMA = {
    "type": "object",
    "properties": {
        "application_id": {"type": "integer"},
        "standard_id": {"type": "integer"},
        "outcome": {"type": "string", "enum": ["main", "participating", "rejected"]},
        "reason": {"type": "string"},
        "published": {"type": "boolean"},
    },
}


def _assessment_json(a: Assessment) -> dict:
    return {
        "requirement_id": a.requirement_id,
        "reviewer_id": a.reviewer_id,
        "reviewer": a.reviewer.name,
        "rating": a.rating.value,
        "score": a.score,
        "reason": a.reason,
    }


def _decision_json(d: Decision) -> dict:
    return {
        "application_id": d.application_id,
        "standard_id": d.standard_id,
        "outcome": d.outcome.value,
        "reason": d.reason,
        "published": d.published_at is not None,
    }


def _reviewable(application_id: int) -> Application:
    application = _visible(application_id)
    if not (
        permissions.is_secretariat(current_user)
        or permissions.can_review_call(current_user, application.call)
    ):
        abort(
            api_error(
                403,
                "forbidden",
                _("Only the call's reviewers and the secretariat see assessments."),
            )
        )
    return application


@api_route(
    "/applications/<int:application_id>/assessments",
    summary="Assessments of an application",
    tags=("reviews",),
    response_schema={"type": "array", "items": ASSESSMENT_SCHEMA},
    errors=(401, 403, 404),
)
def assessments_list(application_id: int):
    application = _reviewable(application_id)
    rows = db.session.scalars(
        select(Assessment)
        .where(Assessment.application_id == application.id)
        .order_by(Assessment.id)
    )
    return [_assessment_json(a) for a in rows]


@api_route(
    "/applications/<int:application_id>/score",
    summary="The application's weighted score, per requirement and per reviewer",
    tags=("reviews",),
    response_schema=SCORE_SCHEMA,
    errors=(401, 403, 404),
)
def application_score(application_id: int):
    application = _reviewable(application_id)
    summary = review_summary(application, current_user)
    score = summary.scores
    return {
        "application_id": application.id,
        "score": score.value,
        "assessments": score.assessments,
        "requirements": [
            {
                "requirement_id": r.id,
                "weight": r.weight,
                "mean": score.requirements[r.id].mean if r.id in score.requirements else None,
                "rated_by": score.rated_by(r.id),
            }
            for r in application.call.requirements
        ],
        "reviewers": [
            {
                "reviewer_id": x.reviewer_id,
                "reviewer": summary.reviewer_names[x.reviewer_id],
                "score": x.score,
                "rated": x.rated,
            }
            for x in score.reviewers.values()
        ],
    }


@api_route(
    "/applications/<int:application_id>/assessments",
    methods=("POST",),
    summary="Save your assessment of one requirement",
    tags=("reviews",),
    request_schema=ASSESSMENT_SCHEMA,
    response_schema=ASSESSMENT_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def assessments_save(application_id: int):
    application = _reviewable(application_id)
    data = json_body()
    try:
        rating = Rating(data.get("rating"))
    except ValueError:
        return api_error(422, "invalid", _("rating must be met, partly_met or not_met."))
    rid, score, reason = data.get("requirement_id"), data.get("score"), data.get("reason", "")
    if not isinstance(rid, int) or not isinstance(score, int) or not isinstance(reason, str):
        return api_error(
            422, "invalid", _("Send requirement_id and score (numbers) and reason (text).")
        )
    if not permissions.can_assess(current_user, application):
        return api_error(403, "forbidden", _("You cannot assess this application."))
    a = services.save_assessment(
        application, rid, rating=rating, score=score, reason=reason, reviewer=current_user
    )
    return _assessment_json(a)


@api_route(
    "/decisions",
    summary="Decisions of a call (?call_id=, secretariat)",
    tags=("reviews",),
    response_schema={"type": "array", "items": DECISION_SCHEMA},
    errors=(400, 401, 403, 404),
)
def decisions_list():
    if not permissions.is_secretariat(current_user):
        return api_error(403, "forbidden", _("Only the secretariat sees pending decisions."))
    call_id = request.args.get("call_id", type=int)
    if not call_id:
        return api_error(400, "bad_request", _("Give the call: ?call_id=…"))
    rows = db.session.scalars(
        select(Decision)
        .join(Decision.application)
        .where(Application.call_id == call_id)
        .order_by(Decision.id)
    )
    return [_decision_json(d) for d in rows]


@api_route(
    "/decisions",
    methods=("POST",),
    summary="Record a pending decision (secretariat)",
    tags=("reviews",),
    request_schema=DECISION_SCHEMA,
    response_schema=DECISION_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def decisions_save():
    if not permissions.is_secretariat(current_user):
        return api_error(403, "forbidden", _("Only the secretariat decides."))
    data = json_body()
    try:
        outcome = Outcome(data.get("outcome"))
    except ValueError:
        return api_error(422, "invalid", _("outcome must be main, participating or rejected."))
    app_id, std_id = data.get("application_id"), data.get("standard_id")
    if not isinstance(app_id, int) or not isinstance(std_id, int):
        return api_error(422, "invalid", _("Send application_id and standard_id."))
    application = db.session.get(Application, app_id)
    if application is None:
        abort(404)
    d = services.set_decision(
        application, std_id, outcome, reason=str(data.get("reason", "")), actor=current_user
    )
    return _decision_json(d)


@api_route(
    "/calls/<int:call_id>/decisions/publish",
    methods=("POST",),
    summary=(
        "Publish every decision of a call; creates each standard's document. A standard given more "
        "main drafting units than it takes is refused (409 over_capacity) unless override_capacity "
        "is true with a reason (audited)"
    ),
    tags=("reviews",),
    request_schema={
        "type": "object",
        "properties": {
            "override_capacity": {"type": "boolean"},
            "reason": {"type": "string"},
        },
    },
    errors=(401, 403, 404, 409, 422),
)
def decisions_publish(call_id: int):
    if not permissions.is_secretariat(current_user):
        return api_error(403, "forbidden", _("Only the secretariat publishes decisions."))
    call = load_call(call_id)
    if call is None:
        abort(404)
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        data = json_body()  # answers 400 with the usual message
    applications = services.publish_decisions(
        call,
        actor=current_user,
        override_capacity=data.get("override_capacity") is True,
        reason=data.get("reason") if isinstance(data.get("reason"), str) else "",
    )
    return {"published": len(applications)}

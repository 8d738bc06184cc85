"""API: assessments and decisions."""

from __future__ import annotations

from typing import Annotated

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field, Strict
from sqlalchemy import select

from drafting.accounts.models import Role, User
from drafting.api.core import api_error, api_route
from drafting.api.validation import (
    Body,
    Flag,
    Id,
    Query,
    QueryId,
    Text,
    api_body,
    api_query,
    invalid,
)
from drafting.applications.models import Application
from drafting.applications.queries import application_or_404
from drafting.calls.models import ReviewerAssignment
from drafting.calls.queries import load_call
from drafting.extensions import db
from drafting.reviews import permissions, services
from drafting.reviews.models import Assessment, Decision, Outcome, Rating
from drafting.reviews.queries import review_summary

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

REVIEWER_SCHEMA = {
    "type": "object",
    "properties": {
        "user_id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string"},
    },
}


class PublishInput(Body):
    override_capacity: Flag = False
    reason: Annotated[Text, Field(max_length=5_000)] = ""


class AssessmentInput(Body):
    requirement_id: Id
    rating: Rating
    score: Annotated[int, Strict(), Field(ge=0, le=10)]
    reason: Annotated[Text, Field(max_length=10_000)] = ""


class DecisionInput(Body):
    application_id: Id
    standard_id: Id
    outcome: Outcome
    reason: Annotated[Text, Field(max_length=10_000)] = ""


class DecisionsQuery(Query):
    call_id: QueryId


class ReturnInput(Body):
    message: Annotated[Text, Field(min_length=1, max_length=10_000)] = Field(
        description="what the applicant should change; sent to them by mail"
    )


class ReviewerInput(Body):
    user_id: Id


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
    application = application_or_404(application_id)
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
    body=AssessmentInput,
    response_schema=ASSESSMENT_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def assessments_save(application_id: int):
    application = _reviewable(application_id)
    if not permissions.can_assess(current_user, application):
        return api_error(403, "forbidden", _("You cannot assess this application."))
    data: AssessmentInput = api_body()
    a = services.save_assessment(
        application,
        data.requirement_id,
        rating=data.rating,
        score=data.score,
        reason=data.reason,
        reviewer=current_user,
    )
    return _assessment_json(a)


@api_route(
    "/applications/<int:application_id>/return",
    methods=("POST",),
    summary="Return an application to the applicant for changes (secretariat)",
    tags=("reviews",),
    body=ReturnInput,
    errors=(400, 401, 403, 404, 409, 422),
)
def applications_return(application_id: int):
    application = application_or_404(application_id)
    if not permissions.can_manage_reviews(current_user, application.call):
        return api_error(403, "forbidden", _("Only the secretariat returns applications."))
    data: ReturnInput = api_body()
    services.return_for_changes(application, data.message, actor=current_user)
    return {"id": application.id, "state": application.state.value}


@api_route(
    "/decisions",
    summary="Decisions of a call (?call_id=, secretariat)",
    tags=("reviews",),
    query=DecisionsQuery,
    response_schema={"type": "array", "items": DECISION_SCHEMA},
    errors=(401, 403, 422),
)
def decisions_list():
    if not permissions.is_secretariat(current_user):
        return api_error(403, "forbidden", _("Only the secretariat sees pending decisions."))
    call_id = api_query().call_id
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
    body=DecisionInput,
    response_schema=DECISION_SCHEMA,
    errors=(400, 401, 403, 404, 409, 422),
)
def decisions_save():
    if not permissions.is_secretariat(current_user):
        return api_error(403, "forbidden", _("Only the secretariat decides."))
    data: DecisionInput = api_body()
    application = db.session.get(Application, data.application_id)
    if application is None:
        abort(404)
    d = services.set_decision(
        application, data.standard_id, data.outcome, reason=data.reason, actor=current_user
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
    body=PublishInput,
    errors=(401, 403, 404, 409, 422),
)
def decisions_publish(call_id: int):
    if not permissions.is_secretariat(current_user):
        return api_error(403, "forbidden", _("Only the secretariat publishes decisions."))
    call = load_call(call_id)
    if call is None:
        abort(404)
    # The body is optional: without one, nothing is overridden.
    data: PublishInput = api_body() if request.content_length else PublishInput()
    applications = services.publish_decisions(
        call, actor=current_user, override_capacity=data.override_capacity, reason=data.reason
    )
    return {"published": len(applications)}


# --- reviewers of a call -------------------------------------------------------


def _call_for_secretariat(call_id: int):
    call = load_call(call_id)
    if call is None:
        abort(404)
    if not permissions.can_manage_reviews(current_user, call):
        abort(api_error(403, "forbidden", _("Only the secretariat assigns reviewers.")))
    return call


def _reviewer_json(user: User) -> dict:
    return {"user_id": user.id, "name": user.name, "email": user.email}


@api_route(
    "/calls/<int:call_id>/reviewers",
    summary="The reviewers assigned to a call (secretariat)",
    tags=("reviews",),
    response_schema={"type": "array", "items": REVIEWER_SCHEMA},
    errors=(401, 403, 404),
)
def reviewers_list(call_id: int):
    call = _call_for_secretariat(call_id)
    users = db.session.scalars(
        select(User)
        .join(ReviewerAssignment, ReviewerAssignment.user_id == User.id)
        .where(ReviewerAssignment.call_id == call.id)
        .order_by(User.name, User.id)
    )
    return [_reviewer_json(u) for u in users]


@api_route(
    "/calls/<int:call_id>/reviewers",
    methods=("POST",),
    summary="Assign a reviewer to a call (secretariat); assigning one twice changes nothing",
    tags=("reviews",),
    body=ReviewerInput,
    response_schema=REVIEWER_SCHEMA,
    errors=(400, 401, 403, 404, 422),
)
def reviewers_add(call_id: int):
    call = _call_for_secretariat(call_id)
    data: ReviewerInput = api_body()
    user = db.session.get(User, data.user_id)
    if user is None:
        return invalid({"user_id": [_("There is no such user.")]})
    services.assign_reviewer(call, user, actor=current_user)
    return _reviewer_json(user)


@api_route(
    "/calls/<int:call_id>/reviewers/<int:user_id>",
    methods=("DELETE",),
    summary="Remove a reviewer from a call (secretariat)",
    tags=("reviews",),
    response_schema={"type": "object"},
    success_status=204,
    errors=(401, 403, 404, 409),
)
def reviewers_remove(call_id: int, user_id: int):
    call = _call_for_secretariat(call_id)
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.REVIEWER:
        abort(404)
    services.unassign_reviewer(call, user, actor=current_user)
    return "", 204

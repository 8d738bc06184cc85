"""API: ballots on the 送审稿 — open, the organization's vote (PUT), close, and the ballot with its counts."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field

from drafting.api.core import api_error, api_route
from drafting.api.documents import document_or_404
from drafting.api.validation import Body, Id, Text, Time, api_body, time_json
from drafting.ballots import permissions, queries, services
from drafting.ballots.models import Ballot, Vote
from drafting.ballots.services import MAX_REASON
from drafting.ballots.states import Choice
from drafting.documents import queries as document_queries

TAGS = ("ballots",)
ERRORS = (400, 401, 403, 404, 422)

VOTE_SCHEMA = {
    "type": "object",
    "properties": {
        "organization_id": {"type": "integer"},
        "organization": {"type": "string"},
        "choice": {"type": "string", "enum": [c.value for c in Choice]},
        "reason": {"type": "string"},
        "comments": {"type": "string"},
        "clause": {"type": "string"},
        "comment_id": {"type": ["integer", "null"]},
        "cast_by": {"type": ["string", "null"]},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}
COUNT = {"type": ["integer", "null"]}
BALLOT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "document_id": {"type": "integer"},
        "revision_id": {"type": "integer"},
        "revision_number": {"type": "integer"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "rule": {
            "type": "object",
            "description": "copied from the settings at opening; ratios as exact fractions",
            "properties": {
                "pass_ratio": {"type": "string", "example": "3/4"},
                "max_against_ratio": {"type": "string", "example": "1/4"},
                "abstentions_count": {"type": "boolean"},
                "exclude_drafting_units": {"type": "boolean"},
            },
        },
        "voters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"organization_id": {"type": "integer"}, "name": {"type": "string"}},
            },
        },
        "result": {"type": ["string", "null"], "enum": ["passed", "failed", None]},
        "counts": {
            "type": "object",
            "description": "stored at the close (null while open); votes_for includes for_with_comments",
            "properties": {
                k: COUNT
                for k in (
                    "entitled",
                    "cast",
                    "votes_for",
                    "for_with_comments",
                    "against",
                    "abstain",
                    "not_voted",
                )
            },
        },
        "my_vote": {"oneOf": [VOTE_SCHEMA, {"type": "null"}]},
        "votes": {
            "type": "array",
            "items": VOTE_SCHEMA,
            "description": "every vote (secretariat and drafting group only; otherwise empty)",
        },
    },
}


class OpenBallotInput(Body):
    closes_at: Time
    revision_id: Id | None = Field(default=None, description="default: the head revision")
    organization_ids: Annotated[list[Id], Field(max_length=10_000)] | None = Field(
        default=None, description="the organizations entitled to vote; default: all organizations"
    )


class VoteInput(Body):
    choice: Literal["for", "for_with_comments", "against", "abstain"]
    reason: Annotated[Text, Field(max_length=MAX_REASON)] = ""
    comments: Annotated[Text, Field(max_length=MAX_REASON)] = ""
    clause: Annotated[Text, Field(max_length=40)] = ""


class CloseInput(Body):
    reason: Annotated[Text, Field(max_length=MAX_REASON)] = ""


def ballot_or_404(ballot_id: int, check=permissions.can_view_ballot) -> Ballot:
    ballot = queries.load_ballot(ballot_id)
    if ballot is None or not permissions.can_view_ballot(current_user, ballot):
        abort(api_error(404, "not_found", _("There is no ballot %(id)d.", id=ballot_id)))
    if not check(current_user, ballot):
        abort(api_error(403, "forbidden", _("You may not do this with this ballot.")))
    return ballot


def vote_json(v: Vote) -> dict:
    return {
        "organization_id": v.organization_id,
        "organization": v.organization.name,
        "choice": v.choice.value,
        "reason": v.reason,
        "comments": v.comments,
        "clause": v.clause,
        "comment_id": v.comment_id,
        "cast_by": v.cast_by.name if v.cast_by else None,
        "updated_at": time_json(v.updated_at),
    }


def ballot_json(b: Ballot) -> dict:
    votes = queries.votes_of(b)
    mine = votes.get(getattr(current_user, "organization_id", None))
    return {
        "id": b.id,
        "document_id": b.document_id,
        "revision_id": b.revision_id,
        "revision_number": b.revision.number,
        "status": b.status.value,
        "opens_at": time_json(b.opens_at),
        "closes_at": time_json(b.closes_at),
        "closed_at": time_json(b.closed_at),
        "rule": {
            "pass_ratio": str(b.pass_ratio),
            "max_against_ratio": str(b.max_against_ratio),
            "abstentions_count": b.abstentions_count,
            "exclude_drafting_units": b.exclude_drafting_units,
        },
        "voters": [
            {"organization_id": v.organization_id, "name": v.organization.name} for v in b.voters
        ],
        "result": b.result.value if b.result else None,
        "counts": {
            "entitled": b.entitled,
            "cast": b.votes_cast,
            "votes_for": b.votes_for,
            "for_with_comments": b.for_with_comments,
            "against": b.against,
            "abstain": b.abstain,
            "not_voted": b.not_voted,
        },
        "my_vote": vote_json(mine) if mine else None,
        "votes": [vote_json(v) for v in votes.values()]
        if permissions.can_view_votes(current_user, b)
        else [],
    }


@api_route(
    "/documents/<int:document_id>/ballots",
    methods=("POST",),
    summary="Open a ballot on a revision of the 送审稿 (secretariat)",
    tags=TAGS,
    body=OpenBallotInput,
    response_schema=BALLOT_SCHEMA,
    success_status=201,
    errors=ERRORS + (409,),
)
def ballots_open(document_id: int):
    document = document_or_404(document_id, lambda user, _doc: permissions.is_secretariat(user))
    data: OpenBallotInput = api_body()
    revision = None
    if data.revision_id is not None:
        revision = document_queries.revision_of(document, data.revision_id)
        if revision is None:
            return api_error(
                404,
                "not_found",
                _("There is no revision %(id)d in this document.", id=data.revision_id),
            )
    ballot = services.open_ballot(
        document,
        actor=current_user,
        closes_at=data.closes_at,
        revision=revision,
        organization_ids=data.organization_ids,
    )
    return ballot_json(ballot), 201


@api_route(
    "/ballots/<int:ballot_id>",
    summary="A ballot: rule, voters, your organization's vote, and the counts once closed",
    tags=TAGS,
    response_schema=BALLOT_SCHEMA,
    errors=(401, 404),
)
def ballots_get(ballot_id: int):
    return ballot_json(ballot_or_404(ballot_id))


@api_route(
    "/ballots/<int:ballot_id>/vote",
    methods=("PUT",),
    summary="Cast or change your organization's vote (until the close)",
    tags=TAGS,
    body=VoteInput,
    response_schema=VOTE_SCHEMA,
    errors=ERRORS + (409,),
)
def ballots_vote(ballot_id: int):
    ballot = ballot_or_404(ballot_id, permissions.is_voter)
    data: VoteInput = api_body()
    vote = services.cast_vote(
        ballot,
        actor=current_user,
        choice=data.choice,
        reason=data.reason,
        comments=data.comments,
        clause=data.clause,
    )
    return vote_json(vote)


@api_route(
    "/ballots/<int:ballot_id>/close",
    methods=("POST",),
    summary="Close the ballot now and count the votes (secretariat)",
    tags=TAGS,
    body=CloseInput,
    response_schema=BALLOT_SCHEMA,
    errors=ERRORS + (409,),
)
def ballots_close(ballot_id: int):
    ballot = ballot_or_404(ballot_id, permissions.can_manage_ballot)
    data: CloseInput = api_body()
    services.close_ballot(ballot, actor=current_user, reason=data.reason)
    return ballot_json(ballot)

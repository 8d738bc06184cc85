"""The mail of a ballot: the voters at the opening, voters and group editors at the result.

Recipients are active users with a confirmed address (an unconfirmed one may be
a typo, or someone else's), each mailed once, in their own language.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from drafting.accounts.models import User
from drafting.ballots.models import Ballot, BallotVoter
from drafting.ballots.states import RESULT_LABELS
from drafting.extensions import db
from drafting.groups.models import GroupEditor, GroupMembership, GroupRole
from drafting.mail.services import queue_mail


def _confirmed(query):
    return query.where(User.is_active_account.is_(True), User.email_confirmed_at.is_not(None))


def voter_users(ballot: Ballot) -> list[User]:
    return list(
        db.session.scalars(
            _confirmed(
                select(User)
                .join(BallotVoter, BallotVoter.organization_id == User.organization_id)
                .where(BallotVoter.ballot_id == ballot.id)
            ).order_by(User.id)
        )
    )


def editor_users(ballot: Ballot) -> list[User]:
    """The group's editors: named editors and the users of the main drafting units."""
    group_id = ballot.document.drafting_group_id
    named = select(GroupEditor.user_id).where(GroupEditor.group_id == group_id)
    main_units = select(GroupMembership.organization_id).where(
        GroupMembership.group_id == group_id, GroupMembership.role == GroupRole.MAIN
    )
    return list(
        db.session.scalars(
            _confirmed(
                select(User).where(User.id.in_(named) | User.organization_id.in_(main_units))
            ).order_by(User.id)
        )
    )


def _send(users: list[User], template: str, ballot: Ballot) -> int:
    if not has_request_context():
        # cron (flask ballots close-due) has no request: links need the site's address.
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
            return _send(users, template, ballot)
    link = url_for("ballots.show", ballot_id=ballot.id, _external=True)
    seen: set[str] = set()
    for user in users:
        if user.email in seen:
            continue
        seen.add(user.email)
        queue_mail(
            user.email,
            template,
            locale=user.locale,
            user=user,
            ballot=ballot,
            document=ballot.document,
            link=link,
            result_labels=RESULT_LABELS,
        )
    return len(seen)


def ballot_opened(ballot: Ballot) -> int:
    return _send(voter_users(ballot), "ballot_opened", ballot)


def ballot_closed(ballot: Ballot) -> int:
    return _send(voter_users(ballot) + editor_users(ballot), "ballot_result", ballot)

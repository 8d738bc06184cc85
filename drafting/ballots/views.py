"""Ballot pages: the document's ballots and opening one, the voter's page, closing, the summary."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from flask_login import current_user

from drafting import templating
from drafting.accounts.models import Organization
from drafting.ballots import exports, permissions, queries, services
from drafting.ballots.forms import CloseBallotForm, OpenBallotForm, VoteForm
from drafting.ballots.models import Ballot
from drafting.ballots.states import CHOICE_LABELS, RESULT_LABELS, STATUS_LABELS
from drafting.core.timeutil import to_local, to_utc, utcnow
from drafting.core.web import deny, flash_form_errors, on_refusal
from drafting.documents import queries as document_queries
from drafting.documents import services as document_services
from drafting.documents.rendering import placeholder_labels
from drafting.documents.views import attachment_response, document_or_404
from drafting.export import ExportError
from drafting.extensions import db
from drafting.standardtext import render

bp = Blueprint("ballots", __name__)

DEFAULT_DAYS = 14


def ballot_or_404(ballot_id: int, check=permissions.can_view_ballot) -> Ballot:
    """The ballot if the user may see it (404 otherwise; anonymous visitors log in first)."""
    ballot = queries.load_ballot(ballot_id)
    if ballot is None or not permissions.can_view_ballot(current_user, ballot):
        if not current_user.is_authenticated:
            abort(deny())
        abort(404)
    if not check(current_user, ballot):
        abort(deny())
    return ballot


@bp.route("/ballots/")
def index():
    """The ballots the user's organization votes in (the secretariat: every ballot)."""
    if not current_user.is_authenticated:
        return deny()
    if permissions.is_secretariat(current_user):
        ballots = queries.all_ballots()
    else:
        ballots = queries.ballots_for_organization(current_user.organization_id)
    return render_template("ballots/index.html", ballots=ballots, now=utcnow())


# --- a document's ballots, and opening one ----------------------------------


def _open_form_choices(form: OpenBallotForm, document) -> None:
    form.revision.choices = [
        (r.id, _("Revision %(n)d", n=r.number) + f" · {r.message[:60]}".rstrip(" ·"))
        for r in document_queries.revisions_of(document)
        if services.is_review_revision(document, r)
    ]
    form.organizations.choices = [
        (o.id, o.name)
        for o in db.session.scalars(db.select(Organization).order_by(Organization.name))
    ]


def _document_page(document, form: OpenBallotForm | None, status: int = 200):
    rule = services.rule_from_settings()
    units = {m.organization_id for m in document.drafting_group.memberships}
    return render_template(
        "ballots/document.html",
        document=document,
        ballots=queries.ballots_of(document),
        form=form,
        rule=rule,
        units=units,
        passed=queries.passed_ballot(document),
        current=queries.is_current(queries.passed_ballot(document), document),
    ), status


@bp.route("/documents/<int:document_id>/ballots", methods=["GET", "POST"])
def document_ballots(document_id: int):
    document = document_or_404(document_id, permissions.can_list_ballots)
    may_open = permissions.can_open_ballot(current_user, document)
    if request.method == "POST" and not may_open:
        if not permissions.is_secretariat(current_user):
            abort(403)
        flash(
            _("A ballot can only be opened while the document is a draft for review (送审稿)."),
            "error",
        )
        return redirect(url_for("ballots.document_ballots", document_id=document.id))
    form = OpenBallotForm() if may_open else None
    if form is None:
        return _document_page(document, None)
    _open_form_choices(form, document)
    if request.method == "GET":
        form.revision.data = document.head_revision_id
        form.closes_at.data = to_local(utcnow() + timedelta(days=DEFAULT_DAYS)).replace(
            second=0, microsecond=0
        )
        rule = services.rule_from_settings()
        form.organizations.data = [o.id for o in services.default_voters(document, rule)]
        return _document_page(document, form)
    if not form.validate():
        flash_form_errors(form)
        return _document_page(document, form, 422)
    with on_refusal(lambda exc: _document_page(document, form, exc.status)):
        ballot = services.open_ballot(
            document,
            actor=current_user,
            closes_at=to_utc(form.closes_at.data),
            revision=document_queries.revision_of(document, form.revision.data),
            organization_ids=form.organizations.data or [],
        )
    flash(_("The ballot is open; the voters have been mailed."), "success")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


# --- one ballot -------------------------------------------------------------


def _outline(ballot: Ballot):
    """The revision as HTML, its figures served by the ballot (voters may not read the document's pages)."""
    document = ballot.document
    names = {a.name for a in document_services.attachments_of(document)}
    return render(
        ballot.revision.text,
        attachment_url=lambda name: url_for("ballots.attachment", ballot_id=ballot.id, name=name),
        attachments=names,
        placeholders=placeholder_labels(),
    )


def _clause_choices(rendered) -> list[tuple[str, str]]:
    choices = [("", _("The document as a whole"))]
    for heading in rendered.outline:
        if heading.display_number:
            choices.append((heading.display_number, heading.display[:80]))
    return choices


def _show_page(ballot: Ballot, form: VoteForm | None = None, status: int = 200):
    rendered = _outline(ballot)
    my_vote = queries.vote_of(ballot, getattr(current_user, "organization_id", None))
    may_vote = permissions.can_vote(current_user, ballot)
    if may_vote and form is None:
        form = VoteForm(formdata=None)
        if my_vote is not None:
            form.choice.data = my_vote.choice.value
            form.reason.data, form.comments.data = my_vote.reason, my_vote.comments
            form.clause.data = my_vote.clause
    if form is not None:
        form.clause.choices = _clause_choices(rendered)
    see_votes = permissions.can_view_votes(current_user, ballot)
    return render_template(
        "ballots/show.html",
        ballot=ballot,
        document=ballot.document,
        revision=ballot.revision,
        rendered=rendered,
        form=form if may_vote else None,
        my_vote=my_vote,
        may_vote=may_vote,
        is_voter=permissions.is_voter(current_user, ballot),
        votes=queries.votes_of(ballot) if see_votes else {},
        see_votes=see_votes,
        may_close=permissions.can_manage_ballot(current_user, ballot) and not ballot.is_closed,
        close_form=CloseBallotForm(formdata=None),
        totals=exports.summary(ballot).totals if see_votes or ballot.is_closed else "",
    ), status


@bp.route("/ballots/<int:ballot_id>")
def show(ballot_id: int):
    return _show_page(ballot_or_404(ballot_id))[0]


@bp.route("/ballots/<int:ballot_id>/vote", methods=["POST"])
def vote(ballot_id: int):
    ballot = ballot_or_404(ballot_id, permissions.is_voter)
    form = VoteForm()
    form.clause.choices = _clause_choices(_outline(ballot))
    if not form.validate():
        flash_form_errors(form)
        return _show_page(ballot, form, 422)
    numbers = {c for c, _label in form.clause.choices if c}
    with on_refusal(lambda exc: _show_page(ballot, form, exc.status)):
        services.cast_vote(
            ballot,
            actor=current_user,
            choice=form.choice.data,
            reason=form.reason.data or "",
            comments=form.comments.data or "",
            clause=form.clause.data or "",
            outline_numbers=numbers,
        )
    flash(_("Your organization's vote is recorded. It may be changed until the close."), "success")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


@bp.route("/ballots/<int:ballot_id>/close", methods=["POST"])
def close(ballot_id: int):
    ballot = ballot_or_404(ballot_id, permissions.can_manage_ballot)
    form = CloseBallotForm()
    if not form.validate():
        flash_form_errors(form)
        return redirect(url_for("ballots.show", ballot_id=ballot.id))
    with on_refusal(lambda exc: redirect(url_for("ballots.show", ballot_id=ballot.id))):
        services.close_ballot(ballot, actor=current_user, reason=form.reason.data or "")
    flash(_("The ballot is closed: %(result)s.", result=RESULT_LABELS[ballot.result]), "success")
    return redirect(url_for("ballots.show", ballot_id=ballot.id))


@bp.route("/ballots/<int:ballot_id>/attachments/<name>")
def attachment(ballot_id: int, name: str):
    """An image of the document the ballot is on, to those who may see the ballot."""
    ballot = ballot_or_404(ballot_id)
    att = document_services.attachment_of(ballot.document, name)
    if att is None:
        abort(404)
    return attachment_response(att)


def _download(data: bytes, content_type: str, ascii_name: str, name: str, inline: bool = False):
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def _summary_name(ballot: Ballot, ext: str) -> str:
    return f"{ballot.document.number} 表决情况汇总表.{ext}".replace("/", "-")


@bp.route("/ballots/<int:ballot_id>/summary.xlsx")
def summary_xlsx(ballot_id: int):
    ballot = ballot_or_404(ballot_id, permissions.can_view_votes)
    return _download(
        exports.summary_xlsx(ballot),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"ballot-{ballot.id}-summary.xlsx",
        _summary_name(ballot, "xlsx"),
    )


@bp.route("/ballots/<int:ballot_id>/summary.pdf")
def summary_pdf(ballot_id: int):
    ballot = ballot_or_404(ballot_id, permissions.can_view_votes)
    try:
        pdf = exports.summary_pdf(ballot)
    except ExportError as exc:
        flash(str(exc), "error")
        return redirect(url_for("ballots.show", ballot_id=ballot.id))
    return _download(
        pdf, "application/pdf", f"ballot-{ballot.id}-summary.pdf", _summary_name(ballot, "pdf")
    )


# --- templates --------------------------------------------------------------


def _may_see_ballots(user) -> bool:
    return user.is_authenticated and (
        permissions.is_secretariat(user) or user.organization_id is not None
    )


templating.NAV.append(
    templating.NavEntry(
        "ballots.index", lazy_pgettext("navigation", "Ballots"), _may_see_ballots, 25
    )
)
templating.PERMISSIONS.update(
    {
        "can_list_ballots": permissions.can_list_ballots,
        "can_open_ballot": permissions.can_open_ballot,
    }
)


@bp.app_context_processor
def _labels():
    return {
        "ballot_status_labels": STATUS_LABELS,
        "ballot_result_labels": RESULT_LABELS,
        "vote_choice_labels": CHOICE_LABELS,
    }

"""Dashboard, review page, reviewers, decisions, drafting groups and exports."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from jinja2.filters import do_truncate
from markupsafe import Markup
from sqlalchemy import select

from drafting import templating
from drafting.accounts.models import Role, User
from drafting.applications.models import ROLE_LABELS, STATE_LABELS, Application, ApplicationState
from drafting.applications.permissions import is_applicant
from drafting.applications.queries import application_or_404, load_application
from drafting.calls.forms import EVIDENCE_LABELS
from drafting.calls.models import Call, CallState, ReviewerAssignment
from drafting.calls.queries import load_call
from drafting.core import pagecache
from drafting.core.errors import ServiceError
from drafting.core.files import content_disposition
from drafting.core.i18n import colon
from drafting.core.requests import request_id
from drafting.core.web import get_or_404, on_refusal, require, url_pattern
from drafting.documents import queries as document_queries
from drafting.extensions import db
from drafting.reviews import exports, permissions, queries, services
from drafting.reviews.models import (
    OUTCOME_LABELS,
    RATING_LABELS,
    Outcome,
    Rating,
)
from drafting.reviews.scores import format_score

bp = Blueprint("reviews", __name__, url_prefix="/review")


def _call_for_review(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None or call.state == CallState.DRAFT:
        abort(404)
    require(permissions.can_review_call(current_user, call))
    return call


def _call_for_secretariat(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None:
        abort(404)
    require(permissions.can_manage_reviews(current_user, call))
    return call


@bp.route("/")
@login_required
def index():
    """The calls this user reviews (all for the secretariat)."""
    query = select(Call).where(Call.state != CallState.DRAFT).order_by(Call.closes_at.desc())
    if not permissions.is_secretariat(current_user):
        require(current_user.role == Role.REVIEWER)
        query = query.join(ReviewerAssignment, ReviewerAssignment.call_id == Call.id).where(
            ReviewerAssignment.user_id == current_user.id
        )
    return render_template("reviews/index.html", calls=db.session.scalars(query).all())


@bp.route("/calls/<int:call_id>")
@login_required
def dashboard(call_id: int):
    call = _call_for_review(call_id)
    args = request.args
    try:
        standard_id = int(args.get("standard") or 0) or None
    except ValueError:
        standard_id = None
    state = args.get("state") if args.get("state") in {s.value for s in ApplicationState} else None
    role = args.get("role") if args.get("role") in ("main", "participating") else None
    sort = args.get("sort") if args.get("sort") in queries.SORTS else "organization"
    filters = {
        "state": state or "",
        "standard": standard_id or "",
        "role": role or "",
        "sort": sort,
    }
    # The table part is kept in the page cache per reader (what a reviewer sees
    # differs from the secretariat's view; times are in the reader's zone), language,
    # filters, the call's cache_tag and the tags of all its applications, which every
    # answer, file, assessment, state change and rename renews: a change shows at once.
    key = ":".join(
        (
            "dashboard",
            str(call.id),
            call.cache_tag,
            queries.applications_tag(call.id),
            f"{current_user.id}.{current_user.role}.{current_user.organization_id}",
            str(get_locale()),
            str(get_timezone()),
            json.dumps(filters, sort_keys=True),
        )
    )
    body_html = pagecache.fragment(
        key, lambda: _dashboard_body(call, filters, state, standard_id, role, sort)
    )
    return render_template("reviews/dashboard.html", call=call, body_html=body_html)


def _dashboard_body(call: Call, filters: dict, state, standard_id, role, sort) -> str:
    rows, counts = queries.dashboard_page(
        current_user, call, state=state, standard_id=standard_id, role=role, sort=sort
    )
    per_standard = {s.id: {"main": 0, "participating": 0} for s in call.standards}
    for row in rows:
        for std_id, std_role in row.standards:
            per_standard.setdefault(std_id, {"main": 0, "participating": 0})[std_role] += 1
    return render_template(
        "reviews/_dashboard_body.html",
        call=call,
        rows=rows,
        counts=counts,
        per_standard=per_standard,
        filters=filters,
        # Resolved once per request, not once per row.
        standard_titles={
            s.id: do_truncate(current_app.jinja_env, s.title_zh, 24) for s in call.standards
        },
        state_names={k.value: str(v) for k, v in STATE_LABELS.items()},
        role_names={k.value: str(v) for k, v in ROLE_LABELS.items()},
        review_url=url_pattern("reviews.review", "application_id"),
        can_manage=permissions.can_manage_reviews(current_user, call),
    )


@bp.route("/applications/<int:application_id>")
@login_required
def review(application_id: int):
    # The application's row with its organization and call only: what is the
    # same for every reader comes from the page cache (`_shared_parts`).
    application = application_or_404(application_id, parts=False)

    if is_applicant(current_user, application):
        return redirect(url_for("applications.edit", application_id=application.id))
    if application.state == ApplicationState.DRAFT and not permissions.is_secretariat(current_user):
        abort(404)
    require(
        permissions.is_secretariat(current_user)
        or permissions.can_review_call(current_user, application.call)
    )
    return _render_review(application)


def _render_review(application: Application, status: int = 200):
    """The review page: the answers, files, every reviewer's assessments and the
    scores are the same for every reader and kept in the page cache under the
    application's and the call's `cache_tag` (renewed by every change of either);
    around them, per request, the header, the reader's own assessment (the
    form), the secretariat's return form, the CSRF tokens and flashed messages.
    A hit reads the application's row, with its organization and call, only."""
    # Changes still pending (a form re-rendered after a refusal) renew the tags
    # now, before the key is made: nothing unflushed is stored under the old key.
    db.session.flush()
    call = application.call
    can_assess = permissions.can_assess(current_user, application)
    shared = pagecache.parts(
        f"review-page:{application.id}:{application.cache_tag}:{call.cache_tag}:{get_locale()}",
        lambda: _shared_parts(application.id),
    )
    # The reader's own assessments fill the form. Every reviewer's are in the
    # shared part: each reader of the page sees them all already in the
    # assessments column, but only their own in the form.
    own = (
        {
            int(r_id): mine
            for r_id, mine in shared["assessments"].get(str(current_user.id), {}).items()
        }
        if can_assess
        else {}
    )
    return render_template(
        "reviews/review.html",
        application=application,
        call=call,
        shared={
            "standards": Markup(shared["standards"]),
            "scores": Markup(shared["scores"]),
            "requirements": [
                (r_id, Markup(html), Markup(form)) for r_id, html, form in shared["requirements"]
            ],
        },
        own=own,
        can_assess=can_assess,
        can_manage=permissions.can_manage_reviews(current_user),
        # For the forms filled with the reader's own assessment (the empty
        # ones are in the shared part): translated only when needed.
        rating_labels={k: str(v) for k, v in RATING_LABELS.items()} if own else {},
    ), status


def _shared_parts(application_id: int) -> dict:
    """The review page's parts that are the same for every reader, as HTML:
    rendered by the macros of reviews/_review_parts.html in a template module
    made without the request's context (no user, session, CSRF token, flashed
    messages or time zone can reach them); and, as data, every reviewer's
    assessments (what the assessments column shows every reader), from which
    the view fills the reader's own form."""
    application = load_application(application_id)  # standards, answers and files
    call = application.call
    summary = queries.review_summary(application)
    macros = current_app.jinja_env.get_template("reviews/_review_parts.html").make_module()
    words = {
        "mandatory": _("mandatory"),
        "optional": _("optional"),
        "weight": _("weight"),
        "mean": _("Mean"),
        "spread": _("Spread"),
        "answer": _("Answer"),
        "none": _("No statement."),
        "assessments": _("Assessments"),
        "colon": colon(),
        "ratings": {k: str(v) for k, v in RATING_LABELS.items()},
        "evidence": {k: str(v) for k, v in EVIDENCE_LABELS.items()},
    }
    download_url = url_pattern(
        "applications.download", "attachment_id", application_id=application.id
    )
    inline_url = url_pattern(
        "applications.download", "attachment_id", application_id=application.id, inline=1
    )
    assessments: dict[str, dict[str, dict]] = {}
    for rows in summary.by_requirement.values():
        for a in rows:
            assessments.setdefault(str(a.reviewer_id), {})[str(a.requirement_id)] = {
                "rating": a.rating.value,
                "score": a.score,
                "reason": a.reason,
            }
    answers = {a.requirement_id: a for a in application.answers}
    files: dict[int, list] = {}
    for f in application.attachments:
        files.setdefault(f.requirement_id, []).append(f)
    return {
        "standards": str(
            macros.standards(application, {k: str(v) for k, v in ROLE_LABELS.items()})
        ),
        "scores": str(macros.scores(summary, len(call.requirements))),
        "requirements": [
            [
                r.id,
                str(
                    macros.requirement(
                        index,
                        r,
                        answers.get(r.id),
                        files.get(r.id, []),
                        summary.by_requirement.get(r.id, []),
                        summary.scores.requirements.get(r.id),
                        words,
                        download_url,
                        inline_url,
                    )
                ),
                str(macros.assess_form(r.id, words["ratings"])),
            ]
            for index, r in enumerate(call.requirements, start=1)
        ],
        "assessments": assessments,
    }


@bp.route("/applications/<int:application_id>/assessments", methods=["POST"])
@login_required
def assess(application_id: int):
    application = application_or_404(application_id)
    require(permissions.can_assess(current_user, application))
    saved = 0
    for r in application.call.requirements:
        rating = request.form.get(f"rating-{r.id}", "")
        if not rating:
            continue
        try:
            score = int(request.form.get(f"score-{r.id}", ""))
            rating = Rating(rating)
        except ValueError:
            flash(
                _("Requirement %(n)d: choose a rating and a score from 0 to 10.", n=r.position + 1),
                "error",
            )
            return _render_review(application, 422)
        with on_refusal(lambda exc: _render_review(application, exc.status)):
            services.save_assessment(
                application,
                r.id,
                rating=rating,
                score=score,
                reason=request.form.get(f"reason-{r.id}", ""),
                reviewer=current_user,
            )
        saved += 1
    if not saved:
        flash(_("Rate at least one requirement."), "error")
        return _render_review(application, 422)
    flash(_("Your assessment has been saved."), "success")
    return redirect(url_for("reviews.review", application_id=application.id))


@bp.route("/applications/<int:application_id>/return", methods=["POST"])
@login_required
def return_application(application_id: int):
    application = application_or_404(application_id)
    require(permissions.can_manage_reviews(current_user))
    with on_refusal(lambda exc: _render_review(application, exc.status)):
        services.return_for_changes(
            application, request.form.get("message", ""), actor=current_user
        )
    flash(
        _("The application has been returned to the applicant, who has been told by mail."),
        "success",
    )
    return redirect(url_for("reviews.review", application_id=application.id))


@bp.route("/calls/<int:call_id>/reviewers", methods=["GET", "POST"])
@login_required
def reviewers(call_id: int):
    call = _call_for_secretariat(call_id)
    if request.method == "POST":
        try:
            user = get_or_404(User, request_id(request.form.get("user_id", "")))
        except ValueError:
            abort(400)
        with on_refusal(lambda exc: redirect(url_for("reviews.reviewers", call_id=call.id))):
            if request.form.get("action") == "remove":
                services.unassign_reviewer(call, user, actor=current_user)
            else:
                services.assign_reviewer(call, user, actor=current_user)
        flash(_("The reviewers have been updated."), "success")
        return redirect(url_for("reviews.reviewers", call_id=call.id))
    candidates = db.session.scalars(
        select(User)
        .where(User.role == Role.REVIEWER, User.is_active_account.is_(True))
        .order_by(User.name)
    ).all()
    assigned = set(
        db.session.scalars(
            select(ReviewerAssignment.user_id).where(ReviewerAssignment.call_id == call.id)
        )
    )
    return render_template(
        "reviews/reviewers.html", call=call, candidates=candidates, assigned=assigned
    )


@bp.route("/calls/<int:call_id>/decisions", methods=["GET", "POST"])
@login_required
def decisions(call_id: int):
    call = _call_for_secretariat(call_id)
    if request.method == "POST":
        count = 0
        for key, value in request.form.items():
            if not key.startswith("outcome-") or not value:
                continue
            try:
                _prefix, app_id, std_id = key.split("-")
                app_id, std_id, outcome = int(app_id), int(std_id), Outcome(value)
            except ValueError:
                abort(400)
            application = db.session.get(Application, app_id)
            if application is None or application.call_id != call.id:
                abort(404)
            with on_refusal(lambda exc: redirect(url_for("reviews.decisions", call_id=call.id))):
                services.set_decision(
                    application,
                    std_id,
                    outcome,
                    reason=request.form.get(f"reason-{app_id}-{std_id}", ""),
                    actor=current_user,
                )
            count += 1
        flash(
            _("%(n)d decision(s) saved; they stay pending until you publish them.", n=count),
            "success",
        )
        for warning in services.capacity_warnings(call):
            flash(warning, "warning")
        return redirect(url_for("reviews.decisions", call_id=call.id))
    rows, _counts = queries.dashboard(current_user, call, sort="score")
    rows = [
        r
        for r in rows
        if r.application.state in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW)
        or r.decisions
    ]
    return render_template(
        "reviews/decisions.html",
        call=call,
        rows=rows,
        outcome_labels=OUTCOME_LABELS,
        warnings=services.capacity_warnings(call),
        standard_titles={s.id: s.title_zh for s in call.standards},
    )


@bp.route("/calls/<int:call_id>/decisions/publish", methods=["POST"])
@login_required
def publish_decisions(call_id: int):
    call = _call_for_secretariat(call_id)

    def back_to_decisions(exc: ServiceError):
        for item in (exc.details or [])[:20]:  # what stands in the way, one line each
            flash(item, "error")
        return redirect(url_for("reviews.decisions", call_id=call.id))

    with on_refusal(back_to_decisions):
        applications = services.publish_decisions(
            call,
            actor=current_user,
            override_capacity=request.form.get("override_capacity") == "1",
            reason=request.form.get("override_reason", ""),
        )
    flash(
        _(
            "The decisions are published; %(n)d applicant(s) are being told by mail and the drafting groups are formed.",
            n=len(applications),
        ),
        "success",
    )
    return redirect(url_for("reviews.groups", call_id=call.id))


@bp.route("/calls/<int:call_id>/groups")
@login_required
def groups(call_id: int):
    """The call's drafting groups at a glance; each is changed on its document's
    group page (documents.group), the one page that manages a group."""
    call = _call_for_secretariat(call_id)
    group_ids = [s.drafting_group_id for s in call.standards if s.drafting_group_id]
    return render_template(
        "reviews/groups.html",
        call=call,
        documents=document_queries.documents_of_groups(group_ids),
    )


def _export_response(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition("attachment", filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/calls/<int:call_id>/export.xlsx")
@login_required
def export_xlsx(call_id: int):
    call = _call_for_secretariat(call_id)
    return _export_response(
        exports.xlsx(current_user, call),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"applications-call-{call.id}.xlsx",
    )


@bp.route("/calls/<int:call_id>/export.csv")
@login_required
def export_csv(call_id: int):
    call = _call_for_secretariat(call_id)
    which = "assessments" if request.args.get("what") == "assessments" else "applications"
    return _export_response(
        exports.csv_bytes(current_user, call, which),
        "text/csv; charset=utf-8",
        f"{which}-call-{call.id}.csv",
    )


@bp.route("/calls/<int:call_id>/evidence.zip")
@login_required
def export_zip(call_id: int):
    call = _call_for_secretariat(call_id)
    return _export_response(
        exports.evidence_zip(current_user, call), "application/zip", f"evidence-call-{call.id}.zip"
    )


def _can_see_reviews(user) -> bool:
    return user.is_authenticated and user.role in (Role.REVIEWER, Role.SECRETARIAT)


@bp.app_template_filter("score")
def _score_filter(value):
    return format_score(value)


@bp.app_context_processor
def _labels():
    return {"rating_labels": RATING_LABELS, "outcome_labels": OUTCOME_LABELS}


bp.add_app_template_global(queries.published_decisions, "published_decisions")


templating.NAV.append(templating.NavEntry("reviews.index", _l("Review"), _can_see_reviews, 30))
templating.PERMISSIONS.update(
    {
        "can_review_call": permissions.can_review_call,
        "can_assess": permissions.can_assess,
        "can_manage_reviews": permissions.can_manage_reviews,
    }
)

"""The public page of a draft for comments, the confirmation link, the extension."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from drafting import templating
from drafting.consultation import permissions, queries, services
from drafting.consultation.forms import ExtendForm, PublicCommentForm
from drafting.consultation.models import (
    AUDIENCE_LABELS,
    PERIOD_STATUS_LABELS,
    CommentPeriod,
    PendingComment,
    PeriodStatus,
)
from drafting.core.errors import ServiceError
from drafting.core.i18n import format_dt
from drafting.core.timeutil import as_utc, to_local, to_utc, utcnow
from drafting.core.web import flash_error, flash_form_errors, login_redirect, on_refusal
from drafting.documents import permissions as document_permissions
from drafting.documents import queries as document_queries
from drafting.documents.models import StandardDocument
from drafting.documents.rendering import rendered_revision
from drafting.extensions import limiter

bp = Blueprint("consultation", __name__, url_prefix="/consultation")


def period_or_404(document_id: int) -> tuple[StandardDocument, CommentPeriod]:
    """The document and its latest comment period; 404 when it never had one,
    the login page when the period is for members and nobody is logged in."""
    document = document_queries.load_document(document_id)
    period = queries.latest_period(document) if document is not None else None
    if period is None:
        abort(404)
    if not permissions.can_view_consultation(current_user, period):
        abort(login_redirect())
    return document, period


def _outline_choices(rendered) -> list[tuple[str, str]]:
    choices = [("", _("The document as a whole"))]
    for heading in rendered.outline:
        if heading.display_number:
            choices.append((heading.display_number, heading.display[:80]))
    return choices


def _time_left(period: CommentPeriod) -> str:
    delta = as_utc(period.closes_at) - utcnow()
    if delta.total_seconds() <= 0:
        return ""
    days, hours = delta.days, delta.seconds // 3600
    if days:
        return _("%(d)d days %(h)d hours left", d=days, h=hours)
    return _("%(h)d hours %(m)d minutes left", h=hours, m=(delta.seconds % 3600) // 60)


def _page(
    document: StandardDocument,
    period: CommentPeriod,
    form: PublicCommentForm | None = None,
    status: int = 200,
    extend_form: ExtendForm | None = None,
):
    revision = period.revision or document.head_revision
    rendered = rendered_revision(document, revision)
    if form is None:
        form = PublicCommentForm(formdata=None)
        if request.args.get("clause"):
            form.clause.data = request.args["clause"]
    form.clause.choices = _outline_choices(rendered)
    if extend_form is None:
        extend_form = ExtendForm(formdata=None)
        extend_form.closes_at.data = to_local(period.closes_at)
    return render_template(
        "consultation/page.html",
        document=document,
        period=period,
        revision=revision,
        rendered=rendered,
        form=form,
        extend_form=extend_form,
        status=period.status(),
        time_left=_time_left(period),
        can_comment=permissions.can_comment_in_period(current_user, period),
        needs_confirmation=permissions.needs_confirmation(current_user),
        can_extend=permissions.can_extend_period(current_user, period),
        can_download=document_permissions.can_view_document(current_user, document),
        # Once the document moved on, only those who may still see it read the old draft.
        show_text=period.status() != PeriodStatus.ENDED
        or document_permissions.can_view_document(current_user, document),
    ), status


# Field a refusal of the service belongs to, to show it beside the field.
_FIELDS = {
    "body_required": "body",
    "unknown_type": "type",
    "unknown_clause": "clause",
    "commenter_required": "author_name",
    "email_required": "email",
}


def _limit() -> str:
    return current_app.config["PUBLIC_COMMENT_LIMIT"]


def _email_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    # A form without an address is refused anyway; it must not share one count with every other.
    return "public-comment-email:" + (email or "none:" + get_remote_address())


def _member() -> bool:
    return current_user.is_authenticated


@bp.route("/<int:document_id>", methods=["GET", "POST"])
# Comments without an account: limited per address and per email address.
@limiter.limit(_limit, methods=["POST"], exempt_when=_member)
@limiter.limit(_limit, methods=["POST"], key_func=_email_key, exempt_when=_member)
def page(document_id: int):
    document, period = period_or_404(document_id)
    if request.method == "GET":
        return _page(document, period)
    if not permissions.can_comment_in_period(current_user, period):
        if period.is_open() and not current_user.is_authenticated:
            return login_redirect()
        if period.is_open():
            abort(403)
        # The form was sent as the period closed: say so, keep the text on the page.
        form = PublicCommentForm()
        with on_refusal(lambda exc: _page(document, period, form, exc.status)):
            services.submit_comment(period, actor=current_user, body=form.body.data or "")
    form = PublicCommentForm()
    form.clause.choices = _outline_choices(
        rendered_revision(document, period.revision or document.head_revision)
    )
    if not form.validate():
        flash_form_errors(form)
        return _page(document, period, form, 422)
    try:
        result = services.submit_comment(
            period,
            actor=current_user,
            body=form.body.data,
            clause=form.clause.data or "",
            type=form.type.data,
            proposed_change=form.proposed_change.data or "",
            author_name=form.author_name.data or "",
            organization_name=form.organization_name.data or "",
            email=form.email.data or "",
            locale=str(get_locale() or "zh")[:2],
        )
    except ServiceError as exc:
        name = _FIELDS.get(exc.code)
        if name is not None:
            field = getattr(form, name)
            field.errors = [*field.errors, exc.message]
            flash(_("Please correct the fields marked below."), "error")
        else:
            flash_error(exc)
        return _page(document, period, form, exc.status)
    if isinstance(result, PendingComment):
        flash(
            _(
                "Thank you. We have sent a link to %(email)s: your comment reaches the editors once "
                "you follow it (within %(days)d days).",
                email=result.email,
                days=max(1, current_app.config["COMMENT_CONFIRM_MAX_AGE"] // 86400),
            ),
            "info",
        )
    else:
        flash(_("Your comment has been recorded."), "success")
    return redirect(url_for("consultation.page", document_id=document.id))


@bp.errorhandler(429)
def _too_many(exc):
    """Too many comments from this address or email: say when to come back and
    give the text back, so that nothing typed is lost."""
    return render_template(
        "consultation/too_many.html",
        body=request.form.get("body", ""),
        proposed_change=request.form.get("proposed_change", ""),
        limit=_limit(),
        back=request.path,
    ), 429


@bp.route("/confirm/<token>")
def confirm(token: str):
    try:
        comment = services.confirm_comment(token)
    except ServiceError as exc:
        return render_template(
            "consultation/confirmed.html", error=exc.message, comment=None
        ), exc.status
    return render_template("consultation/confirmed.html", error=None, comment=comment)


@bp.route("/<int:document_id>/extend", methods=["POST"])
def extend(document_id: int):
    document, period = period_or_404(document_id)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_extend_period(current_user):
        abort(403)
    form = ExtendForm()
    if not form.validate():
        flash_form_errors(form)
        return _page(document, period, status=422, extend_form=form)
    try:
        services.extend_period(period, to_utc(form.closes_at.data), actor=current_user)
    except ServiceError as exc:
        form.closes_at.errors = [*form.closes_at.errors, exc.message]
        flash_error(exc)
        return _page(document, period, status=exc.status, extend_form=form)
    flash(
        _(
            "The comment period now closes on %(when)s; the group’s editors and member units "
            "have been told by mail.",
            when=format_dt(period.closes_at, "full"),
        ),
        "success",
    )
    return redirect(url_for("consultation.page", document_id=document.id))


# --- the panel on the editors' document page ----------------------------------


def consultation_overview(document: StandardDocument) -> dict | None:
    """The comment period and comments per clause, for templates/documents/show.html."""
    period = queries.latest_period(document)
    if period is None:
        return None
    show_counts = permissions.can_see_comment_counts(current_user, document)
    return {
        "period": period,
        "status": period.status(),
        "clauses": queries.clause_counts(document) if show_counts else [],
        "show_counts": show_counts,
    }


def open_consultations_for_home() -> list[CommentPeriod]:
    return queries.open_periods(public_only=not current_user.is_authenticated)


def _any_open(user) -> bool:
    return bool(queries.open_periods(public_only=not user.is_authenticated, limit=1))


bp.add_app_template_global(consultation_overview, "consultation_overview")
bp.add_app_template_global(open_consultations_for_home, "open_consultations_for_home")
templating.HOME_SECTIONS.append(
    templating.HomeSection(_l("Drafts for comments"), "consultation/_home.html", _any_open, 15)
)
templating.PERMISSIONS.update(
    {
        "can_extend_period": permissions.can_extend_period,
        "can_comment_in_period": permissions.can_comment_in_period,
    }
)


@bp.app_context_processor
def _labels():
    return {
        "audience_labels": AUDIENCE_LABELS,
        "period_status_labels": PERIOD_STATUS_LABELS,
        "PeriodStatus": PeriodStatus,
    }

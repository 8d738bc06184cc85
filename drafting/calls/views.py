"""Public call pages and the secretariat's call editor."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from drafting import templating
from drafting.calls import permissions, queries, services
from drafting.calls.forms import (
    CallForm,
    ExtendForm,
    RequirementForm,
    StandardForm,
)
from drafting.calls.models import (
    CALL_STATE_LABELS,
    EVIDENCE_LABELS,
    Call,
    CallAttachment,
    CallStandard,
    CallState,
    EvidenceKind,
    Requirement,
)
from drafting.calls.queries import load_call
from drafting.core import pagecache
from drafting.core.files import read_upload, send_stored
from drafting.core.markdown import render_markdown
from drafting.core.requests import page_number
from drafting.core.timeutil import as_utc, to_local, to_utc, utcnow
from drafting.core.web import get_or_404, on_refusal, require, url_pattern
from drafting.extensions import db

bp = Blueprint("calls", __name__, url_prefix="/calls")


def _call_or_404(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None or not permissions.can_view_call(current_user, call):
        abort(404)
    return call


@bp.route("/")
def index():
    page = request.args.get("page", 1, type=page_number)
    # ?archived=1 lists the archived calls (as past calls) instead of the current ones.
    archived = request.args.get("archived") == "1"
    past, has_next = queries.past_calls(page, archived=archived)
    first = page == 1 and not archived
    return render_template(
        "calls/index.html",
        # The calls still open (or opening soon) head the first page; the
        # past ones follow, a page at a time.
        open_calls=queries.current_calls() if first else [],
        past_calls=past,
        page=page,
        has_next=has_next,
        archived=archived,
        drafts=queries.draft_calls()
        if first and permissions.can_manage_calls(current_user)
        else [],
        **list_helpers(),
    )


def list_helpers() -> dict:
    """What calls/_list.html needs, resolved once per request instead of per row."""
    return {
        "call_url": url_pattern("calls.show", "call_id"),
        "call_state_names": {k: str(v) for k, v in CALL_STATE_LABELS.items()},
    }


@bp.route("/<int:call_id>")
def show(call_id: int):
    # The call's own row only: what is the same for every reader (the notice,
    # standards, requirements, files) comes from the page cache, loaded and
    # rendered only when the call changed since it was last stored.
    call = db.session.get(Call, call_id)
    if call is None or not permissions.can_view_call(current_user, call):
        abort(404)
    body_html = pagecache.fragment(
        f"call-page:{call.id}:{call.cache_tag}:{get_locale()}", lambda: _call_body(call.id)
    )
    return render_template(
        "calls/show.html",
        call=call,
        body_html=body_html,
        can_apply=permissions.can_start_application(current_user, call),
        can_manage=permissions.can_manage_calls(current_user),
    )


def _call_body(call_id: int) -> str:
    call = load_call(call_id)
    return render_template(
        "calls/_body.html", call=call, notice_html=Markup(render_markdown(call.notice))
    )


@bp.route("/<int:call_id>/attachments/<int:attachment_id>")
def attachment(call_id: int, attachment_id: int):
    call = _call_or_404(call_id)
    item = get_or_404(CallAttachment, attachment_id)
    if item.call_id != call.id:
        abort(404)
    return send_stored(
        item.sha256, item.filename, item.content_type, inline=request.args.get("inline") == "1"
    )


# --- the secretariat's editor ---------------------------------------------


def _manage_call(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None:
        abort(404)
    require(permissions.can_manage_calls(current_user))
    return call


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(permissions.can_manage_calls(current_user))
    form = CallForm()
    if form.validate_on_submit():
        with on_refusal(
            lambda exc: (render_template("calls/form.html", form=form, call=None), 422)
        ):
            call = services.create_call(
                title=form.title.data,
                notice=form.notice.data or "",
                issuing_body=form.issuing_body.data or "",
                contact=form.contact.data or "",
                opens_at=to_utc(form.opens_at.data),
                closes_at=to_utc(form.closes_at.data),
                actor=current_user,
            )
        flash(
            _("The call has been created as a draft. Add its standards and requirements."),
            "success",
        )
        return redirect(url_for("calls.edit", call_id=call.id))
    return render_template("calls/form.html", form=form, call=None), (
        422 if form.is_submitted() else 200
    )


def _editor(call: Call, form=None, standard_form=None, requirement_form=None, status=200):
    form = form or CallForm(obj=call, formdata=None)
    if not form.is_submitted():
        form.opens_at.data, form.closes_at.data = to_local(call.opens_at), to_local(call.closes_at)
    requirement_form = requirement_form or RequirementForm(formdata=None)
    requirement_form.standards.choices = [(s.id, s.title_zh) for s in call.standards]
    extend_form = ExtendForm(formdata=None)
    extend_form.closes_at.data = to_local(call.closes_at)
    return render_template(
        "calls/form.html",
        call=call,
        form=form,
        standard_form=standard_form or StandardForm(formdata=None),
        requirement_form=requirement_form,
        extend_form=extend_form,
    ), status


@bp.route("/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def edit(call_id: int):
    call = _manage_call(call_id)
    form = CallForm()
    if request.method == "GET":
        return _editor(call)
    if not form.validate():
        return _editor(call, form=form, status=422)
    with on_refusal(lambda exc: _editor(call, form=form, status=exc.status)):
        services.update_call(
            call,
            actor=current_user,
            title=form.title.data.strip(),
            notice=form.notice.data or "",
            issuing_body=(form.issuing_body.data or "").strip(),
            contact=(form.contact.data or "").strip(),
            opens_at=to_utc(form.opens_at.data),
            closes_at=to_utc(form.closes_at.data),
        )
    flash(_("The call has been saved."), "success")
    return redirect(url_for("calls.edit", call_id=call.id))


@bp.route("/<int:call_id>/standards", methods=["POST"])
@login_required
def add_standard(call_id: int):
    call = _manage_call(call_id)
    form = StandardForm()
    if not form.validate():
        flash(_("Please correct the fields marked below."), "error")
        return _editor(call, standard_form=form, status=422)
    with on_refusal(lambda exc: _editor(call, standard_form=form, status=exc.status)):
        services.add_standard(
            call,
            title_zh=form.title_zh.data,
            title_en=form.title_en.data or "",
            scope=form.scope.data or "",
            planned_number=form.planned_number.data or "",
            main_capacity=form.main_capacity.data,
            actor=current_user,
        )
    flash(_("The standard has been added."), "success")
    return redirect(url_for("calls.edit", call_id=call.id) + "#standards")


@bp.route("/<int:call_id>/standards/<int:standard_id>/delete", methods=["POST"])
@login_required
def remove_standard(call_id: int, standard_id: int):
    call = _manage_call(call_id)
    standard = get_or_404(CallStandard, standard_id)
    with on_refusal(lambda exc: _editor(call, status=exc.status)):
        services.remove_standard(call, standard, actor=current_user)
    flash(_("The standard has been removed."), "success")
    return redirect(url_for("calls.edit", call_id=call.id) + "#standards")


@bp.route("/<int:call_id>/requirements", methods=["POST"])
@login_required
def add_requirement(call_id: int):
    call = _manage_call(call_id)
    form = RequirementForm()
    form.standards.choices = [(s.id, s.title_zh) for s in call.standards]
    if not form.validate():
        flash(_("Please correct the fields marked below."), "error")
        return _editor(call, requirement_form=form, status=422)
    with on_refusal(lambda exc: _editor(call, requirement_form=form, status=exc.status)):
        services.add_requirement(
            call,
            text=form.text.data,
            mandatory=form.mandatory.data,
            evidence=EvidenceKind(form.evidence.data),
            weight=form.weight.data,
            standard_ids=form.standards.data or [],
            actor=current_user,
        )
    flash(_("The requirement has been added."), "success")
    return redirect(url_for("calls.edit", call_id=call.id) + "#requirements")


@bp.route("/<int:call_id>/requirements/<int:requirement_id>/delete", methods=["POST"])
@login_required
def remove_requirement(call_id: int, requirement_id: int):
    call = _manage_call(call_id)
    requirement = get_or_404(Requirement, requirement_id)
    with on_refusal(lambda exc: _editor(call, status=exc.status)):
        services.remove_requirement(call, requirement, actor=current_user)
    flash(_("The requirement has been removed."), "success")
    return redirect(url_for("calls.edit", call_id=call.id) + "#requirements")


@bp.route("/<int:call_id>/attachments", methods=["POST"])
@login_required
def add_attachment(call_id: int):
    call = _manage_call(call_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return _editor(call, status=400)
    with on_refusal(lambda exc: _editor(call, status=exc.status)):
        services.add_attachment(
            call, filename=upload.filename, data=read_upload(upload), actor=current_user
        )
    flash(_("The file has been attached to the call."), "success")
    return redirect(url_for("calls.edit", call_id=call.id) + "#attachments")


@bp.route("/<int:call_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_attachment(call_id: int, attachment_id: int):
    call = _manage_call(call_id)
    item = get_or_404(CallAttachment, attachment_id)
    if item.call_id != call.id:
        abort(404)
    services.remove_attachment(call, item, actor=current_user)
    flash(_("The file has been removed."), "success")
    return redirect(url_for("calls.edit", call_id=call.id) + "#attachments")


@bp.route("/<int:call_id>/publish", methods=["POST"])
@login_required
def publish(call_id: int):
    call = _manage_call(call_id)
    with on_refusal(lambda exc: _editor(call, status=exc.status)):
        services.publish(call, actor=current_user)
    flash(_("The call is published."), "success")
    return redirect(url_for("calls.show", call_id=call.id))


@bp.route("/<int:call_id>/extend", methods=["POST"])
@login_required
def extend(call_id: int):
    call = _manage_call(call_id)
    form = ExtendForm()
    if not form.validate():
        flash(_("Give the new deadline."), "error")
        return _editor(call, status=422)
    with on_refusal(lambda exc: _editor(call, status=exc.status)):
        services.extend_deadline(call, to_utc(form.closes_at.data), actor=current_user)
    flash(_("The deadline has been extended; the applicants are being told by mail."), "success")
    return redirect(url_for("calls.edit", call_id=call.id))


@bp.route("/<int:call_id>/close", methods=["POST"])
@login_required
def close(call_id: int):
    call = _manage_call(call_id)
    with on_refusal(lambda exc: _editor(call, status=exc.status)):
        services.close_early(call, actor=current_user)
    flash(_("The call is closed."), "success")
    return redirect(url_for("calls.edit", call_id=call.id))


@bp.route("/<int:call_id>/archive", methods=["POST"])
@login_required
def archive(call_id: int):
    call = _manage_call(call_id)
    with on_refusal(lambda exc: redirect(url_for("calls.show", call_id=call.id))):
        services.archive(call, actor=current_user)
    flash(_("The call is archived: it no longer shows in the list of calls."), "success")
    return redirect(url_for("calls.show", call_id=call.id))


def _always(user) -> bool:
    return True


templating.NAV.append(templating.NavEntry("calls.index", _l("Calls"), _always, 10))
templating.PERMISSIONS.update(
    {
        "can_manage_calls": permissions.can_manage_calls,
        "can_start_application": permissions.can_start_application,
    }
)
templating.HOME_SECTIONS.append(
    templating.HomeSection(_l("Open calls"), "calls/_home.html", _always, 10)
)


def time_left(call: Call) -> str:
    delta = as_utc(call.closes_at) - utcnow()
    if delta.total_seconds() <= 0:
        return _("closed")
    days, hours = delta.days, delta.seconds // 3600
    if days:
        return _("%(d)d days %(h)d hours left", d=days, h=hours)
    return _("%(h)d hours %(m)d minutes left", h=hours, m=(delta.seconds % 3600) // 60)


@bp.app_context_processor
def _call_helpers():
    return {
        "call_state_labels": CALL_STATE_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "time_left": time_left,
        "open_calls_for_home": open_calls_for_home,
    }


def open_calls_for_home(limit: int = 5) -> list[Call]:
    """The calls open now, soonest deadline first, for the home page."""

    now = utcnow()
    return list(
        db.session.scalars(
            select(Call)
            .where(Call.state == CallState.PUBLISHED, Call.opens_at <= now, Call.closes_at > now)
            .order_by(Call.closes_at)
            .limit(limit)
        )
    )

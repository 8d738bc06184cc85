"""Standard documents: list, editor, history, diffs, comments, stages, group."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select

from drafting import templating
from drafting.accounts.models import Organization, User
from drafting.core.errors import ServiceError
from drafting.core.files import IMAGE_TYPES, limit_mb, read_stored, read_upload
from drafting.core.requests import (
    MAX_ID,
    accepts_json,
    id_from_text,
    parse_json_object,
    request_id,
)
from drafting.core.timeutil import to_local, to_utc
from drafting.core.transaction import keep_on_error
from drafting.core.web import (
    deny,
    flash_error,
    flash_form_errors,
    get_or_404,
    on_refusal,
    require,
)
from drafting.documents import exports, permissions, queries, services
from drafting.documents.diff import diff_revisions, render_inline_html, render_side_by_side_html
from drafting.documents.forms import (
    CommentForm,
    DraftersForm,
    EditorForm,
    MemberForm,
    MoveForm,
    NameEditorForm,
    NewDocumentForm,
    ReplyForm,
    ResolveForm,
    SettingsForm,
    StageForm,
)
from drafting.documents.merge import MergeResult, has_conflict_markers, merge_texts
from drafting.documents.models import Comment, DocumentAttachment, Revision, StandardDocument
from drafting.documents.rendering import images_of, placeholder_labels, rendered_revision
from drafting.documents.states import (
    COMMENT_TYPE_LABELS,
    RESOLUTION_LABELS,
    STAGE_LABELS,
    DocumentStage,
)
from drafting.export import build_html
from drafting.extensions import db, limiter
from drafting.groups import services as group_services
from drafting.groups.models import DraftingGroup, GroupRole
from drafting.standardtext import render, run_checks

bp = Blueprint("documents", __name__, url_prefix="/documents")


def locale() -> str:
    return str(get_locale() or "zh")[:2]


def document_or_404(document_id: int, check=permissions.can_view_document) -> StandardDocument:
    """The document, if the user may see it; 404 when they may not know it
    exists (a hidden one answers as a missing one), 403 when they see it but
    may not do this. Anonymous visitors are asked to log in either way."""
    document = queries.load_document(document_id)
    if document is None or not permissions.can_view_document(current_user, document):
        if not current_user.is_authenticated:
            abort(deny())
        abort(404)
    if not check(current_user, document):
        abort(deny())
    return document


def revision_or_404(document: StandardDocument, revision_id: int) -> Revision:
    revision = queries.revision_of(document, revision_id)
    if revision is None:
        abort(404)
    return revision


def _json_body() -> dict:
    return parse_json_object()


def _outline_choices(rendered) -> list[tuple[str, str]]:
    choices = [("", _("The document as a whole"))]
    for heading in rendered.outline:
        if heading.display_number:
            choices.append((heading.display_number, heading.display[:80]))
    return choices


SEVERITY_LABELS = {"error": _l("error"), "warning": _l("warning"), "info": _l("info")}


def _findings(text: str, attachments=None, known_patents: bool = False) -> list[dict]:
    return [
        {**f.to_dict(locale()), "severity_label": str(SEVERITY_LABELS.get(f.severity, f.severity))}
        for f in run_checks(text, attachments=attachments, known_patents=known_patents)
    ]


# --- list, create, settings -----------------------------------------------


@bp.route("/")
def index():
    documents = queries.visible_documents(current_user)
    return render_template(
        "documents/index.html",
        documents=documents,
        can_import_word=bool(queries.editable_groups(current_user)),
    )


def _group_options() -> list[tuple[int, str]]:
    """Every drafting group, newest first, named with its call and planned number."""
    groups = db.session.scalars(select(DraftingGroup).order_by(DraftingGroup.id.desc())).all()
    labels = queries.group_labels(groups)
    return [(g.id, labels[g.id]) for g in groups]


def _group_choices(form: NewDocumentForm) -> None:
    form.group_id.choices = [(0, _("A new drafting group"))] + _group_options()
    orgs = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    form.main_unit_id.choices = [(0, "—")] + [(o.id, o.name) for o in orgs]


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not current_user.is_authenticated:
        return deny()
    require(permissions.can_create_document(current_user))
    form = NewDocumentForm()
    _group_choices(form)
    if not form.is_submitted():
        # From a call's group without a document yet (reviews.groups): its group and title.
        group_id = request.args.get("group", type=request_id)
        if group_id in {value for value, _label in form.group_id.choices}:
            form.group_id.data = group_id
            form.title_zh.data = request.args.get("title", "")[:300]
    if form.validate_on_submit():
        with on_refusal(lambda exc: (render_template("documents/new.html", form=form), 422)):
            if form.group_id.data:
                group = get_or_404(DraftingGroup, form.group_id.data)
            else:
                group = group_services.create_group(form.title_zh.data, actor=current_user)
                if form.main_unit_id.data:
                    org = get_or_404(Organization, form.main_unit_id.data)
                    group_services.add_member(group, org, GroupRole.MAIN, actor=current_user)
            document = services.create_document(
                **form.cover_fields(),
                group=group,
                actor=current_user,
            )
        flash(_("The document has been created from the GB/T 1.1-2020 skeleton."), "success")
        return redirect(url_for("documents.group", document_id=document.id))
    if form.is_submitted():
        flash_form_errors(form)
    return render_template("documents/new.html", form=form), (422 if form.is_submitted() else 200)


@bp.route("/<int:document_id>/settings", methods=["GET", "POST"])
def settings(document_id: int):
    document = document_or_404(document_id, permissions.can_manage_document)
    form = SettingsForm(obj=document)
    if not form.is_submitted():
        form.comment_period_ends_at.data = to_local(document.comment_period_ends_at)
    if form.validate_on_submit():
        with on_refusal(lambda exc: _settings_page(document, form, 422)):
            services.update_document(
                document,
                actor=current_user,
                **form.cover_fields(),
                comment_period_ends_at=to_utc(form.comment_period_ends_at.data),
                comments_public=form.comments_public.data,
                replaces=form.replaces.data or "",
                adoption=form.adoption.data or "",
                known_patents=form.known_patents.data,
            )
        flash(_("The document’s details have been saved."), "success")
        return redirect(url_for("documents.show", document_id=document.id))
    if form.is_submitted():
        flash_form_errors(form)
    return _settings_page(document, form, 422 if form.is_submitted() else 200)


def _settings_page(document: StandardDocument, form: SettingsForm, status: int = 200):
    move_form = MoveForm(prefix="move", formdata=None)
    move_form.group_id.choices = _group_options()
    move_form.group_id.data = document.drafting_group_id
    return render_template(
        "documents/settings.html",
        document=document,
        form=form,
        move_form=move_form,
        deletion_refusal=services.deletion_refusal(document),
    ), status


@bp.route("/<int:document_id>/move", methods=["POST"])
def move(document_id: int):
    document = document_or_404(document_id, permissions.can_manage_document)
    form = MoveForm(prefix="move")
    form.group_id.choices = _group_options()
    if not form.validate():
        flash_form_errors(form)
        return _settings_page(document, SettingsForm(obj=document, formdata=None), 422)
    group = get_or_404(DraftingGroup, form.group_id.data)
    with on_refusal(
        lambda exc: _settings_page(document, SettingsForm(obj=document, formdata=None), exc.status)
    ):
        services.move_document(document, group, actor=current_user)
    flash(_("The document is now filed under the group “%(name)s”.", name=group.name), "success")
    return redirect(url_for("documents.settings", document_id=document.id))


@bp.route("/<int:document_id>/delete", methods=["POST"])
def delete(document_id: int):
    document = document_or_404(document_id, permissions.can_manage_document)
    number = document.number
    with on_refusal(
        lambda exc: _settings_page(document, SettingsForm(obj=document, formdata=None), exc.status)
    ):
        services.delete_document(document, actor=current_user)
    flash(_("The document %(number)s has been deleted.", number=number), "success")
    return redirect(url_for("documents.index"))


@bp.route("/<int:document_id>/group", methods=["GET", "POST"])
def group(document_id: int):
    """The one page that manages a drafting group: the secretariat names its units
    (and their roles), its editors, and whether participating units edit."""
    document = document_or_404(document_id, permissions.can_manage_document)
    grp = document.drafting_group
    member_form, editor_form = MemberForm(prefix="m"), NameEditorForm(prefix="e")
    member_form.organization_id.choices = [
        (o.id, o.name) for o in db.session.scalars(select(Organization).order_by(Organization.name))
    ]
    if request.method == "POST":
        with on_refusal(lambda exc: _group_page(document, member_form, editor_form, 422)):
            if "m-organization_id" in request.form and member_form.validate():
                org = get_or_404(Organization, member_form.organization_id.data)
                group_services.add_member(
                    grp, org, GroupRole(member_form.role.data), actor=current_user
                )
                flash(_("%(org)s is in the drafting group.", org=org.name), "success")
                return redirect(url_for("documents.group", document_id=document.id))
            if "e-email" in request.form and editor_form.validate():
                user = db.session.scalar(
                    select(User).where(User.email == editor_form.email.data.strip().lower())
                )
                if user is None:
                    editor_form.email.errors = [_("No user has this email address.")]
                else:
                    group_services.name_editor(grp, user, actor=current_user)
                    flash(_("%(name)s is an editor of the document.", name=user.name), "success")
                    return redirect(url_for("documents.group", document_id=document.id))
            if "remove_org" in request.form:
                org = get_or_404(Organization, request.form.get("remove_org", type=request_id))
                group_services.remove_member(grp, org, actor=current_user)
                return redirect(url_for("documents.group", document_id=document.id))
            if "remove_editor" in request.form:
                user = get_or_404(User, request.form.get("remove_editor", type=request_id))
                group_services.remove_editor(grp, user, actor=current_user)
                return redirect(url_for("documents.group", document_id=document.id))
            if "participants_may_edit" in request.form:
                group_services.set_participants_may_edit(
                    grp, request.form["participants_may_edit"] == "1", actor=current_user
                )
                return redirect(url_for("documents.group", document_id=document.id))
    return _group_page(document, member_form, editor_form, 422 if request.method == "POST" else 200)


def _group_page(document: StandardDocument, member_form, editor_form, status: int):
    return render_template(
        "documents/group.html",
        document=document,
        group=document.drafting_group,
        member_form=member_form,
        editor_form=editor_form,
    ), status


@bp.route("/<int:document_id>/drafters", methods=["GET", "POST"])
def drafters(document_id: int):
    """Each drafting unit names its drafters, in order: they feed 前言's 主要起草人 line."""
    document = document_or_404(document_id, permissions.can_view_drafters)
    grp = document.drafting_group
    status = 200
    if request.method == "POST":
        form = DraftersForm()
        org = grp.membership_of(form.organization_id.data) if form.validate() else None
        if org is None:
            if form.errors:
                flash_form_errors(form)
            else:
                flash(_("This organization is not in the drafting group."), "error")
            status = 422
        else:
            require(permissions.can_name_drafters(current_user, document, org.organization_id))
            with on_refusal(lambda exc: _drafters_page(document, exc.status)):
                group_services.set_unit_drafters(
                    grp,
                    org.organization,
                    (form.names.data or "").split("\n"),
                    actor=current_user,
                )
            flash(_("The drafters of %(org)s are saved.", org=org.organization.name), "success")
            return redirect(url_for("documents.drafters", document_id=document.id))
    return _drafters_page(document, status)


def _drafters_page(document: StandardDocument, status: int):
    grp = document.drafting_group
    units = [
        {
            "organization": org,
            "role": grp.membership_of(org.id).role,
            "drafters": group_services.unit_drafters(grp, org.id),
            "can_edit": permissions.can_name_drafters(current_user, document, org.id),
        }
        for org in group_services.drafting_units(grp)
    ]
    return render_template(
        "documents/drafters.html",
        document=document,
        units=units,
        foreword_drafters=group_services.foreword_drafters(grp),
    ), status


# --- the document page ----------------------------------------------------


@bp.route("/<int:document_id>")
def show(document_id: int):
    document = document_or_404(document_id)
    head = document.head_revision
    rendered = rendered_revision(document, head) if head else None
    return render_template(
        "documents/show.html",
        document=document,
        head=head,
        rendered=rendered,
        counts=queries.comment_counts(document),
        changes=queries.stage_changes_of(document),
        units=group_services.drafting_units(document.drafting_group),
    )


# --- the editor -----------------------------------------------------------


@dataclass
class EditorState:
    text: str
    base_revision_id: int | None
    restored_at: object = None
    merged_draft: bool = False
    merge: MergeResult | None = None


def editor_state(document: StandardDocument, user) -> EditorState:
    """What the editor opens with: the head, or the user's unsaved draft (merged with newer saves)."""
    head = document.head_revision
    draft = services.draft_of(document, user)
    if draft is None or draft.text == head.text:
        return EditorState(head.text, head.id)
    if draft.base_revision_id in (None, head.id):
        return EditorState(draft.text, head.id, restored_at=draft.updated_at)
    base = draft.base_revision
    merge = merge_texts(base.text, draft.text, head.text)
    if merge.clean:
        return EditorState(merge.text, head.id, restored_at=draft.updated_at, merged_draft=True)
    return EditorState(merge.conflict_text(), head.id, restored_at=draft.updated_at, merge=merge)


def _editor_page(
    document: StandardDocument,
    state: EditorState,
    form: EditorForm | None = None,
    status: int = 200,
):
    form = form or EditorForm(formdata=None)
    form.text.data = state.text
    form.base_revision_id.data = state.base_revision_id
    # Render the state's base, not the one posted: after a conflict the text
    # shown already holds the head, so a save of it must be based on the head.
    form.base_revision_id.raw_data = None
    images = images_of(document)
    rendered = (
        render(state.text, **images, placeholders=placeholder_labels()) if not state.merge else None
    )
    return render_template(
        "documents/editor.html",
        document=document,
        form=form,
        state=state,
        rendered=rendered,
        findings=run_checks(
            state.text,
            attachments=images["attachments"],
            known_patents=document.known_patents,
        ),
        locale=locale(),
        has_markers=has_conflict_markers(state.text),
        severity_labels=SEVERITY_LABELS,
        attachments=services.attachments_of(document),
        upload_limit_mb=limit_mb(),
        others=services.present_users(document, exclude=current_user),
    ), status


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
def edit(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    if request.method == "GET":
        return _editor_page(document, editor_state(document, current_user))
    form = EditorForm()
    if not form.validate():
        flash_form_errors(form)
        return _editor_page(
            document, EditorState(form.text.data or "", document.head_revision_id), form, 422
        )
    try:
        result = services.save_revision(
            document,
            form.text.data or "",
            form.base_revision_id.data,
            form.message.data or "",
            actor=current_user,
        )
    except services.SaveConflict as exc:
        flash_error(exc)
        state = EditorState(exc.merge.conflict_text(), exc.head.id, merge=exc.merge)
        return _editor_page(document, state, form, 409)
    except ServiceError as exc:
        flash_error(exc)
        if exc.code != "published":
            services.keep_draft(
                document, current_user, form.text.data or "", form.base_revision_id.data
            )

            keep_on_error()
        return _editor_page(
            document,
            EditorState(form.text.data or "", form.base_revision_id.data),
            form,
            exc.status,
        )
    if not result.created:
        flash(_("Nothing changed since the last revision."), "info")
    elif result.merged:
        flash(
            _(
                "Saved as revision %(n)d. Changes by %(names)s saved meanwhile were merged in.",
                n=result.revision.number,
                names="、".join(result.merged_authors),
            ),
            "success",
        )
    else:
        flash(_("Saved as revision %(n)d.", n=result.revision.number), "success")
    return redirect(url_for("documents.edit", document_id=document.id))


@bp.route("/<int:document_id>/autosave", methods=["POST"])
@accepts_json
def autosave(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    data = _json_body()
    text, base = data.get("text"), data.get("base_revision_id")
    if not isinstance(text, str) or not isinstance(base, int) or not 1 <= base <= MAX_ID:
        return jsonify(
            error="invalid", message=_("Send the text and the revision it was edited from.")
        ), 422
    draft = services.keep_draft(document, current_user, text, base)
    return jsonify(
        saved_at=draft.updated_at.isoformat(), head_revision_id=document.head_revision_id
    )


@bp.route("/<int:document_id>/draft/discard", methods=["POST"])
def discard_draft(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    services.discard_draft(document, current_user)
    flash(_("Your unsaved text was discarded; the editor shows the latest revision."), "info")
    return redirect(url_for("documents.edit", document_id=document.id))


@bp.route("/<int:document_id>/preview", methods=["POST"])
@accepts_json
def preview(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    text = _json_body().get("text")
    if not isinstance(text, str):
        return jsonify(error="invalid", message=_("Send the text to preview.")), 422
    if has_conflict_markers(text):
        return jsonify(
            html="",
            findings=[],
            markers=True,
            message=_("Resolve the conflict markers to see the preview."),
        )
    images = images_of(document)
    rendered = render(text, **images, placeholders=placeholder_labels())
    return jsonify(
        html=rendered.html,
        findings=_findings(text, images["attachments"], document.known_patents),
        markers=False,
        head_revision_id=document.head_revision_id,
    )


# --- images (attachments the figures refer to) ----------------------------


def _attachment(document: StandardDocument, name: str):
    attachment = services.attachment_of(document, name)
    if attachment is None:
        abort(404)
    return attachment


@bp.route("/<int:document_id>/attachments/<name>")
def attachment(document_id: int, name: str):
    """An image of the document, to those who may read the document."""

    document = document_or_404(document_id)
    att = _attachment(document, name)
    return attachment_response(att)


def attachment_response(att: DocumentAttachment) -> Response:
    """A document image as the browser gets it, wherever it is shown (the document's
    pages, a ballot's page): sniffed images inline, anything else downloaded, with a
    validator so a figure is fetched once."""
    response = make_response(read_stored(att.sha256, att.name))
    response.headers["Content-Type"] = att.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    # Only the images we sniffed are shown in the browser; anything else is downloaded.
    disposition = "inline" if att.content_type in IMAGE_TYPES else "attachment"
    extension = {"image/png": ".png", "image/jpeg": ".jpg"}.get(att.content_type, "")
    fallback = (
        "".join(c for c in att.name if c.isascii() and (c.isalnum() or c in "-_.")).strip(".")
        or "image"
    )
    if extension and not fallback.lower().endswith((extension, ".jpeg")):
        fallback += extension
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(att.name, safe='')}"
    )
    response.set_etag(att.sha256)
    return response.make_conditional(request)


@bp.route("/<int:document_id>/attachments", methods=["POST"])
def upload_attachment(document_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a PNG or JPEG image to upload."), "error")
        return _editor_page(document, editor_state(document, current_user), status=422)
    with on_refusal(
        lambda exc: _editor_page(document, editor_state(document, current_user), status=exc.status)
    ):
        att = services.add_attachment(
            document,
            filename=upload.filename,
            data=read_upload(upload),
            name=request.form.get("name"),
            actor=current_user,
        )
    flash(
        _(
            "The image %(name)s is stored. Refer to it in the text as %(snippet)s.",
            name=att.name,
            snippet=att.markdown,
        ),
        "success",
    )
    return redirect(url_for("documents.edit", document_id=document.id, _anchor="images"))


@bp.route("/<int:document_id>/attachments/<name>/remove", methods=["POST"])
def remove_attachment(document_id: int, name: str):
    document = document_or_404(document_id, permissions.can_edit_document)
    att = _attachment(document, name)
    with on_refusal(
        lambda exc: redirect(url_for("documents.edit", document_id=document.id, _anchor="images"))
    ):
        services.remove_attachment(document, att, actor=current_user)
    flash(
        _(
            "The image %(name)s was removed. Figures that still name it show a placeholder.",
            name=name,
        ),
        "info",
    )
    return redirect(url_for("documents.edit", document_id=document.id, _anchor="images"))


@bp.route("/<int:document_id>/presence", methods=["POST"])
@accepts_json
def presence(document_id: int):
    document = document_or_404(document_id)
    if not current_user.is_authenticated:
        return jsonify(error="unauthorized", message=_("Log in to be shown as present.")), 401
    services.heartbeat(document, current_user)
    others = services.present_users(document, exclude=current_user)
    return jsonify(users=[u.name for u in others], head_revision_id=document.head_revision_id)


@bp.route("/csrf-token")
def csrf_token():
    """A fresh CSRF token for long-open editor pages."""
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


# --- history and diffs ----------------------------------------------------


@bp.route("/<int:document_id>/history")
def history(document_id: int):
    document = document_or_404(document_id)
    revisions = queries.revisions_of(document)
    return render_template(
        "documents/history.html",
        document=document,
        revisions=revisions,
        can_edit=permissions.can_edit_document(current_user, document),
    )


@bp.route("/<int:document_id>/revisions/<int:revision_id>")
def revision(document_id: int, revision_id: int):
    document = document_or_404(document_id)
    rev = revision_or_404(document, revision_id)
    return render_template(
        "documents/revision.html",
        document=document,
        revision=rev,
        rendered=rendered_revision(document, rev),
        can_edit=permissions.can_edit_document(current_user, document),
    )


@bp.route("/<int:document_id>/revisions/<int:revision_id>/restore", methods=["POST"])
def restore(document_id: int, revision_id: int):
    document = document_or_404(document_id, permissions.can_edit_document)
    rev = revision_or_404(document, revision_id)
    with on_refusal(lambda exc: redirect(url_for("documents.history", document_id=document.id))):
        result = services.restore_revision(document, rev, actor=current_user)
    if result.created:
        flash(
            _(
                "Revision %(old)d restored as revision %(n)d.",
                old=rev.number,
                n=result.revision.number,
            ),
            "success",
        )
    else:
        flash(_("Revision %(old)d is the same as the latest revision.", old=rev.number), "info")
    return redirect(url_for("documents.history", document_id=document.id))


@bp.route("/<int:document_id>/diff")
def diff(document_id: int):
    document = document_or_404(document_id)
    head = document.head_revision
    old = revision_or_404(
        document, request.args.get("from", type=request_id) or (head.parent_id or head.id)
    )
    new = revision_or_404(document, request.args.get("to", type=request_id) or head.id)
    view = "inline" if request.args.get("view") == "inline" else "side"
    result = diff_revisions(old.text, new.text)
    label = _("{n} unchanged lines")
    html = (
        render_inline_html(result, skip_label=label)
        if view == "inline"
        else render_side_by_side_html(result, skip_label=label)
    )
    revisions = queries.revisions_of(document)
    return render_template(
        "documents/diff.html",
        document=document,
        old=old,
        new=new,
        view=view,
        html=html,
        stats=result.stats,
        revisions=revisions,
    )


# --- comments -------------------------------------------------------------


def _comment_page(document: StandardDocument, form: CommentForm | None = None, status: int = 200):
    head = document.head_revision
    rendered = rendered_revision(document, head)
    form = form or CommentForm(formdata=None)
    form.clause.choices = _outline_choices(rendered)
    if not form.revision_id.data:
        form.revision_id.data = head.id
    if request.args.get("clause") and not form.is_submitted():
        form.clause.data = request.args["clause"]
    filters = queries.CommentFilters.from_args(request.args)
    threads = queries.comment_threads(document, filters)
    return render_template(
        "documents/comments.html",
        document=document,
        form=form,
        threads=threads,
        filters=filters,
        organizations=queries.commenting_organizations(document),
        clauses=form.clause.choices,
        can_comment=permissions.can_comment(current_user, document),
        can_resolve=permissions.can_resolve_comments(current_user, document),
        resolve_form=ResolveForm(formdata=None),
        reply_form=ReplyForm(formdata=None),
        counts=queries.comment_counts(document),
    ), status


def _public_comments_elsewhere(document: StandardDocument):
    """Comments without an account are confirmed by mail before the editors see
    them: they are sent from the page of the draft for comments (consultation)."""
    flash(
        _(
            "Without an account, comment on this page: your comment counts once you confirm it "
            "by mail."
        ),
        "info",
    )
    return redirect(url_for("consultation.page", document_id=document.id), 303)


def _not_anonymous() -> bool:
    return current_user.is_authenticated


@bp.route("/<int:document_id>/comments", methods=["GET", "POST"])
# Public comments come without an account: limit them per address.
@limiter.limit("30 per hour", methods=["POST"], exempt_when=_not_anonymous)
def comments(document_id: int):
    document = document_or_404(document_id)
    if request.method == "GET":
        return _comment_page(document)
    if not permissions.can_comment(current_user, document):
        return deny()
    if not current_user.is_authenticated:
        return _public_comments_elsewhere(document)
    form = CommentForm()
    head = document.head_revision
    form.clause.choices = _outline_choices(rendered_revision(document, head))
    if not form.validate():
        flash_form_errors(form)
        return _comment_page(document, form, 422)
    rev = (
        queries.revision_of(document, revision_id)
        if (revision_id := id_from_text(form.revision_id.data)) is not None
        else None
    )
    rev = rev or head
    with on_refusal(lambda exc: _comment_page(document, form, exc.status)):
        outline = (
            {h.display_number for h in rendered_revision(document, rev).outline}
            if rev.id != head.id
            else {value for value, _label in form.clause.choices}
        )
        services.add_comment(
            document,
            revision=rev,
            body=form.body.data,
            clause=form.clause.data or "",
            quote=form.quote.data or "",
            type=form.type.data,
            proposed_change=form.proposed_change.data or "",
            actor=current_user,
            author_name=form.author_name.data or "",
            organization_name=form.organization_name.data or "",
            outline_numbers=outline,
        )
    flash(_("Your comment has been recorded."), "success")
    return redirect(url_for("documents.comments", document_id=document.id))


def _comment(document: StandardDocument, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.document_id != document.id:
        abort(404)
    return comment


@bp.route("/<int:document_id>/comments/<int:comment_id>/reply", methods=["POST"])
def reply(document_id: int, comment_id: int):
    document = document_or_404(document_id, permissions.can_comment)
    if not current_user.is_authenticated:
        return _public_comments_elsewhere(document)
    parent = _comment(document, comment_id)
    form = ReplyForm()
    if not form.validate():
        flash(_("Write the reply."), "error")
        return redirect(url_for("documents.comments", document_id=document.id))
    with on_refusal(lambda exc: redirect(url_for("documents.comments", document_id=document.id))):
        services.reply(
            parent,
            body=form.body.data,
            actor=current_user,
            author_name=form.author_name.data or "",
            organization_name=form.organization_name.data or "",
        )
    flash(_("Your reply has been recorded."), "success")
    return redirect(url_for("documents.comments", document_id=document.id, _anchor=f"c{parent.id}"))


@bp.route("/<int:document_id>/comments/<int:comment_id>/resolve", methods=["POST"])
def resolve(document_id: int, comment_id: int):
    document = document_or_404(document_id, permissions.can_resolve_comments)
    comment = _comment(document, comment_id)
    form = ResolveForm()
    if not form.validate():
        flash_form_errors(form)
        return _comment_page(document, status=422)
    with on_refusal(lambda exc: _comment_page(document, status=exc.status)):
        services.resolve_comment(
            comment,
            form.resolution.data,
            reason=form.reason.data or "",
            actor=current_user,
            replaces=form.replaces.data or None,
        )
    flash(_("The comment is resolved."), "success")
    return redirect(
        url_for("documents.comments", document_id=document.id, _anchor=f"c{comment.id}")
    )


def _xlsx(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"comments.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@bp.route("/<int:document_id>/comments/resolution-table.xlsx")
def comments_table_xlsx(document_id: int):
    document = document_or_404(document_id, permissions.can_export_comments)
    threads = queries.comment_threads(document)
    return _xlsx(
        exports.resolution_table(document, threads), f"{document.title_zh}-征求意见汇总处理表.xlsx"
    )


@bp.route("/<int:document_id>/comments/iso-template.xlsx")
def comments_iso_xlsx(document_id: int):
    document = document_or_404(document_id, permissions.can_export_comments)
    threads = queries.comment_threads(document)
    return _xlsx(exports.iso_template(document, threads), f"{document.number}-comments.xlsx")


# --- export ---------------------------------------------------------------


def _export_revision(document: StandardDocument) -> Revision:
    revision_id = request.args.get("revision", type=request_id)
    return revision_or_404(document, revision_id) if revision_id else document.head_revision


@bp.route("/<int:document_id>/export.html")
def export_html(document_id: int):
    """The print preview: the same HTML the PDF is made from."""

    document = document_or_404(document_id)
    revision = _export_revision(document)
    html = build_html(
        queries.document_meta(document), revision.text, for_print=False, **images_of(document)
    )
    return make_response(html, 200, {"Content-Type": "text/html; charset=utf-8"})


# --- stages ---------------------------------------------------------------


def stage_page(document: StandardDocument, refusal: ServiceError | None = None, status: int = 200):
    head = document.head_revision
    findings = run_checks(head.text, known_patents=document.known_patents)
    errors = [f for f in findings if f.severity == "error"]
    return render_template(
        "documents/stage.html",
        document=document,
        transitions=services.DOCUMENT_STAGES.allowed(document.stage),
        errors=errors,
        findings=findings,
        locale=locale(),
        changes=queries.stage_changes_of(document),
        can_move=permissions.can_move_stage(current_user, document),
        can_override=permissions.can_override_checks(current_user, document),
        open_comments=services.unresolved_comments(document)
        if document.stage == DocumentStage.DRAFT_FOR_COMMENTS
        else [],
        refusal=refusal,
        form=StageForm(formdata=None),
    ), status


@bp.route("/<int:document_id>/stage", methods=["GET", "POST"])
def stage(document_id: int):
    document = document_or_404(document_id)
    if request.method == "GET":
        return stage_page(document)
    if not permissions.can_move_stage(current_user, document):
        return deny()
    form = StageForm()
    if not form.validate():
        flash_form_errors(form)
        return stage_page(document, status=422)
    with on_refusal(lambda exc: stage_page(document, refusal=exc, status=exc.status)):
        services.transition(
            document,
            form.stage.data,
            actor=current_user,
            override_checks=form.override_checks.data,
            reason=form.reason.data or "",
        )
    flash(
        _("The document is now at the stage “%(stage)s”.", stage=STAGE_LABELS[document.stage]),
        "success",
    )
    return redirect(url_for("documents.stage", document_id=document.id))


# --- templates ------------------------------------------------------------


def _may_see_documents(user) -> bool:
    return user.is_authenticated


templating.NAV.append(
    templating.NavEntry(
        "documents.index", lazy_pgettext("navigation", "Documents"), _may_see_documents, 20
    )
)
templating.PERMISSIONS.update(
    {
        "can_create_document": permissions.can_create_document,
        "can_manage_document": permissions.can_manage_document,
        "can_edit_document": permissions.can_edit_document,
        "can_comment": permissions.can_comment,
        "can_move_stage": permissions.can_move_stage,
        "can_resolve_comments": permissions.can_resolve_comments,
        "can_export_comments": permissions.can_export_comments,
        "can_view_drafters": permissions.can_view_drafters,
    }
)


@bp.app_context_processor
def _labels():
    return {
        "stage_labels": STAGE_LABELS,
        "comment_type_labels": COMMENT_TYPE_LABELS,
        "resolution_labels": RESOLUTION_LABELS,
    }


def _markup(html: str) -> Markup:
    # standardtext.render sanitizes its output (nh3), so it may be inserted as is.
    return Markup(html)


bp.add_app_template_filter(_markup, "standard_html")

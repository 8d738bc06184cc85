"""Writing standard documents: saves that never lose work, drafts, stages, comments, presence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from drafting.accounts.models import User
from drafting.audit.services import record
from drafting.core import transaction
from drafting.core.errors import Conflict, NotAllowed, Refused, ServiceError
from drafting.core.files import check_image, display_name
from drafting.core.i18n import language
from drafting.core.statemachine import Move, StateMachine
from drafting.core.text import without_control_characters
from drafting.core.timeutil import utcnow
from drafting.documents import signals
from drafting.documents.diff import normalize_newlines
from drafting.documents.merge import MergeResult, has_conflict_markers, merge_texts
from drafting.documents.models import (
    Comment,
    DocumentAttachment,
    Draft,
    Presence,
    Revision,
    StageChange,
    StandardDocument,
    text_sha256,
)
from drafting.documents.permissions import can_move_stage, can_override_checks
from drafting.documents.queries import document_meta
from drafting.documents.states import (
    RESOLUTION_LABELS,
    STAGE_LABELS,
    TRANSITIONS,
    CommentType,
    DocumentStage,
    Resolution,
)
from drafting.export import DocumentMeta, LayoutOptions, cache_key
from drafting.export import export_pdf as make_pdf
from drafting.extensions import db
from drafting.groups.models import DraftingGroup
from drafting.standardtext import SKELETON, attachment_name, run_checks
from drafting.storage import blob_path, store_blob

# A user counts as "having the document open" this long after their last heartbeat.
PRESENCE_WINDOW = timedelta(seconds=60)
STAGE_ORDER = list(DocumentStage)


class SaveConflict(Conflict):
    """The head moved and the three-way merge found regions both sides changed.

    The editor's text was kept as their private draft; ``merge`` holds the
    conflicting regions for display.
    """

    def __init__(self, message: str, *, merge: MergeResult, base: Revision, head: Revision):
        self.merge = merge
        self.base = base
        self.head = head
        super().__init__(message, details=conflict_details(merge, base, head))


def conflict_details(merge: MergeResult, base: Revision, head: Revision) -> dict:
    """The 409 body of a save that could not be merged: both revisions and each conflicting region."""
    return {
        "base_revision_id": base.id,
        "head_revision_id": head.id,
        "draft_saved": True,
        "conflicts": [
            {
                "base": c.base,
                "ours": c.ours,
                "theirs": c.theirs,
                "base_lines": list(c.base_lines),
                "ours_lines": list(c.ours_lines),
                "theirs_lines": list(c.theirs_lines),
                "before": c.before,
                "after": c.after,
                "reason": c.reason,
            }
            for c in merge.conflicts
        ],
        "conflict_text": merge.conflict_text(),
    }


@dataclass
class SaveResult:
    revision: Revision
    created: bool
    merged_revisions: list[Revision] = field(default_factory=list)

    @property
    def merged(self) -> bool:
        return bool(self.merged_revisions)

    @property
    def merged_authors(self) -> list[str]:
        names: list[str] = []
        for rev in self.merged_revisions:
            name = rev.author.name if rev.author else _("unknown")
            if name not in names:
                names.append(name)
        return names


# --- documents ------------------------------------------------------------


def create_document(
    *,
    number: str,
    title_zh: str,
    group: DraftingGroup,
    actor: User | None,
    title_en: str = "",
    ics: str = "",
    ccs: str = "",
    issuing_body: str = "",
    planned_published_on: date | None = None,
    planned_implemented_on: date | None = None,
    text: str = SKELETON,
    message: str | None = None,
) -> StandardDocument:
    """A new document in the working-draft stage, its first revision the GB/T 1.1-2020 skeleton
    (or ``text``, saved with ``message``: a document made from an imported Word file)."""
    number = " ".join(number.split())
    if db.session.scalar(select(StandardDocument.id).where(StandardDocument.number == number)):
        raise Conflict(
            _("A document numbered %(number)s exists already.", number=number), code="number_taken"
        )
    document = StandardDocument(
        number=number,
        title_zh=title_zh.strip(),
        title_en=title_en.strip(),
        ics=ics.strip(),
        ccs=ccs.strip(),
        issuing_body=issuing_body.strip(),
        drafting_group=group,
        stage=DocumentStage.WORKING_DRAFT,
        planned_published_on=planned_published_on,
        planned_implemented_on=planned_implemented_on,
    )
    db.session.add(document)
    db.session.flush()
    _new_revision(
        document,
        normalize_newlines(text),
        parent=None,
        message=message or _("Created from the skeleton"),
        actor=actor,
    )
    record(actor, "document.created", document, summary=f"{document.number} {document.title_zh}")
    return document


def move_document(document: StandardDocument, group: DraftingGroup, *, actor: User) -> None:
    """File the document under another drafting group (the secretariat; audited)."""
    _refuse_if_published(document)
    old = document.drafting_group
    if old.id == group.id:
        return
    document.drafting_group = group
    document.updated_at = utcnow()
    db.session.flush()
    record(
        actor,
        "document.moved",
        document,
        summary=f"{document.number}: {old.name} → {group.name}",
        old_group_id=old.id,
        new_group_id=group.id,
    )


def deletion_refusal(document: StandardDocument) -> Refused | None:
    """Why the document may not be deleted, or None: only a document with nothing but its
    first revision, no comment and no stage move (hence no comment period and no ballot)
    may go, so that no one's work or vote is lost."""
    revisions = db.session.scalar(
        select(func.count()).select_from(Revision).where(Revision.document_id == document.id)
    )
    if revisions > 1:
        return Refused(
            _(
                "This document has %(n)d revisions: only a document with nothing but its first revision "
                "can be deleted.",
                n=revisions,
            ),
            code="has_revisions",
        )
    comments = db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.document_id == document.id)
    )
    if comments:
        return Refused(_("This document has comments and cannot be deleted."), code="has_comments")
    moved = db.session.scalar(select(StageChange.id).where(StageChange.document_id == document.id))
    if moved is not None:
        return Refused(
            _(
                "This document has moved from one stage to another (it may have had a comment "
                "period or a ballot): its record is kept, so it cannot be deleted."
            ),
            code="has_stage_history",
        )
    return None


def delete_document(document: StandardDocument, *, actor: User) -> None:
    """Delete a document filed by mistake, when :func:`deletion_refusal` finds nothing
    against it (audited)."""
    refusal = deletion_refusal(document)
    if refusal is not None:
        raise refusal
    record(
        actor,
        "document.deleted",
        document,
        summary=f"{document.number} {document.title_zh}",
        number=document.number,
        title_zh=document.title_zh,
        group_id=document.drafting_group_id,
    )
    document_id = document.id
    document.head_revision = None
    db.session.flush()
    db.session.expunge(document)
    # revisions, drafts, presence, attachments and stage changes go with it (ON DELETE CASCADE)
    db.session.execute(delete(StandardDocument).where(StandardDocument.id == document_id))
    db.session.flush()


#: 代替: "T/CESA 1100—2020", several separated by "、" or ",".
REPLACES_PATTERN = (
    r"^\s*(?:[A-Z][A-Za-z/]*\s*[0-9.]+(?:\s*[—－–-]\s*[0-9]{4})?\s*(?:[、,，;；]\s*|$))+$"
)
#: 一致性程度: "ISO 12345:2020, MOD", the international document and IDT / MOD / NEQ.
ADOPTION_PATTERN = r"^\s*\S.*?\s*[,，]\s*(?:IDT|MOD|NEQ)\s*$"


def update_document(document: StandardDocument, *, actor: User, **fields) -> None:
    """Metadata and the comment period (the secretariat)."""
    if fields.get("replaces") and not re.match(REPLACES_PATTERN, fields["replaces"]):
        raise ServiceError(
            _("Write the replaced documents as T/CESA 1100—2020."), code="invalid_replaces"
        )
    if fields.get("adoption") and not re.match(ADOPTION_PATTERN, fields["adoption"]):
        raise ServiceError(
            _("Write it as ISO 12345:2020, MOD (IDT, MOD or NEQ)."), code="invalid_adoption"
        )
    allowed = {
        "number",
        "title_zh",
        "title_en",
        "ics",
        "ccs",
        "issuing_body",
        "planned_published_on",
        "planned_implemented_on",
        "comment_period_ends_at",
        "comments_public",
        "replaces",
        "adoption",
        "known_patents",
    }
    changed = {}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        if isinstance(value, str):
            value = " ".join(value.split()) if name == "number" else value.strip()
        if getattr(document, name) != value:
            changed[name] = value
            setattr(document, name, value)
    # No autoflush: the changed number would hit the unique index before this check.
    with db.session.no_autoflush:
        taken = "number" in changed and db.session.scalar(
            select(StandardDocument.id).where(
                StandardDocument.number == document.number, StandardDocument.id != document.id
            )
        )
    if taken:
        raise Conflict(
            _("A document numbered %(number)s exists already.", number=document.number),
            code="number_taken",
        )
    if changed:
        document.updated_at = utcnow()
        record(actor, "document.updated", document, fields=sorted(changed))
        signals.settings_changed.send(document, changed=sorted(changed), actor=actor)


# --- saving ---------------------------------------------------------------


def _refuse_if_published(document: StandardDocument) -> None:
    if document.is_published:
        raise Refused(
            _("This document is published and can no longer be changed."), code="published"
        )


def _locked_head(document: StandardDocument) -> Revision | None:
    """The head revision, read under a row lock so that two saves cannot both
    build on the same head (PostgreSQL: FOR UPDATE; SQLite: the write
    transaction is already exclusive)."""
    head_id = db.session.execute(
        select(StandardDocument.head_revision_id)
        .where(StandardDocument.id == document.id)
        .with_for_update()
    ).scalar_one()
    if head_id != document.head_revision_id:
        db.session.refresh(document)
    return db.session.get(Revision, head_id) if head_id else None


def _new_revision(
    document: StandardDocument,
    text: str,
    *,
    parent: Revision | None,
    message: str,
    actor: User | None,
) -> Revision:
    revision = Revision(
        document_id=document.id,
        number=(parent.number + 1) if parent else 1,
        parent_id=parent.id if parent else None,
        author=actor,
        message=message.strip()[:500],
        text=text,
        sha256=text_sha256(text),
        size=len(text.encode("utf-8")),
        stage=document.stage,
    )
    db.session.add(revision)
    db.session.flush()
    document.head_revision = revision
    document.updated_at = utcnow()
    db.session.flush()
    signals.revision_saved.send(document, revision=revision)
    return revision


def save_revision(
    document: StandardDocument,
    text: str,
    base_revision_id: int | None,
    message: str,
    *,
    actor: User,
) -> SaveResult:
    """Save ``text``, edited from revision ``base_revision_id``, as the new head.

    If someone saved in between, the two changes are merged three-way; a clean
    merge is saved (its message says so), a conflict raises
    :class:`SaveConflict` after keeping the text as the actor's private draft,
    committed even though the request fails.
    """
    _refuse_if_published(document)
    text = normalize_newlines(text)
    if has_conflict_markers(text):
        raise ServiceError(
            _(
                "The text still holds conflict markers (<<<<<<< … >>>>>>>). In each marked place keep the "
                "wording you want, remove the marker lines, then save again."
            ),
            code="conflict_markers",
        )
    head = _locked_head(document)
    message = (message or "").strip()
    if head is None:  # a document without text yet
        revision = _new_revision(document, text, parent=None, message=message, actor=actor)
        _after_save(document, actor, revision)
        return SaveResult(revision, created=True)
    base = db.session.get(Revision, base_revision_id) if base_revision_id is not None else None
    if base is None or base.document_id != document.id:
        raise ServiceError(
            _(
                "The revision this text was edited from is not part of this document. Reload the editor and try again."
            ),
            code="unknown_base",
        )
    if base.id == head.id:
        if text == head.text:
            discard_draft(document, actor)
            return SaveResult(head, created=False)
        revision = _new_revision(document, text, parent=head, message=message, actor=actor)
        _after_save(document, actor, revision)
        return SaveResult(revision, created=True)

    merge = merge_texts(base.text, text, head.text)
    if not merge.clean:
        keep_draft(document, actor, text, base.id, conflicted=True)
        # The refusal must not roll back the draft that holds the editor's text.
        transaction.keep_on_error()
        record(
            actor,
            "document.save_conflict",
            document,
            base=base.number,
            head=head.number,
            conflicts=len(merge.conflicts),
        )
        raise SaveConflict(
            _(
                "Someone else changed the same place since revision %(base)d. Your text was not lost: it is "
                "kept as your draft. Resolve the marked conflicts and save again.",
                base=base.number,
            ),
            merge=merge,
            base=base,
            head=head,
        )
    intervening = list(
        db.session.scalars(
            select(Revision)
            .where(Revision.document_id == document.id, Revision.number > base.number)
            .order_by(Revision.number)
        )
    )
    result = SaveResult(head, created=False, merged_revisions=intervening)
    if merge.text == head.text:
        discard_draft(document, actor)
        return result
    names = "、".join(result.merged_authors)
    first, last = intervening[0].number, intervening[-1].number
    if first == last:  # a range of one is one revision ("第 3 版", not "第 3–3 版")
        note = _("merged with revision %(number)d by %(names)s", number=first, names=names)
    else:
        note = _(
            "merged with revisions %(first)d–%(last)d by %(names)s",
            first=first,
            last=last,
            names=names,
        )
    full_message = f"{message} ({note})" if message else note[:1].upper() + note[1:]
    result.revision = _new_revision(
        document, merge.text, parent=head, message=full_message, actor=actor
    )
    result.created = True
    _after_save(document, actor, result.revision, merged_from=[r.number for r in intervening])
    return result


def _after_save(document: StandardDocument, actor: User, revision: Revision, **details) -> None:
    discard_draft(document, actor)
    record(actor, "document.revision_saved", document, revision=revision.number, **details)


def restore_revision(document: StandardDocument, revision: Revision, *, actor: User) -> SaveResult:
    """Make an old revision's text the head again, as a new revision."""
    _refuse_if_published(document)
    if revision.document_id != document.id:
        raise ServiceError(
            _("This revision is not part of this document."), code="unknown_revision"
        )
    head_id = document.head_revision_id
    return save_revision(
        document,
        revision.text,
        head_id,
        _("Restored revision %(n)d", n=revision.number),
        actor=actor,
    )


# --- private drafts -------------------------------------------------------


def draft_of(document: StandardDocument, user: User) -> Draft | None:
    """``user``'s unsaved text of the document (kept by autosave or a conflict), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Draft).where(Draft.document_id == document.id, Draft.user_id == user.id)
    )


def keep_draft(
    document: StandardDocument,
    user: User,
    text: str,
    base_revision_id: int | None,
    *,
    conflicted: bool = False,
) -> Draft:
    """Store (or replace) the user's private draft of the document."""
    _refuse_if_published(document)
    text = normalize_newlines(text)
    if base_revision_id is not None:
        base = db.session.get(Revision, base_revision_id)
        if base is None or base.document_id != document.id:
            base_revision_id = document.head_revision_id
    draft = draft_of(document, user)
    if draft is None:
        draft = Draft(
            user_id=user.id,
            document_id=document.id,
            text=text,
            base_revision_id=base_revision_id,
            conflicted=conflicted,
            updated_at=utcnow(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(draft)
        except IntegrityError:  # the same user's other tab got there first
            draft = draft_of(document, user)
    draft.text = text
    draft.base_revision_id = base_revision_id
    draft.conflicted = conflicted or (draft.conflicted and has_conflict_markers(text))
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def discard_draft(document: StandardDocument, user: User) -> None:
    """Drop ``user``'s unsaved text of the document."""
    if getattr(user, "is_authenticated", False):
        db.session.execute(
            delete(Draft).where(Draft.document_id == document.id, Draft.user_id == user.id)
        )


# --- stages ---------------------------------------------------------------


def unresolved_comments(document: StandardDocument) -> list[Comment]:
    """Top-level comments without a resolution (they block leaving the comment stage)."""
    return list(
        db.session.scalars(
            select(Comment)
            .where(
                Comment.document_id == document.id,
                Comment.parent_id.is_(None),
                Comment.resolution.is_(None),
            )
            .order_by(Comment.id)
        )
    )


def error_findings(text: str, *, known_patents: bool = False) -> list:
    """The checks' findings of severity error in ``text`` (what gates a stage move)."""
    return [f for f in run_checks(text, known_patents=known_patents) if f.severity == "error"]


def _refused(old: DocumentStage, new: DocumentStage) -> str:
    return _(
        "A document in the stage “%(old)s” cannot move to “%(new)s”.",
        old=STAGE_LABELS[old],
        new=STAGE_LABELS[new],
    )


def _comments_resolved(move: Move) -> None:
    """Leaving the comment stage needs every comment resolved."""
    document = move.obj
    open_comments = unresolved_comments(document)
    if open_comments:
        raise Refused(
            _(
                "%(n)d comments are not resolved yet. Resolve each of them before the document leaves the "
                "comment stage.",
                n=len(open_comments),
            ),
            code="unresolved_comments",
            details={
                "comments": [
                    {"id": c.id, "clause": c.clause, "comment": c.body[:200]} for c in open_comments
                ]
            },
        )


def _announce(move: Move) -> None:
    """Tell the packages above (ballots, comment periods…): a receiver may refuse."""
    document, new_stage, actor = move.obj, move.new, move.actor
    override_checks, reason = move.extra.get("override_checks", False), move.reason or ""
    signals.stage_moving.send(
        document, to=new_stage, actor=actor, override=override_checks, reason=reason
    )


def _checks_clean(move: Move) -> None:
    """Moving forward needs the checks clean, unless the secretariat overrides
    them with a reason. The findings are in the reader's language."""
    document, old, new_stage, actor = move.obj, move.old, move.new, move.actor
    override_checks, reason = move.extra.get("override_checks", False), move.reason or ""
    head = document.head_revision
    move.audit["checks_overridden"] = False
    forward = STAGE_ORDER.index(new_stage) > STAGE_ORDER.index(old)
    if not forward or head is None:
        return
    errors = error_findings(head.text, known_patents=document.known_patents)
    if not errors:
        return
    if not override_checks:
        raise Refused(
            _(
                "The checks found %(n)d errors in the text. Correct them first, or ask the secretariat to "
                "override the checks.",
                n=len(errors),
            ),
            code="checks_failed",
            details={"findings": [f.to_dict(language()) for f in errors]},
        )
    if not can_override_checks(actor, document):
        raise NotAllowed(
            _("Only the secretariat may override the checks."), code="override_not_allowed"
        )
    if not reason.strip():
        raise ServiceError(_("Say why the checks are overridden."), code="reason_required")
    move.audit["checks_overridden"] = True


def _tag_head_revision(move: Move) -> None:
    """The move is recorded with the revision it applies to (the head)."""
    document, head = move.obj, move.obj.head_revision
    move.result = StageChange(
        document_id=document.id,
        from_stage=move.old,
        to_stage=move.new,
        revision=head,
        actor=move.actor,
        checks_overridden=move.audit["checks_overridden"],
        reason=(move.reason or "").strip(),
    )
    db.session.add(move.result)
    document.updated_at = utcnow()
    move.audit["revision"] = head.number if head else None


#: The stages of a document (``states.TRANSITIONS``): forward one step, or back to rework.
DOCUMENT_STAGES: StateMachine[DocumentStage] = StateMachine(
    name="document",
    model=StandardDocument,
    states=DocumentStage,
    moves=TRANSITIONS,
    refused=_refused,
    audit_action="document.stage_changed",
    recorder=record,
    signal=signals.stage_moved,
    guards={
        (DocumentStage.DRAFT_FOR_COMMENTS, new): [_comments_resolved]
        for new in TRANSITIONS[DocumentStage.DRAFT_FOR_COMMENTS]
    },
    prepare={stage: [_announce, _checks_clean] for stage in DocumentStage},
    effects={stage: [_tag_head_revision] for stage in DocumentStage},
    permission=lambda user, document, to: can_move_stage(user, document),
    state_attr="stage",
)


def transition(
    document: StandardDocument,
    new_stage: DocumentStage | str,
    *,
    actor: User,
    override_checks: bool = False,
    reason: str = "",
) -> StageChange:
    """Move the document to ``new_stage`` if the table allows it, tagging the head revision.

    Leaving the comment stage needs every comment resolved; moving forward
    needs the checks clean, unless the secretariat overrides them; a receiver
    of ``signals.stage_moving`` may refuse. Under the document's row lock.
    """
    try:
        new_stage = DocumentStage(new_stage)
    except ValueError:
        raise ServiceError(
            _("There is no stage called %(stage)s.", stage=new_stage), code="unknown_stage"
        ) from None
    move = DOCUMENT_STAGES.transition(
        document, new_stage, actor=actor, reason=reason, override_checks=override_checks
    )
    return move.result


# --- comments -------------------------------------------------------------


def add_comment(
    document: StandardDocument,
    *,
    revision: Revision,
    body: str,
    actor: User | None,
    clause: str = "",
    quote: str = "",
    type: CommentType | str = CommentType.TECHNICAL,
    proposed_change: str = "",
    author_name: str = "",
    organization_name: str = "",
    outline_numbers: set[str] | None = None,
) -> Comment:
    """A comment on a clause of a revision. ``outline_numbers``, when given, are
    the clause numbers that exist in that revision."""
    _refuse_if_published(document)
    if revision.document_id != document.id:
        raise ServiceError(
            _("This revision is not part of this document."), code="unknown_revision"
        )
    # PostgreSQL cannot store NUL; no control character means anything in a comment.
    body = without_control_characters(body).strip()
    clause = without_control_characters(clause, multiline=False).strip()
    quote = without_control_characters(quote)
    proposed_change = without_control_characters(proposed_change)
    author_name = without_control_characters(author_name, multiline=False)
    organization_name = without_control_characters(organization_name, multiline=False)
    if not body:
        raise ServiceError(_("Write the comment."), code="body_required")
    try:
        type = CommentType(type)
    except ValueError:
        raise ServiceError(
            _("The type of comment must be ge, te or ed."), code="unknown_type"
        ) from None
    if clause and outline_numbers is not None and clause not in outline_numbers:
        raise ServiceError(
            _("There is no clause %(clause)s in revision %(n)d.", clause=clause, n=revision.number),
            code="unknown_clause",
        )
    comment = Comment(
        document_id=document.id,
        revision_id=revision.id,
        clause=clause,
        quote=(quote or "").strip(),
        type=type,
        body=body,
        proposed_change=(proposed_change or "").strip(),
    )
    _set_commenter(comment, actor, author_name, organization_name)
    db.session.add(comment)
    db.session.flush()
    record(actor, "document.comment_added", document, comment_id=comment.id, clause=clause)
    return comment


def _set_commenter(
    comment: Comment, actor: User | None, author_name: str, organization_name: str
) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        comment.author_id = actor.id
        comment.author_name = actor.name
        org = actor.organization
        comment.organization_id = org.id if org else None
        comment.organization_name = org.name if org else (organization_name or "").strip()
        return
    author_name, organization_name = (author_name or "").strip(), (organization_name or "").strip()
    if not author_name or not organization_name:
        raise ServiceError(
            _("Give your name and your organization with a public comment."),
            code="commenter_required",
        )
    comment.author_name = author_name[:100]
    comment.organization_name = organization_name[:200]


def reply(
    parent: Comment,
    *,
    body: str,
    actor: User | None,
    author_name: str = "",
    organization_name: str = "",
) -> Comment:
    """Reply to a comment thread (flat: a reply to a reply joins the thread); refused once
    published."""
    document = db.session.get(StandardDocument, parent.document_id)
    _refuse_if_published(document)
    body = without_control_characters(body).strip()
    author_name = without_control_characters(author_name, multiline=False)
    organization_name = without_control_characters(organization_name, multiline=False)
    if not body:
        raise ServiceError(_("Write the reply."), code="body_required")
    root = parent if parent.parent_id is None else db.session.get(Comment, parent.parent_id)
    comment = Comment(
        document_id=parent.document_id,
        revision_id=parent.revision_id,
        parent_id=root.id,
        clause=root.clause,
        type=root.type,
        body=body,
    )
    _set_commenter(comment, actor, author_name, organization_name)
    db.session.add(comment)
    db.session.flush()
    record(actor, "document.comment_replied", document, comment_id=comment.id, parent_id=root.id)
    return comment


def resolve_comment(
    comment: Comment,
    resolution: Resolution | str,
    *,
    reason: str,
    actor: User,
    replaces: Resolution | str | None = None,
) -> Comment:
    """The editors' decision on a comment: accepted, partly accepted or not accepted, with the reason.

    A resolved comment is not silently re-resolved: changing its resolution
    must name the resolution it replaces (``replaces``), so that two editors
    resolving at once, or a repeated request, get a refusal instead of
    overwriting; the audit log keeps the earlier resolution and its reason.
    """
    document = db.session.get(StandardDocument, comment.document_id)
    _refuse_if_published(document)
    if comment.parent_id is not None:
        raise ServiceError(
            _("Replies are not resolved; resolve the comment they answer."), code="reply"
        )
    try:
        resolution = Resolution(resolution)
    except ValueError:
        raise ServiceError(
            _("The resolution must be accepted, partly accepted or not accepted."),
            code="unknown_resolution",
        ) from None
    reason = (reason or "").strip()
    if resolution != Resolution.ACCEPTED and not reason:
        raise ServiceError(
            _("Give the reason when a comment is not fully accepted."), code="reason_required"
        )
    previous = comment.resolution
    if previous is not None and str(replaces or "") != str(previous):
        raise Refused(
            _(
                "This comment was already resolved as “%(resolution)s” by %(name)s. To change the "
                "resolution, say which resolution it replaces.",
                resolution=RESOLUTION_LABELS[Resolution(previous)],
                name=comment.resolved_by.name if comment.resolved_by else "—",
            ),
            code="already_resolved",
        )
    previous_reason = comment.resolution_reason
    # Read before the first change: an expired actor reloads, and the autoflush
    # would write a resolution without its resolver.
    actor_id = actor.id
    comment.resolution = resolution
    comment.resolution_reason = reason
    comment.resolved_by_id = actor_id
    comment.resolved_at = utcnow()
    db.session.flush()
    record(
        actor,
        "document.comment_resolved",
        document,
        comment_id=comment.id,
        resolution=str(resolution),
        **(
            {"previous": str(previous), "previous_reason": previous_reason or ""}
            if previous is not None
            else {}
        ),
    )
    return comment


# --- attachments (the figures' images) -------------------------------------


def attachments_of(document: StandardDocument) -> list[DocumentAttachment]:
    """The document's images, by name."""
    return list(
        db.session.scalars(
            select(DocumentAttachment)
            .where(DocumentAttachment.document_id == document.id)
            .order_by(DocumentAttachment.name)
        )
    )


def attachment_of(document: StandardDocument, name: str) -> DocumentAttachment | None:
    """The document's image called ``name``, or None."""
    return db.session.scalar(
        select(DocumentAttachment).where(
            DocumentAttachment.document_id == document.id, DocumentAttachment.name == name
        )
    )


def attachment_files(document: StandardDocument) -> dict[str, Path]:
    """{name: path of the stored bytes} for the PDF export; the export's cache key hashes their content."""

    return {a.name: blob_path(a.sha256) for a in attachments_of(document)}


def attachment_display_name(filename: str | None) -> str:
    """The name the text will use for an uploaded image: path parts dropped, refused if still unusable."""

    name = display_name(filename)
    # attachment_name() is what the renderer and the PDF fetcher accept; "%" and angle
    # brackets would be decoded or split differently in the Markdown link.
    if attachment_name(name) != name or any(ch in name for ch in "%<>"):
        raise ServiceError(
            _(
                "“%(name)s” cannot be used as an image name. Use a name without / \\ ? # %% < >, "
                "for example 图1-工艺流程.png.",
                name=name,
            ),
            code="bad_name",
        )
    return name


def add_attachment(
    document: StandardDocument,
    *,
    filename: str | None,
    data: bytes,
    actor: User,
    name: str | None = None,
) -> DocumentAttachment:
    """Store a PNG or JPEG image for the document's figures under ``name`` (else the file's name).

    The type is judged by the bytes; an image with the same name is replaced
    (one row, new content), so the text's references keep working.
    """

    _refuse_if_published(document)
    name = attachment_display_name(name.strip() if name and name.strip() else filename)
    _shown, content_type = check_image(name, data)
    sha256 = store_blob(data)
    attachment = attachment_of(document, name)
    replaced = attachment is not None
    if attachment is None:
        attachment = DocumentAttachment(
            document_id=document.id,
            name=name,
            sha256=sha256,
            content_type=content_type,
            size=len(data),
            uploaded_by_id=actor.id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(attachment)
        except IntegrityError:  # another upload of the same name got there first: replace it
            attachment = attachment_of(document, name)
            replaced = True
    previous = attachment.sha256 if replaced else None
    attachment.sha256, attachment.content_type, attachment.size = sha256, content_type, len(data)
    attachment.uploaded_by_id, attachment.created_at = actor.id, utcnow()
    document.updated_at = utcnow()
    db.session.flush()
    record(
        actor,
        "document.attachment_replaced" if replaced else "document.attachment_added",
        document,
        name=name,
        sha256=sha256,
        size=len(data),
        content_type=content_type,
        **({"previous_sha256": previous} if replaced else {}),
    )
    return attachment


def remove_attachment(
    document: StandardDocument, attachment: DocumentAttachment, *, actor: User
) -> None:
    """Remove an image; figures still naming it show a placeholder. The blob stays (others may share it)."""
    _refuse_if_published(document)
    if attachment.document_id != document.id:
        raise ServiceError(_("This image is not part of this document."), code="unknown_attachment")
    name, sha256 = attachment.name, attachment.sha256
    db.session.delete(attachment)
    document.updated_at = utcnow()
    db.session.flush()
    record(actor, "document.attachment_removed", document, name=name, sha256=sha256)


# --- export ---------------------------------------------------------------


@dataclass(frozen=True)
class ExportInputs:
    """Everything an export of a revision is made from; also what its cache key hashes.

    ``options`` are the PDF's layout options, or for another format what else
    shapes the file (the .docx: its format and the exporter's version,
    ``drafting.word.services.docx_inputs``), so two formats never share a key.
    """

    meta: DocumentMeta
    text: str
    attachments: dict[str, Path]
    options: object = field(default_factory=LayoutOptions)

    def cache_key(self) -> str:
        return cache_key(self.meta, self.text, attachments=self.attachments, options=self.options)


def export_inputs(
    document: StandardDocument, revision: Revision, *, options: object = None
) -> ExportInputs:
    """The one place that says what an export of this revision is made from (the
    document's metadata now, the revision's text, the images, the options): the
    export jobs, the page that looks in their cache and the approval package all
    take it from here, so they agree on the cache key."""

    return ExportInputs(
        document_meta(document),
        revision.text,
        attachment_files(document),
        LayoutOptions() if options is None else options,
    )


def export_pdf(document: StandardDocument, revision: Revision) -> bytes:
    """The PDF of a revision, laid out in this request (from the export cache when made
    before): only for what must hold the file at once, as the approval package. Pages
    and the API go through the export job (``jobs.services.request_export``), under
    the same key (:func:`export_inputs`)."""

    inputs = export_inputs(document, revision)
    return make_pdf(
        inputs.meta,
        inputs.text,
        attachments=inputs.attachments,
        options=inputs.options,
        cache=current_app.config["EXPORT_DIR"],
    )


# --- presence -------------------------------------------------------------


def heartbeat(document: StandardDocument, user: User, now: datetime | None = None) -> None:
    """Note that ``user`` has the document open (a row, not process memory: several app instances share it)."""
    now = now or utcnow()
    presence = db.session.scalar(
        select(Presence).where(Presence.document_id == document.id, Presence.user_id == user.id)
    )
    if presence is None:
        try:
            with db.session.begin_nested():
                db.session.add(Presence(document_id=document.id, user_id=user.id, seen_at=now))
            return
        except IntegrityError:
            presence = db.session.scalar(
                select(Presence).where(
                    Presence.document_id == document.id, Presence.user_id == user.id
                )
            )
    presence.seen_at = now


def present_users(
    document: StandardDocument, *, exclude: User | None = None, now: datetime | None = None
) -> list[User]:
    """Who had the document open within the presence window, except ``exclude``."""
    since = (now or utcnow()) - PRESENCE_WINDOW
    query = (
        select(User)
        .join(Presence, Presence.user_id == User.id)
        .where(Presence.document_id == document.id, Presence.seen_at >= since)
        .order_by(User.name)
    )
    if exclude is not None and getattr(exclude, "is_authenticated", False):
        query = query.where(User.id != exclude.id)
    return list(db.session.scalars(query))

"""The stages of a standard document, and the comment vocabularies (ISO's ge/te/ed)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class DocumentStage(enum.StrEnum):
    WORKING_DRAFT = "working_draft"  # 工作组讨论稿
    DRAFT_FOR_COMMENTS = "draft_for_comments"  # 征求意见稿
    DRAFT_FOR_REVIEW = "draft_for_review"  # 送审稿
    DRAFT_FOR_APPROVAL = "draft_for_approval"  # 报批稿
    PUBLISHED = "published"  # 发布


# Forward one step, or back one step to rework a draft; nothing leaves "published".
TRANSITIONS: dict[DocumentStage, tuple[DocumentStage, ...]] = {
    DocumentStage.WORKING_DRAFT: (DocumentStage.DRAFT_FOR_COMMENTS,),
    DocumentStage.DRAFT_FOR_COMMENTS: (DocumentStage.DRAFT_FOR_REVIEW, DocumentStage.WORKING_DRAFT),
    DocumentStage.DRAFT_FOR_REVIEW: (
        DocumentStage.DRAFT_FOR_APPROVAL,
        DocumentStage.DRAFT_FOR_COMMENTS,
    ),
    DocumentStage.DRAFT_FOR_APPROVAL: (DocumentStage.PUBLISHED, DocumentStage.DRAFT_FOR_REVIEW),
    DocumentStage.PUBLISHED: (),
}

STAGE_LABELS = {
    DocumentStage.WORKING_DRAFT: _l("Working draft"),
    DocumentStage.DRAFT_FOR_COMMENTS: _l("Draft for comments"),
    DocumentStage.DRAFT_FOR_REVIEW: _l("Draft for review"),
    DocumentStage.DRAFT_FOR_APPROVAL: _l("Draft for approval"),
    DocumentStage.PUBLISHED: _l("Published"),
}


class CommentType(enum.StrEnum):
    GENERAL = "ge"
    TECHNICAL = "te"
    EDITORIAL = "ed"


COMMENT_TYPE_LABELS = {
    CommentType.GENERAL: _l("General"),
    CommentType.TECHNICAL: _l("Technical"),
    CommentType.EDITORIAL: _l("Editorial"),
}


class Resolution(enum.StrEnum):
    ACCEPTED = "accepted"  # 采纳
    PARTLY_ACCEPTED = "partly_accepted"  # 部分采纳
    NOT_ACCEPTED = "not_accepted"  # 未采纳


RESOLUTION_LABELS = {
    Resolution.ACCEPTED: _l("Accepted"),
    Resolution.PARTLY_ACCEPTED: _l("Partly accepted"),
    Resolution.NOT_ACCEPTED: _l("Not accepted"),
}

# The comment resolution table (征求意见汇总处理表) is written in Chinese whatever the UI language.
RESOLUTION_ZH = {
    Resolution.ACCEPTED: "采纳",
    Resolution.PARTLY_ACCEPTED: "部分采纳",
    Resolution.NOT_ACCEPTED: "未采纳",
}

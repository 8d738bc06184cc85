"""The ballot's states and the choices of a vote, with their labels."""

from __future__ import annotations

import enum

from flask_babel import lazy_pgettext


class BallotStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


#: Allowed moves: a ballot opens once and closes once (at ``closes_at`` or early).
TRANSITIONS: dict[BallotStatus, tuple[BallotStatus, ...]] = {
    BallotStatus.OPEN: (BallotStatus.CLOSED,),
    BallotStatus.CLOSED: (),
}


class BallotResult(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class Choice(enum.StrEnum):
    FOR = "for"  # 赞成
    FOR_WITH_COMMENTS = "for_with_comments"  # 赞成，有修改意见
    AGAINST = "against"  # 不赞成
    ABSTAIN = "abstain"  # 弃权


STATUS_LABELS = {
    BallotStatus.OPEN: lazy_pgettext("ballot", "Open"),
    BallotStatus.CLOSED: lazy_pgettext("ballot", "Closed"),
}
RESULT_LABELS = {
    BallotResult.PASSED: lazy_pgettext("ballot", "Passed"),
    BallotResult.FAILED: lazy_pgettext("ballot", "Not passed"),
}
CHOICE_LABELS = {
    Choice.FOR: lazy_pgettext("vote", "In favour"),
    Choice.FOR_WITH_COMMENTS: lazy_pgettext("vote", "In favour, with comments"),
    Choice.AGAINST: lazy_pgettext("vote", "Against"),
    Choice.ABSTAIN: lazy_pgettext("vote", "Abstain"),
}
#: The vote summary (表决情况汇总表) is written in Chinese whatever the UI language.
CHOICE_ZH = {
    Choice.FOR: "赞成",
    Choice.FOR_WITH_COMMENTS: "赞成，有修改意见",
    Choice.AGAINST: "不赞成",
    Choice.ABSTAIN: "弃权",
}
RESULT_ZH = {BallotResult.PASSED: "通过", BallotResult.FAILED: "未通过"}

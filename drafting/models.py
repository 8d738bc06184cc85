"""Every model, imported in one place so that the metadata is complete."""

from drafting.accounts.models import ApiToken, Invitation, Organization, User  # noqa: F401
from drafting.applications.models import (  # noqa: F401
    Answer,
    Application,
    ApplicationStandard,
    Attachment,
)
from drafting.approval.models import ExplanatoryNotes, Publication  # noqa: F401
from drafting.audit.models import AuditEntry  # noqa: F401
from drafting.ballots.models import Ballot, BallotVoter, Vote  # noqa: F401
from drafting.calls.models import (  # noqa: F401
    Call,
    CallAttachment,
    CallStandard,
    Requirement,
    ReviewerAssignment,  # noqa: F401
)
from drafting.consultation.models import (  # noqa: F401
    CommentPeriod,
    DigestedComment,
    PendingComment,
)
from drafting.documents.models import (  # noqa: F401
    Comment,
    Draft,
    Presence,
    Revision,
    StageChange,
    StandardDocument,
)
from drafting.groups.models import (  # noqa: F401
    DraftingGroup,
    GroupDrafter,
    GroupEditor,
    GroupMembership,
)
from drafting.jobs.models import ExportJobRecord  # noqa: F401
from drafting.mail.models import OutboundMail  # noqa: F401
from drafting.reviews.models import Assessment, Decision  # noqa: F401

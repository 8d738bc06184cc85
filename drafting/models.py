"""Every model, imported in one place so that the metadata is complete."""

from drafting.accounts.models import ApiToken, Invitation, Organization, User  # noqa: F401
from drafting.audit.models import AuditEntry  # noqa: F401
from drafting.mail.models import OutboundMail  # noqa: F401
from drafting.groups.models import DraftingGroup, GroupEditor, GroupMembership  # noqa: F401

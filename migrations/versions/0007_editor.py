"""drafters named by each drafting unit (主要起草人)

Revision ID: 0007_editor
Revises: 0006
Create Date: 2026-12-01 22:40:00

"""

import sqlalchemy as sa
from alembic import op

import drafting.core.models

# revision identifiers, used by Alembic.
revision = "0007_editor"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_drafter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", drafting.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_group_drafter_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["drafting_group.id"],
            name=op.f("fk_group_drafter_group_id_drafting_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_group_drafter_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_drafter")),
    )
    with op.batch_alter_table("group_drafter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_drafter_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_group_drafter_organization_id"), ["organization_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("group_drafter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_drafter_organization_id"))
        batch_op.drop_index(batch_op.f("ix_group_drafter_group_id"))
    op.drop_table("group_drafter")

"""the approval package: editors' sections of the 编制说明, publication with dates

Revision ID: 0008_approval
Revises: 0008_speed
Create Date: 2026-12-02 01:50:00

"""

import sqlalchemy as sa
from alembic import op

import drafting.core.models

# revision identifiers, used by Alembic.
revision = "0008_approval"
down_revision = "0008_speed"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "explanatory_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("technical_content", sa.Text(), nullable=False),
        sa.Column("relations", sa.Text(), nullable=False),
        sa.Column("divergences", sa.Text(), nullable=False),
        sa.Column("other", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", drafting.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["standard_document.id"],
            name=op.f("fk_explanatory_notes_document_id_standard_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user.id"],
            name=op.f("fk_explanatory_notes_updated_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanatory_notes")),
        sa.UniqueConstraint("document_id", name=op.f("uq_explanatory_notes_document_id")),
    )
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("implemented_on", sa.Date(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", drafting.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "implemented_on >= published_on",
            name=op.f("ck_publication_implemented_after_published"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["standard_document.id"],
            name=op.f("fk_publication_document_id_standard_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user.id"],
            name=op.f("fk_publication_published_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
        sa.UniqueConstraint("document_id", name=op.f("uq_publication_document_id")),
    )


def downgrade():
    op.drop_table("publication")
    op.drop_table("explanatory_notes")

"""export jobs make Word documents too: export_job.format

Revision ID: 0007_word
Revises: 0007_gbt
Create Date: 2026-12-01 23:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_word"
down_revision = "0007_gbt"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("format", sa.String(length=8), server_default="pdf", nullable=False))


def downgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("format")

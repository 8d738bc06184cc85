"""speculative exports: export_job.speculative

Revision ID: 0007_speed
Revises: 0007_word
Create Date: 2026-12-01 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_speed"
down_revision = "0007_word"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("speculative", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("speculative")

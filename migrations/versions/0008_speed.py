"""call.cache_tag: renewed by every change of a call, keys the call page's cached part

Revision ID: 0008_speed
Revises: 0008_ballot
Create Date: 2026-12-02 01:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_speed"
down_revision = "0008_ballot"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cache_tag", sa.String(length=32), server_default="", nullable=False)
        )
    # A random tag for each existing call, as new calls get.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE call SET cache_tag = md5(random()::text || id::text)")
    else:
        op.execute("UPDATE call SET cache_tag = lower(hex(randomblob(16)))")


def downgrade():
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_column("cache_tag")

"""application.cache_tag: renewed by every change of an application, keys the review page's cached part

Revision ID: 0009_review_cache
Revises: 0008_approval
Create Date: 2026-12-02 05:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_review_cache"
down_revision = "0008_approval"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cache_tag", sa.String(length=32), server_default="", nullable=False)
        )
    # A random tag for each existing application, as new applications get.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE application SET cache_tag = md5(random()::text || id::text)")
    else:
        op.execute("UPDATE application SET cache_tag = lower(hex(randomblob(16)))")


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("cache_tag")

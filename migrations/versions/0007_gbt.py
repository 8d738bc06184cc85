"""document settings for the foreword and cover: 代替, 一致性程度, known patents

Revision ID: 0007_gbt
Revises: 0007_editor
Create Date: 2026-12-01 22:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_gbt'
down_revision = "0007_editor"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('standard_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('adoption', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('known_patents', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('standard_document', schema=None) as batch_op:
        batch_op.drop_column('known_patents')
        batch_op.drop_column('adoption')
        batch_op.drop_column('replaces')

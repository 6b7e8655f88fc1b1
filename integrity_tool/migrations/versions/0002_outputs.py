"""outputs: a measure's subject ("betreft"); per organisation the notification mails switched off

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=300), nullable=True))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notifications_off', sa.JSON(), nullable=True))
    op.execute("UPDATE organisation SET notifications_off = '[]'")
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('notifications_off', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('notifications_off')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_column('subject')

"""notification ledger: one "it is your turn" mail per dossier, kind and event

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('event', sa.String(length=80), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_notification_sent_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_sent')),
    sa.UniqueConstraint('dossier_id', 'kind', 'event', name=op.f('uq_notification_sent_dossier_id'))
    )
    with op.batch_alter_table('notification_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_sent_dossier_id'), ['dossier_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notification_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_sent_dossier_id'))
    op.drop_table('notification_sent')

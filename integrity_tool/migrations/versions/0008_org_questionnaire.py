"""organisation questionnaires in the database; platform administrator without organisation

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('org_questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('activated_at', sa.DateTime(), nullable=True),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_org_questionnaire_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_org_questionnaire_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_questionnaire')),
    sa.UniqueConstraint('public_id', name=op.f('uq_org_questionnaire_public_id')),
    sa.UniqueConstraint('organisation_id', 'questionnaire_id', 'version', name='uq_org_questionnaire_version'),
    )
    with op.batch_alter_table('org_questionnaire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_questionnaire_organisation_id'), ['organisation_id'], unique=False)
    # The platform administrator belongs to no organisation.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('org_questionnaire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_questionnaire_organisation_id'))
    op.drop_table('org_questionnaire')

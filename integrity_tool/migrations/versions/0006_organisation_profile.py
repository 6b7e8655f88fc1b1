"""organisation profile for the fact rules

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_profile',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_organisation_profile_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'],
                            name=op.f('fk_organisation_profile_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_profile'))
    )


def downgrade():
    op.drop_table('organisation_profile')

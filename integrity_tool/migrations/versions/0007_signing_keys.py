"""organisation signing material in the database (stateless app servers)

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_signing_key',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('ca_cert_pem', sa.Text(), nullable=False),
    sa.Column('p12', sa.LargeBinary(), nullable=False),
    sa.Column('passphrase', sa.LargeBinary(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_organisation_signing_key_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_signing_key'))
    )


def downgrade():
    op.drop_table('organisation_signing_key')

"""single sign-on (OpenID Connect) per organisation

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sso_config',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('client_secret', sa.LargeBinary(), nullable=True),
    sa.Column('allowed_domains', sa.JSON(), nullable=False),
    sa.Column('mfa_mode', sa.String(length=10), nullable=False),
    sa.Column('mfa_acr_values', sa.JSON(), nullable=False),
    sa.Column('trust_email', sa.Boolean(), nullable=False),
    sa.Column('password_login_off', sa.Boolean(), nullable=False),
    sa.Column('break_glass_user_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_sso_config_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['break_glass_user_id'], ['user_account.id'],
                            name=op.f('fk_sso_config_break_glass_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_sso_config'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_sso_subject'), ['sso_subject'], unique=False)
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_sid', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('sso_id_token', sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_session_sso_sid'), ['sso_sid'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_sso_sid'))
        batch_op.drop_column('sso_id_token')
        batch_op.drop_column('sso_sid')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_sso_subject'))
        batch_op.drop_column('sso_subject')
    op.drop_table('sso_config')

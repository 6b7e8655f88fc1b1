"""term record: the appointed bestuurder's term, deleted-report tombstones, term settings

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'term',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('signed_dossier_id', sa.Integer(), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('questionnaire_id', sa.String(length=100), nullable=False),
        sa.Column('questionnaire_version', sa.String(length=40), nullable=False),
        sa.Column('signed_answers', sa.LargeBinary(), nullable=True),
        sa.Column('function_title', sa.String(length=200), nullable=False),
        sa.Column('appointed_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('purged_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dossier_id'),
        sa.UniqueConstraint('public_id'),
    )
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_term_organisation_id'), ['organisation_id'], unique=False)

    op.create_table(
        'deleted_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('document_number', sa.String(length=60), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=True),
        sa.Column('deleted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('document_number'),
    )
    with op.batch_alter_table('deleted_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deleted_report_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_months', sa.Integer(), nullable=False, server_default='48'))
        batch_op.add_column(sa.Column('retention_term_months', sa.Integer(), nullable=False, server_default='3'))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('term_months', server_default=None)
        batch_op.alter_column('retention_term_months', server_default=None)

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('baseline_answers', sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f('ix_dossier_term_id'), ['term_id'], unique=False)
        batch_op.create_foreign_key('fk_dossier_term_id', 'term', ['term_id'], ['id'], ondelete='SET NULL')
        batch_op.alter_column('appointment_result', existing_type=sa.Enum(
            'benoemd', 'niet_benoemd', 'teruggetrokken', name='appointmentresult', native_enum=False, length=20),
            type_=sa.Enum('benoemd', 'niet_benoemd', 'teruggetrokken', 'herbevestigd', name='appointmentresult',
                          native_enum=False, length=20), existing_nullable=True)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint('fk_dossier_term_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossier_term_id'))
        batch_op.drop_column('baseline_answers')
        batch_op.drop_column('term_id')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('retention_term_months')
        batch_op.drop_column('term_months')
    with op.batch_alter_table('deleted_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deleted_report_organisation_id'))
    op.drop_table('deleted_report')
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_term_candidate_id'))
    op.drop_table('term')

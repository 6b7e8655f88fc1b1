"""finding counts as three integer columns (was a "b,h,a" string); dossier kind as an enum column

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LEVELS = ('blokkerend', 'hoog', 'aandachtspunt')
KIND = sa.Enum('benoeming', 'herbevestiging', name='dossierkind', native_enum=False, length=20)


def _parse(text):
    try:
        numbers = [int(x) for x in (text or '').split(',')]
    except ValueError:
        return None
    return numbers if len(numbers) == 3 else None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        for level in LEVELS:
            batch_op.add_column(sa.Column(f'count_{level}', sa.Integer(), nullable=True))
    dossier = sa.table('dossier', sa.column('id', sa.Integer()), sa.column('finding_counts', sa.String()),
                       *(sa.column(f'count_{level}', sa.Integer()) for level in LEVELS))
    bind = op.get_bind()
    rows = bind.execute(sa.select(dossier.c.id, dossier.c.finding_counts)
                        .where(dossier.c.finding_counts.isnot(None))).all()
    for row in rows:
        numbers = _parse(row.finding_counts)
        if numbers is None:  # unreadable: as the overview did, show zeros
            numbers = [0, 0, 0]
        bind.execute(dossier.update().where(dossier.c.id == row.id)
                     .values({f'count_{level}': n for level, n in zip(LEVELS, numbers)}))
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('finding_counts')
        batch_op.alter_column('kind', existing_type=sa.String(length=20), type_=KIND, existing_nullable=False)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=KIND, type_=sa.String(length=20), existing_nullable=False)
        batch_op.add_column(sa.Column('finding_counts', sa.String(length=40), nullable=True))
    dossier = sa.table('dossier', sa.column('id', sa.Integer()), sa.column('finding_counts', sa.String()),
                       *(sa.column(f'count_{level}', sa.Integer()) for level in LEVELS))
    bind = op.get_bind()
    rows = bind.execute(sa.select(dossier.c.id, *(dossier.c[f'count_{level}'] for level in LEVELS))
                        .where(dossier.c.count_blokkerend.isnot(None))).all()
    for row in rows:
        text = ','.join(str(row[i + 1] or 0) for i in range(3))
        bind.execute(dossier.update().where(dossier.c.id == row.id).values(finding_counts=text))
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        for level in reversed(LEVELS):
            batch_op.drop_column(f'count_{level}')

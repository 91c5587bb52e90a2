"""digest runs: one digest per reader, level and period, and its high-water mark

Revision ID: c3d9a1e5f207
Revises: 94eaf40da6ce
Create Date: 2026-11-30 20:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d9a1e5f207'
down_revision = '94eaf40da6ce'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digest_runs',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=False),
    sa.Column('mail_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mail_id'], ['mail_outbox.id'], name=op.f('fk_digest_runs_mail_id_mail_outbox')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_runs_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'level', 'period', name=op.f('pk_digest_runs'))
    )


def downgrade():
    op.drop_table('digest_runs')

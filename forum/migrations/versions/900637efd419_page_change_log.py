"""page change log: scoped invalidation of page caches (forum.changes)

Revision ID: 900637efd419
Revises: 765b4b972cea
Create Date: 2026-11-30 18:19:53.421096

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '900637efd419'
down_revision = '765b4b972cea'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_changes',
    sa.Column('version', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('version', 'scope', name=op.f('pk_page_changes'))
    )
    with op.batch_alter_table('site_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pruned_through', sa.BigInteger(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('site_state', schema=None) as batch_op:
        batch_op.drop_column('pruned_through')

    op.drop_table('page_changes')

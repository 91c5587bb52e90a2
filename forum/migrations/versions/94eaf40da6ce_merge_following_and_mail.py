"""merge the following and mail outbox branches: both were made on 900637efd419

Revision ID: 94eaf40da6ce
Revises: ac17119fdc92, b7873d677e20
Create Date: 2026-11-30 19:44:05.706615

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '94eaf40da6ce'
down_revision = ('ac17119fdc92', 'b7873d677e20')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

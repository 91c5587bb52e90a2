"""search index: FTS5 on SQLite, tsvector with a GIN index on PostgreSQL, filled from the posts

Revision ID: e5a7c2d41b93
Revises: e4a7b2c9d015
Create Date: 2026-11-30 22:10:00.000000

"""
from alembic import op

from forum.search import index, schema


# revision identifiers, used by Alembic.
revision = 'e5a7c2d41b93'
down_revision = 'e4a7b2c9d015'
branch_labels = None
depends_on = None


def upgrade():
    # No model describes these tables (forum.search.schema); existing posts are indexed here.
    index.rebuild(op.get_bind())


def downgrade():
    schema.drop(op.get_bind())

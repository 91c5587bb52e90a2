"""board participation: threads and replies kept per member and board, filled from the posts;
the posts' author index covers the reports' counts

Revision ID: 6a8ada788858
Revises: e5a7c2d41b93
Create Date: 2026-11-30 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a8ada788858'
down_revision = 'e5a7c2d41b93'
branch_labels = None
depends_on = None

# The counts forum.threads.actions keeps (refresh_participation): published threads, and the
# published, undeleted, unhidden posts of published threads but their opening ones.
BACKFILL = """
INSERT INTO board_participation (user_id, board_id, threads, replies)
SELECT user_id, board_id, SUM(threads), SUM(replies) FROM (
    SELECT author_id AS user_id, board_id, 1 AS threads, 0 AS replies
    FROM threads WHERE status = 'published'
    UNION ALL
    SELECT posts.author_id, threads.board_id, 0, 1
    FROM posts JOIN threads ON posts.thread_id = threads.id
    WHERE threads.status = 'published' AND posts.status = 'published'
      AND posts.deleted_at IS NULL AND posts.hidden_at IS NULL
      AND posts.id != threads.first_post_id
) AS counted
GROUP BY user_id, board_id
"""


def upgrade():
    op.create_table('board_participation',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('threads', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'board_id')
    )
    op.execute(BACKFILL)
    op.drop_index('ix_posts_author', table_name='posts')
    op.create_index('ix_posts_author', 'posts', ['author_id', 'created_at', 'thread_id', 'status', 'deleted_at', 'hidden_at'], unique=False)


def downgrade():
    op.drop_index('ix_posts_author', table_name='posts')
    op.create_index('ix_posts_author', 'posts', ['author_id', 'created_at'], unique=False)
    op.drop_table('board_participation')

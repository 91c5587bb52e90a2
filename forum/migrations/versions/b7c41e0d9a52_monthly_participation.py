"""monthly participation and first reply times kept for the reports; self-declared gender and
job category

Revision ID: b7c41e0d9a52
Revises: b7c1e9a4d2f3
Create Date: 2026-12-01 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c41e0d9a52'
down_revision = 'b7c1e9a4d2f3'
branch_labels = None
depends_on = None

MONTH = {
    "sqlite": "CAST(strftime('%Y', posts.created_at) AS INTEGER) * 100"
              " + CAST(strftime('%m', posts.created_at) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM posts.created_at) * 100"
                  " + EXTRACT(MONTH FROM posts.created_at) AS INTEGER)",
}
# What forum.threads.actions keeps (refresh_participation): the visible posts of published
# threads per author, board and month, and of them the replies (not opening posts).
BACKFILL_MONTHS = """
INSERT INTO monthly_participation (month, board_id, user_id, posts, replies)
SELECT {month}, threads.board_id, posts.author_id, COUNT(posts.id),
       SUM(CASE WHEN posts.id != threads.first_post_id THEN 1 ELSE 0 END)
FROM posts JOIN threads ON posts.thread_id = threads.id
WHERE threads.status = 'published' AND posts.status = 'published'
  AND posts.deleted_at IS NULL AND posts.hidden_at IS NULL
GROUP BY {month}, threads.board_id, posts.author_id
"""
# refresh_thread: the first visible reply.
BACKFILL_FIRST_REPLY = """
UPDATE threads SET first_reply_at = (
    SELECT MIN(posts.created_at) FROM posts
    WHERE posts.thread_id = threads.id AND posts.id != threads.first_post_id
      AND posts.status = 'published' AND posts.deleted_at IS NULL AND posts.hidden_at IS NULL
)
"""


def upgrade():
    op.create_table('monthly_participation',
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('month', 'user_id', 'board_id'),
    sqlite_with_rowid=False
    )
    op.create_index('ix_monthly_participation_user', 'monthly_participation', ['user_id', 'month', 'board_id', 'replies'], unique=False)
    op.create_index('ix_monthly_participation_board', 'monthly_participation', ['board_id', 'user_id', 'month', 'replies'], unique=False)
    with op.batch_alter_table('outcome_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_changes_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_reply_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_threads_published', ['published_at', 'status', 'board_id', 'kind', 'author_id', 'first_reply_at'], unique=False)
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_created', ['created_at', 'thread_id', 'author_id', 'status', 'deleted_at', 'hidden_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('job_category', sa.String(length=30), nullable=True))
    month = MONTH[op.get_bind().dialect.name]
    op.execute(BACKFILL_MONTHS.format(month=month))
    op.execute(BACKFILL_FIRST_REPLY)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('job_category')
        batch_op.drop_column('gender')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_created')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_published')
        batch_op.drop_column('first_reply_at')
    with op.batch_alter_table('outcome_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_changes_created_at'))
    op.drop_index('ix_monthly_participation_board', table_name='monthly_participation')
    op.drop_index('ix_monthly_participation_user', table_name='monthly_participation')
    op.drop_table('monthly_participation')

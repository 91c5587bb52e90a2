"""reader state: read positions per thread and board, kept drafts; automatic log entries

Revision ID: d5e8b2c41a96
Revises: 00b46d25126b
Create Date: 2026-11-30 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e8b2c41a96'
down_revision = '00b46d25126b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('thread_reads',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('last_read_post_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_reads_thread_id_threads')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_reads_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_reads'))
    )
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_reads_thread_id'), ['thread_id'], unique=False)

    # An automatic hide (flags at the threshold) is logged with no actor.
    with op.batch_alter_table('moderation_log', schema=None) as batch_op:
        batch_op.alter_column('actor_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('board_reads',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_board_reads_board_id_boards')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_board_reads_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'board_id', name=op.f('pk_board_reads'))
    )
    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('board_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_drafts_board_id_boards')),
    sa.ForeignKeyConstraint(['parent_id'], ['posts.id'], name=op.f('fk_drafts_parent_id_posts')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_drafts_thread_id_threads')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drafts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index('ix_drafts_owner', ['user_id', 'thread_id', 'board_id'], unique=False)


def downgrade():
    op.execute("DELETE FROM moderation_log WHERE actor_id IS NULL")
    with op.batch_alter_table('moderation_log', schema=None) as batch_op:
        batch_op.alter_column('actor_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_drafts_owner')
    op.drop_table('drafts')
    op.drop_table('board_reads')
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_reads_thread_id'))
    op.drop_table('thread_reads')

"""following: board subscriptions, thread watches and following settings (forum.following)

Revision ID: ac17119fdc92
Revises: 900637efd419
Create Date: 2026-11-30 18:51:28.247751

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ac17119fdc92'
down_revision = '900637efd419'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_subscriptions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_board_subscriptions_board_id_boards')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_board_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'board_id', name=op.f('pk_board_subscriptions'))
    )
    with op.batch_alter_table('board_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_board_subscriptions_board_level', ['board_id', 'level'], unique=False)

    op.create_table('following_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('auto_watch', sa.Boolean(), nullable=False),
    sa.Column('new_board_level', sa.String(length=20), nullable=True),
    sa.Column('digest_weekday', sa.Integer(), nullable=False),
    sa.Column('digest_hour', sa.Integer(), nullable=False),
    sa.Column('digest_timezone', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_following_settings_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_following_settings'))
    )
    op.create_table('thread_watches',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_watches_thread_id_threads')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_watches_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_watches'))
    )
    with op.batch_alter_table('thread_watches', schema=None) as batch_op:
        batch_op.create_index('ix_thread_watches_thread', ['thread_id'], unique=False)


def downgrade():
    with op.batch_alter_table('thread_watches', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_watches_thread')

    op.drop_table('thread_watches')
    op.drop_table('following_settings')
    with op.batch_alter_table('board_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_board_subscriptions_board_level')

    op.drop_table('board_subscriptions')
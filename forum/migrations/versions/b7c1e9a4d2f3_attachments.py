"""attachments: files in posts, stored by content hash; the administrators' types and limits

Revision ID: b7c1e9a4d2f3
Revises: f1c2d3e4a5b6
Create Date: 2026-12-01 01:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1e9a4d2f3'
down_revision = 'f1c2d3e4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removal_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_attachments_post', 'attachments', ['post_id'], unique=False)
    op.create_index('ix_attachments_sha256', 'attachments', ['sha256'], unique=False)
    op.create_index('ix_attachments_uploader', 'attachments', ['uploader_id', 'created_at'], unique=False)
    op.create_table('attachment_settings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('allowed_types', sa.Text(), nullable=True),
    sa.Column('max_file_bytes', sa.BigInteger(), nullable=True),
    sa.Column('max_post_bytes', sa.BigInteger(), nullable=True),
    sa.Column('max_daily_bytes', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('attachment_settings')
    op.drop_index('ix_attachments_uploader', table_name='attachments')
    op.drop_index('ix_attachments_sha256', table_name='attachments')
    op.drop_index('ix_attachments_post', table_name='attachments')
    op.drop_table('attachments')

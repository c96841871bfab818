"""Journal entries NetBox refused, kept for a later run.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Self-contained on purpose (no import of `store.tables`), like 0001.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_pending",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_pending")),
    )
    op.create_index(op.f("ix_journal_pending_created_at"), "journal_pending", ["created_at"])


def downgrade() -> None:
    op.drop_table("journal_pending")

"""Notifications: the messages to send per target (sent once, retried a bounded number of
times) and where each event source was read to.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

Self-contained on purpose (no import of `store.tables`), like 0001.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notification"),
        sa.UniqueConstraint("target", "key", name="uq_notification_target_key"),
    )
    op.create_index("ix_notification_sent_at", "notification", ["sent_at"])
    op.create_table(
        "notify_cursor",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_notify_cursor"),
    )


def downgrade() -> None:
    op.drop_table("notify_cursor")
    op.drop_index("ix_notification_sent_at", "notification")
    op.drop_table("notification")

"""The history of each host config's sync status: a row whenever its status or its difference
changed, so ``nbzbx hosts show`` can tell when a host drifted and when it was repaired.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Self-contained on purpose, like 0001.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "host_status_change",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("partition_key", sa.String(64), nullable=False),
        sa.Column("server", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("difference", JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_host_status_change"),
    )
    op.create_index(
        "ix_host_status_change_partition_key_changed_at",
        "host_status_change",
        ["partition_key", "changed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_host_status_change_partition_key_changed_at", "host_status_change")
    op.drop_table("host_status_change")

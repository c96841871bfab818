"""The repair plan: one action per host config that is not in sync, per Zabbix server.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Self-contained on purpose (no import of `store.tables`), like 0001.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
ACTIONS = ("create", "update", "adopt", "disable", "delete", "blocked")


def upgrade() -> None:
    op.create_table(
        "host_plan",
        sa.Column("server", sa.String(64), nullable=False),
        sa.Column("partition_key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("zabbix_hostid", sa.String(32), nullable=True),
        sa.Column("write", JSON, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"action IN ({', '.join(repr(a) for a in ACTIONS)})", name=op.f("ck_host_plan_action")
        ),
        sa.PrimaryKeyConstraint("server", "partition_key", name=op.f("pk_host_plan")),
    )


def downgrade() -> None:
    op.drop_table("host_plan")

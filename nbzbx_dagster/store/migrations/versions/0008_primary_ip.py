"""Each host config's primary IP address id: a change of that IP address in NetBox names the
host configs to re-check without reading every device.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Self-contained on purpose (no import of `store.tables`), like 0001.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("host_config_status") as batch:
        batch.add_column(sa.Column("primary_ip_id", sa.Integer(), nullable=True))
        batch.create_index("ix_host_config_status_primary_ip_id", ["primary_ip_id"])


def downgrade() -> None:
    with op.batch_alter_table("host_config_status") as batch:
        batch.drop_index("ix_host_config_status_primary_ip_id")
        batch.drop_column("primary_ip_id")

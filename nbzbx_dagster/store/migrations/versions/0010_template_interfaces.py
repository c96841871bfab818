"""The interfaces a cached template needs beyond the main one: ``ipmi`` for its IPMI items,
``jmx`` for its JMX items.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Self-contained on purpose, like 0001. Rows cached before get an empty list; the next import of
templates fills it (as an update of each template that has IPMI or JMX items).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    with op.batch_alter_table("zabbix_template") as batch:
        batch.add_column(
            sa.Column("extra_interfaces", json_type, nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("zabbix_template") as batch:
        batch.drop_column("extra_interfaces")

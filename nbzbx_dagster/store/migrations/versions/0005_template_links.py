"""What Zabbix checks when templates are linked to a host: per cached template, the templates
its triggers depend on and its item keys that another template has too.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Self-contained on purpose, like 0001. Rows cached before get empty lists; the next import of
templates fills them (as an update of each template that has any).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("dependencies", "shared_item_keys")


def upgrade() -> None:
    json_type = sa.JSON().with_variant(JSONB(), "postgresql")
    with op.batch_alter_table("zabbix_template") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, json_type, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("zabbix_template") as batch:
        for name in COLUMNS:
            batch.drop_column(name)

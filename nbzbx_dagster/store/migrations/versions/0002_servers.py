"""Several Zabbix servers: every cached object, status, maintenance part and event-log row
carries its server; what was stored before belongs to the server named ``default``.

- the five cache tables get a ``server`` column and a primary key of (server, Zabbix id);
- ``host_config_status`` and ``event_log`` get ``server``;
- ``zabbix_server`` records each server's URL, so a store filled from another URL is refused;
- ``maintenance_part``: a window's Zabbix maintenance on each server it spans; the window's own
  ``zabbix_maintenance_id`` moves there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Self-contained on purpose, like 0001.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEFAULT = "default"
CACHE_TABLES = {
    "zabbix_template": "templateid",
    "zabbix_template_group": "groupid",
    "zabbix_host_group": "groupid",
    "zabbix_proxy": "proxyid",
    "zabbix_proxy_group": "proxy_groupid",
}


def _server(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "server", sa.String(64), nullable=nullable, server_default=None if nullable else DEFAULT
    )


def upgrade() -> None:
    for table, id_column in CACHE_TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(_server())
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", ["server", id_column])
    with op.batch_alter_table("host_config_status") as batch:
        batch.add_column(_server())
        batch.create_index("ix_host_config_status_server", ["server"])
    with op.batch_alter_table("event_log") as batch:
        batch.add_column(_server(nullable=True))
    op.create_table(
        "zabbix_server",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("url", sa.String(1024), nullable=False),
        sa.Column("version", sa.String(32), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_zabbix_server"),
    )
    op.create_table(
        "maintenance_part",
        sa.Column("window_id", sa.Integer, nullable=False),
        sa.Column("server", sa.String(64), nullable=False),
        sa.Column("zabbix_maintenance_id", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["maintenance_window.id"],
            name="fk_maintenance_part_window_id_maintenance_window",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("window_id", "server", name="pk_maintenance_part"),
    )
    op.execute(
        "INSERT INTO maintenance_part (window_id, server, zabbix_maintenance_id) "
        f"SELECT id, '{DEFAULT}', zabbix_maintenance_id FROM maintenance_window"
    )
    with op.batch_alter_table("maintenance_window") as batch:
        batch.drop_column("zabbix_maintenance_id")


def downgrade() -> None:
    with op.batch_alter_table("maintenance_window") as batch:
        batch.add_column(sa.Column("zabbix_maintenance_id", sa.String(32), nullable=True))
    op.execute(
        "UPDATE maintenance_window SET zabbix_maintenance_id = (SELECT zabbix_maintenance_id "
        "FROM maintenance_part WHERE maintenance_part.window_id = maintenance_window.id "
        f"AND server = '{DEFAULT}')"
    )
    op.drop_table("maintenance_part")
    op.drop_table("zabbix_server")
    with op.batch_alter_table("event_log") as batch:
        batch.drop_column("server")
    with op.batch_alter_table("host_config_status") as batch:
        batch.drop_index("ix_host_config_status_server")
        batch.drop_column("server")
    for table, id_column in CACHE_TABLES.items():
        op.execute(f"DELETE FROM {table} WHERE server <> '{DEFAULT}'")
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", [id_column])
            batch.drop_column("server")

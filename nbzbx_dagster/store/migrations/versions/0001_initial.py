"""Initial schema: Zabbix settings cache, host config status, maintenance registry, overrides,
event log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Self-contained on purpose (no import of `store.tables`), so that later changes to the tables
module cannot change what this revision does.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(32), nullable=nullable)


def _name(name: str = "name", nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(255), nullable=nullable)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _check(table: str, name: str, sql: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sql, name=op.f(f"ck_{table}_{name}"))


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    op.create_table(
        "zabbix_template",
        _id("templateid"),
        _name("host"),
        _name(),
        sa.Column("parents", JSON, nullable=False),
        sa.Column("template_groups", JSON, nullable=False),
        sa.Column("interface_type", sa.String(8), nullable=False),
        _ts("last_synced"),
        _check(
            "zabbix_template", "interface_type", _in("interface_type", ("agent", "snmp", "any"))
        ),
        _pk("zabbix_template", "templateid"),
    )
    _index("zabbix_template", "host")
    _index("zabbix_template", "name")

    for table in ("zabbix_template_group", "zabbix_host_group"):
        op.create_table(table, _id("groupid"), _name(), _ts("last_synced"), _pk(table, "groupid"))
        _index(table, "name")

    op.create_table(
        "zabbix_proxy",
        _id("proxyid"),
        _name(),
        sa.Column("mode", sa.String(8), nullable=False),
        _name("address", nullable=True),
        sa.Column("port", sa.String(64), nullable=True),
        sa.Column("allowed_addresses", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        _id("proxy_groupid", nullable=True),
        _ts("last_synced"),
        _check("zabbix_proxy", "mode", _in("mode", ("active", "passive"))),
        _pk("zabbix_proxy", "proxyid"),
    )
    _index("zabbix_proxy", "name")

    op.create_table(
        "zabbix_proxy_group",
        _id("proxy_groupid"),
        _name(),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("failover_delay", sa.String(32), nullable=False),
        sa.Column("min_online", sa.String(32), nullable=False),
        _ts("last_synced"),
        _pk("zabbix_proxy_group", "proxy_groupid"),
    )
    _index("zabbix_proxy_group", "name")

    statuses = ("in_sync", "out_of_sync", "missing", "error")
    op.create_table(
        "host_config_status",
        sa.Column("partition_key", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        _name(),
        _id("zabbix_hostid", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_good_status", sa.String(16), nullable=True),
        sa.Column("diff", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _ts("checked_at"),
        sa.Column("desired", JSON, nullable=True),
        _check("host_config_status", "object_type", _in("object_type", ("device", "vm"))),
        _check("host_config_status", "status", _in("status", statuses)),
        _check(
            "host_config_status",
            "last_good_status",
            "last_good_status IS NULL OR " + _in("last_good_status", statuses[:3]),
        ),
        _pk("host_config_status", "partition_key"),
        sa.UniqueConstraint(
            "object_type",
            "object_id",
            name=op.f("uq_host_config_status_object_type_object_id"),
        ),
    )
    _index("host_config_status", "checked_at")

    op.create_table(
        "maintenance_window",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _name(),
        _ts("start"),
        _ts("end"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("with_data_collection", sa.Boolean(), nullable=False),
        sa.Column("targets", JSON, nullable=False),
        _id("zabbix_maintenance_id", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        _name("created_by"),
        _ts("created_at"),
        _check(
            "maintenance_window",
            "status",
            _in("status", ("pending", "active", "expired", "failed")),
        ),
        _check("maintenance_window", "end_after_start", '"end" > start'),
        _pk("maintenance_window", "id"),
        sa.UniqueConstraint("name", name=op.f("uq_maintenance_window_name")),
    )
    _index("maintenance_window", "end")

    op.create_table(
        "settings_override",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", JSON, nullable=False),
        _ts("updated_at"),
        _name("updated_by"),
        _pk("settings_override", "name"),
    )

    op.create_table(
        "event_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        _name("job"),
        sa.Column("run_id", sa.String(64), nullable=True),
        _ts("started_at"),
        _ts("finished_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _check("event_log", "status", _in("status", ("success", "failure"))),
        _pk("event_log", "id"),
    )
    _index("event_log", "job", "finished_at")
    _index("event_log", "finished_at")


def downgrade() -> None:
    for table in (
        "event_log",
        "settings_override",
        "maintenance_window",
        "host_config_status",
        "zabbix_proxy_group",
        "zabbix_proxy",
        "zabbix_host_group",
        "zabbix_template_group",
        "zabbix_template",
    ):
        op.drop_table(table)

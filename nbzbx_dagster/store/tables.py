"""The state store's tables (SQLAlchemy Core), portable between SQLite and PostgreSQL.

Alembic migrations (`store/migrations/versions`) create exactly these; a test compares them.
Zabbix ids are strings, as the Zabbix API returns them. Datetimes are timezone-aware UTC on the
way in and on the way out, whatever the database keeps.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

from nbzbx_dagster.common.vocabulary import ACTIONS, SYNC_STATUSES

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# JSONB on PostgreSQL: comparable and indexable; plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")
ZabbixId = String(32)
Name = String(255)
ServerName = String(64)
DEFAULT_SERVER = "default"

MAINTENANCE_STATUSES = ("pending", "active", "expired", "failed")
EVENT_STATUSES = ("success", "failure")


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that refuses naive datetimes and always reads back as aware UTC.

    SQLite keeps no time zone and PostgreSQL answers in the session's; both come back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} (give a timezone-aware one)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _row_id() -> Column:
    """An ever-growing row id (SQLite autoincrements only an INTEGER primary key)."""
    return Column(
        "id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )


def _server_column() -> Column:
    return Column(
        "server",
        ServerName,
        primary_key=True,
        server_default=DEFAULT_SERVER,
        doc="the Zabbix server the object was read from",
    )


# --- Zabbix servers seen, and the cache of their settings, keyed by (server, Zabbix id) -------

zabbix_server = Table(
    "zabbix_server",
    metadata,
    Column("name", ServerName, primary_key=True),
    Column("url", String(1024), nullable=False, doc="the URL the server's rows were read from"),
    Column("version", String(32), nullable=True),
    Column("first_seen", UTCDateTime, nullable=False, default=utc_now),
    Column("last_seen", UTCDateTime, nullable=False, default=utc_now),
)

zabbix_template = Table(
    "zabbix_template",
    metadata,
    _server_column(),
    Column("templateid", ZabbixId, primary_key=True),
    Column("host", Name, nullable=False, doc="technical name"),
    Column("name", Name, nullable=False, doc="visible name"),
    Column("parents", JSONType, nullable=False, default=list, doc="parent templateids"),
    Column("template_groups", JSONType, nullable=False, default=list, doc="group names"),
    Column("interface_type", String(8), nullable=False, default="any"),
    Column(
        "dependencies",
        JSONType,
        nullable=False,
        default=list,
        server_default="[]",
        doc="templateids the template's triggers depend on",
    ),
    Column(
        "shared_item_keys",
        JSONType,
        nullable=False,
        default=list,
        server_default="[]",
        doc="own item keys another template has too",
    ),
    Column(
        "extra_interfaces",
        JSONType,
        nullable=False,
        default=list,
        server_default="[]",
        doc="interfaces its items need beyond the main one: ipmi, jmx",
    ),
    Column("last_synced", UTCDateTime, nullable=False, default=utc_now),
    CheckConstraint(_in("interface_type", ("agent", "snmp", "any")), name="interface_type"),
    Index(None, "host"),
    Index(None, "name"),
)

zabbix_template_group = Table(
    "zabbix_template_group",
    metadata,
    _server_column(),
    Column("groupid", ZabbixId, primary_key=True),
    Column("name", Name, nullable=False, index=True),
    Column("last_synced", UTCDateTime, nullable=False, default=utc_now),
)

zabbix_host_group = Table(
    "zabbix_host_group",
    metadata,
    _server_column(),
    Column("groupid", ZabbixId, primary_key=True),
    Column("name", Name, nullable=False, index=True),
    Column("last_synced", UTCDateTime, nullable=False, default=utc_now),
)

zabbix_proxy = Table(
    "zabbix_proxy",
    metadata,
    _server_column(),
    Column("proxyid", ZabbixId, primary_key=True),
    Column("name", Name, nullable=False, index=True),
    Column("mode", String(8), nullable=False),
    Column("address", Name, nullable=True, doc="passive proxies: IP or DNS name"),
    Column("port", String(64), nullable=True, doc="a number or a user macro"),
    Column("allowed_addresses", Text, nullable=True, doc="active proxies"),
    Column("description", Text, nullable=False, default=""),
    # No foreign key: the import upserts groups and proxies in any order, and a dangling link
    # is reported rather than cascaded.
    Column("proxy_groupid", ZabbixId, nullable=True),
    Column("last_synced", UTCDateTime, nullable=False, default=utc_now),
    CheckConstraint(_in("mode", ("active", "passive")), name="mode"),
)

zabbix_proxy_group = Table(
    "zabbix_proxy_group",
    metadata,
    _server_column(),
    Column("proxy_groupid", ZabbixId, primary_key=True),
    Column("name", Name, nullable=False, index=True),
    Column("description", Text, nullable=False, default=""),
    Column("failover_delay", String(32), nullable=False, doc="e.g. 1m, as Zabbix gives it"),
    Column("min_online", String(32), nullable=False, doc="a number or a user macro"),
    Column("last_synced", UTCDateTime, nullable=False, default=utc_now),
)

# --- host config sync status ---------------------------------------------------------------------

host_config_status = Table(
    "host_config_status",
    metadata,
    Column("partition_key", String(64), primary_key=True, doc="device-<id> or vm-<id>"),
    Column("server", ServerName, nullable=False, server_default=DEFAULT_SERVER, index=True),
    Column("object_type", String(16), nullable=False),
    Column("object_id", Integer, nullable=False),
    Column("name", Name, nullable=False),
    Column("zabbix_hostid", ZabbixId, nullable=True),
    Column("status", String(16), nullable=False),
    Column("last_good_status", String(16), nullable=True, doc="kept beside an error"),
    Column("diff", JSONType, nullable=False, default=dict),
    Column("error", Text, nullable=True),
    Column("checked_at", UTCDateTime, nullable=False, default=utc_now),
    Column("desired", JSONType, nullable=True),
    Column("primary_ip_id", Integer, nullable=True, doc="NetBox id of its primary IP address"),
    CheckConstraint(_in("object_type", ("device", "vm")), name="object_type"),
    CheckConstraint(_in("status", SYNC_STATUSES), name="status"),
    CheckConstraint(
        "last_good_status IS NULL OR " + _in("last_good_status", SYNC_STATUSES[:3]),
        name="last_good_status",
    ),
    UniqueConstraint("object_type", "object_id"),
    Index(None, "checked_at"),
    Index(None, "primary_ip_id"),
)

host_status_change = Table(
    "host_status_change",
    metadata,
    _row_id(),
    Column("partition_key", String(64), nullable=False),
    Column("server", ServerName, nullable=False),
    Column("name", Name, nullable=False),
    Column("status", String(16), nullable=False),
    Column("difference", JSONType, nullable=False, default=list, doc="the difference in words"),
    Column("error", Text, nullable=True),
    Column("changed_at", UTCDateTime, nullable=False),
    Index(None, "partition_key", "changed_at"),
)

# --- maintenance registry ------------------------------------------------------------------------

host_plan = Table(
    "host_plan",
    metadata,
    Column("server", ServerName, primary_key=True),
    Column(
        "partition_key",
        String(64),
        primary_key=True,
        doc="the host config (or, for a removal, the one the Zabbix host's marker names)",
    ),
    Column("name", Name, nullable=False),
    Column("action", String(16), nullable=False),
    Column("changes", JSONType, nullable=False, default=list, doc="what changes, in words"),
    Column("reason", Text, nullable=True, doc="why a blocked action is blocked"),
    Column("zabbix_hostid", ZabbixId, nullable=True),
    Column("write", JSONType, nullable=False, default=dict, doc="what is sent, no secrets"),
    Column("digest", String(64), nullable=False, doc="the action as reviewed"),
    Column("planned_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("action", ACTIONS), name="action"),
)

maintenance_window = Table(
    "maintenance_window",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Name, nullable=False, unique=True),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("with_data_collection", Boolean, nullable=False, default=True),
    Column(
        "targets",
        JSONType,
        nullable=False,
        doc="host_configs, sites, host_groups, proxies, proxy_groups, clusters: lists",
    ),
    Column("status", String(16), nullable=False, default="pending"),
    Column("created_by", Name, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
    CheckConstraint(_in("status", MAINTENANCE_STATUSES), name="status"),
    CheckConstraint('"end" > start', name="end_after_start"),
    Index(None, "end"),
)

maintenance_part = Table(
    "maintenance_part",
    metadata,
    Column(
        "window_id",
        Integer,
        ForeignKey("maintenance_window.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("server", ServerName, primary_key=True),
    Column("zabbix_maintenance_id", ZabbixId, nullable=True, doc="None: not created there"),
)

# NetBox journal entries NetBox refused: kept here and written by a later maintenance run.
journal_pending = Table(
    "journal_pending",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("object_type", String(64), nullable=False, doc="dcim.device or ...virtualmachine"),
    Column("object_id", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("comments", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
    Column("attempts", Integer, nullable=False, default=1),
    Column("last_error", Text, nullable=False, default=""),
    Index(None, "created_at"),
)

# --- the system jobs' turns ----------------------------------------------------------------------

# One row per system job while a run of it works: whoever starts a run (sensor, launchpad,
# `nbzbx run`, the dagster CLI) takes the job's turn here first, and gives it back at the end.
system_job_turn = Table(
    "system_job_turn",
    metadata,
    Column("job", Name, primary_key=True),
    Column("run_id", String(64), nullable=False),
    Column("started_by", Text, nullable=False, doc="sensor, launchpad, nbzbx run, ..."),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("process_start", String(32), nullable=False, doc="from /proc: a reused pid differs"),
    Column("since", UTCDateTime, nullable=False),
)

# --- settings overrides and event log ------------------------------------------------------------

settings_override = Table(
    "settings_override",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", JSONType, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, default=utc_now),
    Column("updated_by", Name, nullable=False),
)

event_log = Table(
    "event_log",
    metadata,
    _row_id(),
    Column("job", Name, nullable=False),
    Column("server", ServerName, nullable=True, doc="the Zabbix server the run worked on"),
    Column("run_id", String(64), nullable=True, doc="Dagster run id"),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("summary", JSONType, nullable=False, default=dict),
    Column("error", Text, nullable=True),
    CheckConstraint(_in("status", EVENT_STATUSES), name="status"),
    Index(None, "job", "finished_at"),
    Index(None, "finished_at"),
)

# --- notifications -------------------------------------------------------------------------------

# One row per message and target: written once when its event is seen (the unique key makes a
# second sighting a no-op), sent until it succeeds or has used its attempts.
notification = Table(
    "notification",
    metadata,
    _row_id(),
    Column("target", String(64), nullable=False),
    Column("event", String(16), nullable=False),
    Column("key", String(255), nullable=False, doc="the event's identity, e.g. run_failed:<run>"),
    Column("text", Text, nullable=False, doc="the message, in names; no secrets"),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
    Column("attempts", Integer, nullable=False, default=0),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True, doc="one line, no URL or password"),
    UniqueConstraint("target", "key"),
    Index(None, "sent_at"),
)

# Where each event source was read to (status history id, event-log id, blocked actions), moved
# in the transaction that writes its notifications, so a restart neither repeats nor loses one.
notify_cursor = Table(
    "notify_cursor",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", JSONType, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, default=utc_now),
)

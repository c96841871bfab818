"""``nbzbx doctor``: one check per system, each answering with a version or one line of cause."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from nbzbx_dagster.common.connections import NetBoxConnection, ZabbixConnection
from nbzbx_dagster.netbox.changelog import ChangeLogUnreadable, latest_change
from nbzbx_dagster.netbox.errors import NetBoxError
from nbzbx_dagster.notify.sent import given_up_lines
from nbzbx_dagster.settings import SettingsError, load_settings
from nbzbx_dagster.settings.servers import ZabbixServer
from nbzbx_dagster.store import StateStore, StoreError
from nbzbx_dagster.store.url import state_store_url
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix.auditlog import AuditLogUnreadable, audit_log_enabled, latest_audit
from nbzbx_dagster.zabbix.errors import ZabbixError

Env = Mapping[str, str]


class CheckFailed(Exception):
    """A check's one-line cause."""


def _settings(env: Env) -> dict[str, Any]:
    load_settings(env=env)
    return {"detail": env.get("NBZBX_CONFIG") or "built-in defaults"}


def _netbox(env: Env) -> dict[str, Any]:
    connection = NetBoxConnection.from_env(env)
    status = connection.open().status()
    return {"url": connection.url, "version": status.get("netbox-version")}


def _changelog(env: Env) -> dict[str, Any]:
    """Whether change sync can read NetBox's change log; when it cannot, the note says so and
    that the full refresh at its interval is what keeps the statuses."""
    if not load_settings(env=env).change_sync:
        return {"detail": "change_sync is off: the full refresh at its interval only"}
    try:
        newest = latest_change(NetBoxConnection.from_env(env).open())
    except ChangeLogUnreadable as exc:
        return {
            "detail": "not readable",
            "note": f"{exc.cause}: change sync falls back to the full refresh at its interval",
        }
    except NetBoxError:
        return {"detail": "not checked: NetBox does not answer (see netbox)"}
    return {"detail": f"readable (newest entry {newest}): change sync on"}


def _change_sync(env: Env) -> bool:
    try:
        return load_settings(env=env).change_sync
    except SettingsError:
        return False  # the settings check says why


def _audit_log(client: ZabbixClient) -> tuple[str, str | None]:
    """Whether change sync can read the server's audit log, and a note when it cannot: host
    edits in Zabbix then reach their status at the refresh's interval only."""
    then = "host edits in Zabbix reach their status at the refresh's interval only"
    try:
        if audit_log_enabled(client) is False:
            return "off", f"the audit log is off (Administration → Audit log): {then}"
        latest_audit(client)
    except AuditLogUnreadable as exc:
        return "not readable", f"{exc.cause}: {then}"
    return "readable", None


def _zabbix(env: Env, server: ZabbixServer | None = None) -> dict[str, Any]:
    connection = (
        ZabbixConnection.for_server(server, env) if server else ZabbixConnection.from_env(env)
    )
    client = connection.open()
    try:
        found = {"url": connection.url, "version": client.version_str, "auth": connection.auth}
        notes = [client.zabbix_version.untested]
        if _change_sync(env):
            found["audit_log"], audit_note = _audit_log(client)
            notes.append(audit_note)
        note = "; ".join(n for n in notes if n)
        return {**found, "note": note} if note else found
    finally:
        client.close()


def _store(env: Env) -> dict[str, Any]:
    store = StateStore(state_store_url(env))
    try:
        return {"url": store.display_url, "version": store.ping()}
    finally:
        store.dispose()


def _notify(env: Env) -> dict[str, Any]:
    """The notify targets, failing while one has messages it gave up on: otherwise that
    stays one line of a sensor's tick."""
    targets = load_settings(env=env).notify
    if not targets:
        return {"detail": "no targets (notify is empty)"}
    store = StateStore(state_store_url(env))
    try:
        lines = given_up_lines(store)
    finally:
        store.dispose()
    if lines:
        raise CheckFailed("; ".join(lines))
    return {"detail": f"{', '.join(t.name for t in targets)}: nothing given up"}


def _dagster(env: Env) -> dict[str, Any]:
    from dagster import DagsterInstance

    from nbzbx_dagster.defs.dagster_internals import run_storage_name

    home = env.get("DAGSTER_HOME")
    if not home:
        raise CheckFailed("Dagster: DAGSTER_HOME is not set (`nbzbx lab env` sets it for the lab)")
    try:
        instance = DagsterInstance.get()
        instance.get_run_records(limit=1)
        storage = run_storage_name(instance)
    except Exception as exc:
        raise CheckFailed(f"Dagster instance at {home}: {_first_line(exc)}") from None
    return {"detail": f"{home} ({storage})", "version": f"dagster {_dagster_version()}"}


def _dagster_version() -> str:
    from dagster.version import __version__

    return __version__


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _zabbix_checks(env: Env) -> list[tuple[str, Callable[[Env], dict[str, Any]]]]:
    """One check per Zabbix server of the settings: ``zabbix <name>``; just ``zabbix`` for the
    single-server environment (and when the settings do not load: their own check says why)."""
    try:
        servers = load_settings(env=env).zabbix_servers
    except SettingsError:
        servers = []
    if not servers:
        return [("zabbix", _zabbix)]
    return [(f"zabbix {s.name}", partial(_zabbix, server=s)) for s in servers]


def run_checks(env: Env | None = None) -> list[dict[str, Any]]:
    """Run every check; a failing one does not stop the others."""
    env = os.environ if env is None else env
    checks: list[tuple[str, Callable[[Env], dict[str, Any]]]] = [
        ("settings", _settings),
        ("netbox", _netbox),
        ("netbox changes", _changelog),
        *_zabbix_checks(env),
        ("state_store", _store),
        ("notify", _notify),
        ("dagster_instance", _dagster),
    ]
    results = []
    for name, check in checks:
        try:
            results.append({"name": name, "ok": True, **check(env)})
        except (CheckFailed, NetBoxError, ZabbixError, StoreError, SettingsError) as exc:
            results.append({"name": name, "ok": False, "error": str(exc)})
    return results

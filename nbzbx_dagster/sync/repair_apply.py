"""Applying plan actions to one Zabbix server, in batches, with an outcome per host.

Knows nothing of Dagster. Creates, updates (interfaces in place first, then the host fields),
disables and deletes go in array calls; a host Zabbix refuses fails alone with Zabbix's error
and the others are applied (``zabbix.host_writes``). The status maintenance window is written
once, after the creates and updates and before the removals (``sync.status_window``). SNMPv3
passphrases join the interface details only here, on their way to Zabbix: the stored plan
never holds them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from nbzbx_dagster.sync.desired import NEW_GROUP
from nbzbx_dagster.sync.macros import MacroError, with_secret_values
from nbzbx_dagster.sync.repair_plan import PlannedHost
from nbzbx_dagster.sync.status_window import keep_window
from nbzbx_dagster.zabbix.catalog import ensure_host_groups
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError
from nbzbx_dagster.zabbix.host_writes import (
    Outcome,
    create_each,
    create_interfaces,
    delete_each,
    delete_macros,
    update_each,
    update_interfaces,
    write_macros,
)

RESULTS = {
    "create": "created",
    "update": "updated",
    "adopt": "adopted",
    "disable": "disabled",
    "delete": "deleted",
}
INTERFACE_WRITES = ("interfaces_update", "interfaces_create")
MACRO_WRITES = ("macros_create", "macros_update", "macros_delete")


@dataclass(frozen=True)
class HostResult:
    """What happened to one planned host: ``created`` ... ``deleted``, or ``failed``."""

    key: str
    name: str
    action: str
    result: str
    hostid: str | None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "action": self.action,
            "result": self.result,
            "hostid": self.hostid,
            "error": self.error,
        }


def make_host_groups(
    client: ZabbixClient, actions: Sequence[PlannedHost]
) -> tuple[list[PlannedHost], dict[str, str]]:
    """The actions with their new host groups (``new:<name>``, ``create_host_groups``) made in
    Zabbix and named by id; and the groups made or found, name to id."""
    wanted = {
        str(g).removeprefix(NEW_GROUP)
        for a in actions
        for g in a.write.get("groups") or ()
        if str(g).startswith(NEW_GROUP)
    }
    if not wanted:
        return list(actions), {}
    ids = ensure_host_groups(client, wanted)

    def named(group: str) -> str:
        return ids[group.removeprefix(NEW_GROUP)] if group.startswith(NEW_GROUP) else group

    out = [
        replace(a, write={**a.write, "groups": sorted({named(str(g)) for g in a.write["groups"]})})
        if a.write.get("groups")
        else a
        for a in actions
    ]
    return out, ids


def apply_actions(
    client: ZabbixClient,
    actions: Sequence[PlannedHost],
    snmp_secrets: Mapping[str, str],
    tag_prefix: str,
) -> list[HostResult]:
    """Apply the actions (none ``blocked``); one result per action, in their order."""
    results: dict[str, HostResult] = {}
    creates, specs, refused = [], [], []
    for action in (a for a in actions if a.action == "create"):
        try:
            specs.append(_with_secrets(action.write, snmp_secrets))
            creates.append(action)
        except MacroError as error:  # a secret macro's variable gone since the plan
            refused.append((action, (None, ZabbixError(client.url, str(error)))))
    _record(results, creates, create_each(client, specs))
    _record(results, [a for a, _ in refused], [o for _, o in refused])
    changes = [a for a in actions if a.action in ("update", "adopt")]
    _record(results, changes, _update(client, changes, snmp_secrets))
    removals = [a for a in actions if a.action in ("disable", "delete")]
    _window(client, tag_prefix, [*creates, *changes], removals, results)
    disables = [a for a in actions if a.action == "disable"]
    _record(results, disables, update_each(client, [a.write for a in disables]))
    deletes = [a for a in actions if a.action == "delete"]
    _record(results, deletes, delete_each(client, [str(a.hostid) for a in deletes]))
    return [results[a.key] for a in actions]


def _update(
    client: ZabbixClient, changes: Sequence[PlannedHost], secrets: Mapping[str, str]
) -> list[Outcome]:
    """Interfaces first (a template with SNMP or IPMI items needs that interface), then the
    host fields of the hosts whose interfaces were all written."""
    failed: dict[str, Outcome] = {}
    for kind, write in (
        ("interfaces_update", update_interfaces),
        ("interfaces_create", create_interfaces),
    ):
        owners, interfaces = [], []
        for action in (a for a in changes if a.key not in failed):
            for interface in action.write.get(kind) or ():
                owners.append(action)
                interfaces.append(_with_secrets(interface, secrets))
        for action, (_, error) in zip(owners, write(client, interfaces), strict=True):
            if error is not None:
                failed.setdefault(action.key, (None, error))
    hosts = [a for a in changes if a.key not in failed and _host_fields(a.write)]
    for action, outcome in zip(
        hosts, update_each(client, [_host_fields(a.write) for a in hosts]), strict=True
    ):
        if outcome[1] is not None:
            failed[action.key] = outcome
    _macros(client, [a for a in changes if a.key not in failed], failed)
    return [failed.get(a.key) or (a.hostid, None) for a in changes]


def _window(
    client: ZabbixClient,
    tag_prefix: str,
    written: Sequence[PlannedHost],
    removals: Sequence[PlannedHost],
    results: dict[str, HostResult],
) -> None:
    """The status window after the writes: the hosts written into it or out of it, and the
    removed hosts out of it before they go (Zabbix refuses to delete a maintenance's last
    host). A refused window write fails the hosts that were to join or leave it."""
    moved = [a for a in written if "maintenance" in a.write and results[a.key].result != "failed"]
    if not moved and not removals:
        return
    joining = [str(results[a.key].hostid) for a in moved if a.write["maintenance"]]
    leaving = [str(results[a.key].hostid) for a in moved if not a.write["maintenance"]]
    try:
        keep_window(
            client,
            tag_prefix,
            joining,
            [*leaving, *(str(a.hostid) for a in removals)],
            int(time.time()),
        )
    except ZabbixError as error:
        for action in moved:
            failed = f"maintenance window: {error.cause}"
            results[action.key] = replace(results[action.key], result="failed", error=failed)


def _macros(
    client: ZabbixClient, changes: Sequence[PlannedHost], failed: dict[str, Outcome]
) -> None:
    """The macro writes of the hosts whose fields were written, one macro at a time (a
    secret's value read from the environment here); a host with a refused macro fails."""
    for kind in MACRO_WRITES:
        owners, items = [], []
        for action in changes:
            if action.key in failed or not action.write.get(kind):
                continue
            try:
                values = action.write[kind]
                macros = values if kind == "macros_delete" else with_secret_values(values)
            except MacroError as error:
                failed[action.key] = (None, ZabbixError(client.url, str(error)))
                continue
            owners += [action] * len(macros)
            items += macros
        if kind == "macros_delete":
            outcomes = delete_macros(client, items)
        else:
            method = "usermacro.create" if kind == "macros_create" else "usermacro.update"
            outcomes = write_macros(client, method, items)
        for action, (_, error) in zip(owners, outcomes, strict=True):
            if error is not None:
                failed.setdefault(action.key, (None, error))


def _host_fields(write: Mapping[str, Any]) -> dict[str, Any]:
    apart = (*INTERFACE_WRITES, *MACRO_WRITES, "maintenance")
    fields = {k: v for k, v in write.items() if k not in apart}
    return fields if set(fields) - {"hostid"} else {}


def _with_secrets(write: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, Any]:
    """The write with SNMPv3 passphrases in its SNMP interfaces' details."""

    def interface(spec: Mapping[str, Any]) -> dict[str, Any]:
        details = spec.get("details") or {}
        if spec.get("type") != "snmp" or str(details.get("version")) != "3":
            return dict(spec)
        return {**spec, "details": {**details, **secrets}}

    out = dict(write)
    if "macros" in out:
        out["macros"] = with_secret_values(out["macros"])
    if "interfaces" in out:
        out["interfaces"] = [interface(i) for i in out["interfaces"]]
    if "type" in out:  # one interface
        out = interface(out)
    return out


def _record(
    results: dict[str, HostResult], actions: Sequence[PlannedHost], outcomes: Sequence[Outcome]
) -> None:
    for action, (hostid, error) in zip(actions, outcomes, strict=True):
        if error is None:
            results[action.key] = HostResult(
                action.key,
                action.name,
                action.action,
                RESULTS[action.action],
                hostid or action.hostid,
            )
        else:
            results[action.key] = HostResult(
                action.key, action.name, action.action, "failed", action.hostid, error.cause
            )

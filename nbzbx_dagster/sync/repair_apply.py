"""Applying plan actions to one Zabbix server, in batches, with an outcome per host.

Knows nothing of Dagster. Creates, updates (interfaces in place first, then the host fields),
disables and deletes go in array calls; a host Zabbix refuses fails alone with Zabbix's error
and the others are applied (``zabbix.host_writes``). SNMPv3 passphrases join the interface
details only here, on their way to Zabbix: the stored plan never holds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nbzbx_dagster.sync.repair_plan import PlannedHost
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.host_writes import (
    Outcome,
    create_each,
    create_interfaces,
    delete_each,
    update_each,
    update_interfaces,
)

RESULTS = {
    "create": "created",
    "update": "updated",
    "adopt": "adopted",
    "disable": "disabled",
    "delete": "deleted",
}
INTERFACE_WRITES = ("interfaces_update", "interfaces_create")


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


def apply_actions(
    client: ZabbixClient, actions: Sequence[PlannedHost], snmp_secrets: Mapping[str, str]
) -> list[HostResult]:
    """Apply the actions (none ``blocked``); one result per action, in their order."""
    results: dict[str, HostResult] = {}
    creates = [a for a in actions if a.action == "create"]
    outcomes = create_each(client, [_with_secrets(a.write, snmp_secrets) for a in creates])
    _record(results, creates, outcomes)
    changes = [a for a in actions if a.action in ("update", "adopt")]
    _record(results, changes, _update(client, changes, snmp_secrets))
    disables = [a for a in actions if a.action == "disable"]
    _record(results, disables, update_each(client, [a.write for a in disables]))
    deletes = [a for a in actions if a.action == "delete"]
    _record(results, deletes, delete_each(client, [str(a.hostid) for a in deletes]))
    return [results[a.key] for a in actions]


def _update(
    client: ZabbixClient, changes: Sequence[PlannedHost], secrets: Mapping[str, str]
) -> list[Outcome]:
    """Interfaces first (a template with SNMP items needs its SNMP interface), then the host
    fields of the hosts whose interfaces were written."""
    failed: dict[str, Outcome] = {}
    for kind, write in (
        ("interfaces_update", update_interfaces),
        ("interfaces_create", create_interfaces),
    ):
        owners = [a for a in changes if a.write.get(kind) and a.key not in failed]
        interfaces = [_with_secrets(a.write[kind][0], secrets) for a in owners]
        for action, (_, error) in zip(owners, write(client, interfaces), strict=True):
            if error is not None:
                failed[action.key] = (None, error)
    hosts = [a for a in changes if a.key not in failed and _host_fields(a.write)]
    done = dict(
        zip(
            (a.key for a in hosts),
            update_each(client, [_host_fields(a.write) for a in hosts]),
            strict=True,
        )
    )
    return [failed.get(a.key) or done.get(a.key) or (a.hostid, None) for a in changes]


def _host_fields(write: Mapping[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in write.items() if k not in INTERFACE_WRITES}
    return fields if set(fields) - {"hostid"} else {}


def _with_secrets(write: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, Any]:
    """The write with SNMPv3 passphrases in its SNMP interfaces' details."""

    def interface(spec: Mapping[str, Any]) -> dict[str, Any]:
        details = spec.get("details") or {}
        if spec.get("type") != "snmp" or str(details.get("version")) != "3":
            return dict(spec)
        return {**spec, "details": {**details, **secrets}}

    out = dict(write)
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

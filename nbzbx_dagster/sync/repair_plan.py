"""The repair plan: for each host config that is not in sync, the one Zabbix change that fixes it.

Knows nothing of Dagster. ``make_plan`` reads Zabbix fresh (only the hosts concerned, in
batches), so a plan is never older than the moment it was made, and writes nothing. Its actions:

- ``create``: no Zabbix host for the host config;
- ``update``: the project's host differs; only the differing fields are written;
- ``adopt``: a host of that name that the project does not manage yet, and that is this
  device or VM (one of its interfaces has the host config's address): linked by the marker tag,
  its managed fields updated; its other macros, inventory fields, tags and (in relaxed mode)
  groups kept;
- ``disable`` / ``delete``: a host the project manages whose host config is gone
  (``removed_host_action``), at most ``max_host_deletions`` per run;
- ``blocked``, with the reason: a configuration error, a name taken by a host that is not this
  one, templates Zabbix would refuse together, a removal over the guard.

The project manages exactly the hosts that carry its marker tag (``<tag_prefix>.host_config``,
valued by the host config key): it sets the tag when it creates or adopts a host, and nothing
else is ever disabled or deleted.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nbzbx_dagster.common.vocabulary import ACTIONS
from nbzbx_dagster.netbox.inventory import HostConfig
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.sync.check import read_hosts
from nbzbx_dagster.sync.compare import compare_hosts, interface_key, managed_tag
from nbzbx_dagster.sync.desired import ConfigError
from nbzbx_dagster.sync.diff_words import MINUS, ZabbixNames, describe, describe_new
from nbzbx_dagster.sync.macros import macro_mark, macro_writes
from nbzbx_dagster.sync.names import marker_tag
from nbzbx_dagster.sync.status_window import window_name
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.host_writes import marked_hosts

LinkCheck = Callable[[Iterable[str]], list[str]]
"""Why Zabbix would refuse linking these template ids to one host; [] when it would not."""


@dataclass
class PlannedHost:
    """One action of the plan, in the words a person reviews and with what would be sent."""

    key: str
    name: str
    action: str
    changes: list[str] = field(default_factory=list)
    reason: str | None = None
    hostid: str | None = None
    write: dict[str, Any] = field(default_factory=dict)
    guarded: bool = False
    """A removal refused by ``max_host_deletions``."""

    @property
    def digest(self) -> str:
        """The action as reviewed: the same action on the same host, read in the same words,
        with the same write."""
        text = json.dumps(
            [self.action, self.hostid, self.changes, self.write, self.reason],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def row(self, planned_at: datetime) -> dict[str, Any]:
        return {
            "partition_key": self.key,
            "name": self.name,
            "action": self.action,
            "changes": self.changes,
            "reason": self.reason,
            "zabbix_hostid": self.hostid,
            "write": self.write,
            "digest": self.digest,
            "planned_at": planned_at,
        }


def make_plan(
    server: str,
    configs: Sequence[HostConfig],
    desired: Mapping[str, dict[str, Any] | ConfigError],
    stored: Mapping[str, Mapping[str, Any]],
    client: ZabbixClient,
    settings: Settings,
    names: ZabbixNames,
    link_problems: LinkCheck,
    keys: Collection[str] | None = None,
    deleting: Mapping[str, str] | None = None,
) -> list[PlannedHost]:
    """The plan for ``server``'s host ``configs``: those whose stored status is not in sync
    (or that were never checked here), checked again now, and the managed hosts whose host
    config is gone (or whose NetBox status ``status_mapping`` maps to delete: ``deleting``).

    With ``keys`` (a keyed plan: ``configs`` are those of the keys NetBox still has), every
    one of them is checked again whatever its stored status says: they were asked for because
    they changed, and the refresh that stores their new status runs beside this plan, not
    before it. Only the managed hosts of those keys are read, so a removal is only ever of a
    requested key whose host config is gone, and the cost follows the keys, not the server's
    size."""
    marker = marker_tag(settings.tag_prefix)
    marked = marked_hosts(client, marker, keys)
    marked_by_key = {h["marker"]: h for h in marked}
    candidates = [
        c
        for c in configs
        if keys is not None
        or (row := stored.get(c.key)) is None
        or row.get("server") != server
        or row["status"] != "in_sync"
    ]
    known = {
        c.key: h["hostid"] if (h := marked_by_key.get(c.key)) else _stored_hostid(c, stored, server)
        for c in candidates
    }
    by_id, by_name = read_hosts(client, candidates, desired, known, settings.tag_prefix)
    planner = _Planner(settings, names, link_problems, marker)
    plan = [
        p
        for c in candidates
        if (p := planner.action(c, desired[c.key], _actual(c, desired, known, by_id, by_name)))
    ]
    _block_name_clashes(plan)
    wanted = {c.key for c in configs}
    plan += _removals([h for h in marked if h["marker"] not in wanted], settings, deleting or {})
    _block_last_hosts_of_maintenances(client, plan, settings.tag_prefix)
    return plan


def _stored_hostid(
    config: HostConfig, stored: Mapping[str, Mapping[str, Any]], server: str
) -> str | None:
    row = stored.get(config.key) or {}
    return row.get("zabbix_hostid") if row.get("server") == server else None


def _actual(
    config: HostConfig,
    desired: Mapping[str, dict[str, Any] | ConfigError],
    known: Mapping[str, str | None],
    by_id: Mapping[str, zapi.Host],
    by_name: Mapping[str, zapi.Host],
) -> zapi.Host | None:
    want = desired[config.key]
    found = by_id.get(known.get(config.key) or "")
    if found is None and isinstance(want, dict):
        found = by_name.get(want["host"])
    return found


@dataclass
class _Planner:
    settings: Settings
    names: ZabbixNames
    link_problems: LinkCheck
    marker: str

    def action(
        self,
        config: HostConfig,
        want: dict[str, Any] | ConfigError,
        actual: zapi.Host | None,
    ) -> PlannedHost | None:
        """The config's action; None when Zabbix matches already."""
        name = config.name
        if isinstance(want, ConfigError):
            return PlannedHost(config.key, name, "blocked", reason=f"configuration: {want}")
        problems = self.link_problems(want["templates"])
        if actual is None:
            if problems:
                return PlannedHost(config.key, name, "blocked", reason="; ".join(problems))
            spec = {**want, "tags": [*want["tags"], {"tag": self.marker, "value": config.key}]}
            if "macros" in want:
                mark = macro_mark(self.settings.tag_prefix)
                spec["macros"] = [{**m, "description": mark} for m in want["macros"]]
            if "inventory" in want and not want.get("inventory_mode"):
                spec["inventory_mode"] = "manual"  # a new host's default may hold no inventory
            words = describe_new(want, self.names)
            return PlannedHost(config.key, name, "create", words, write=spec)
        owner = _marker_value(actual, self.marker)
        if owner and owner != config.key:
            return PlannedHost(
                config.key,
                name,
                "blocked",
                reason=f"the Zabbix host {actual['host']!r} is managed for host config {owner}",
                hostid=actual["hostid"],
            )
        if not owner and not _same_machine(want, actual):
            return PlannedHost(
                config.key,
                name,
                "blocked",
                reason=f"name taken: the Zabbix host {actual['host']!r} is not managed by the "
                f"project and none of its interfaces ({_addresses(actual) or 'none'}) is this "
                f"host's ({_addresses(want) or 'none'})",
                hostid=actual["hostid"],
            )
        diff = compare_hosts(want, actual, self.settings.compare_mode, self.settings.tag_prefix)
        if owner and not diff["differences"]:
            return None
        if problems and "templates" in diff["differences"]:
            return PlannedHost(
                config.key, name, "blocked", reason="; ".join(problems), hostid=actual["hostid"]
            )
        write, words = self._update(config.key, want, actual, diff, adopt=not owner)
        if not owner:
            words.insert(0, f"link: tag {self.marker}={config.key}")
        action = "update" if owner else "adopt"
        if set(write) == {"hostid"}:
            return PlannedHost(
                config.key,
                name,
                "blocked",
                changes=words,
                reason="only extra Zabbix interfaces differ: the project never removes an "
                "interface (items may use it); remove it in Zabbix or use compare_mode relaxed",
                hostid=actual["hostid"],
            )
        return PlannedHost(config.key, name, action, words, None, actual["hostid"], write)

    def _update(
        self,
        key: str,
        want: dict[str, Any],
        actual: zapi.Host,
        diff: dict[str, Any],
        adopt: bool,
    ) -> tuple[dict[str, Any], list[str]]:
        """What to send for an update or adoption: only the differing fields (and the marker),
        keeping what the project does not manage; and the change in words."""
        differences = diff["differences"]
        relaxed = self.settings.compare_mode == "relaxed"
        write: dict[str, Any] = {"hostid": actual["hostid"]}
        words = describe({"differences": differences}, self.names)
        for scalar in ("host", "name", "status", "description"):
            if scalar in differences:
                write[scalar] = want[scalar]
        if {"monitored_by", "proxyid", "proxy_groupid"} & set(differences):
            write |= {k: want[k] for k in ("monitored_by", "proxyid", "proxy_groupid")}
        have_groups = {g["groupid"] for g in actual["groups"]}
        if "groups" in differences:
            write["groups"] = sorted(set(want["groups"]) | (have_groups if relaxed else set()))
        if "templates" in differences:
            have = {t["templateid"] for t in actual["templates"]}
            links = set(want["templates"]) | (have if relaxed else set())
            write["templates"] = sorted(links)
            gone = sorted(have - links)
            if gone and self.settings.template_unlink == "clear":
                write["templates_clear"] = gone
                cleared = ", ".join(self.names.of("templates", t) for t in gone)
                words.append(f"templates {MINUS} {cleared}: unlinked and cleared (their items go)")
        if "tags" in differences or adopt:
            mine = {(t["tag"], t["value"]) for t in want["tags"]}
            prefix = self.settings.tag_prefix
            kept = [
                t
                for t in actual["tags"]
                if t["tag"] != self.marker and (relaxed or not managed_tag(t["tag"], prefix))
            ]
            tags = [*want["tags"], *(t for t in kept if (t["tag"], t["value"]) not in mine)]
            write["tags"] = [*tags, {"tag": self.marker, "value": key}]
        for n, interface in enumerate(want["interfaces"]):
            if interface_key(n, interface) not in differences:
                continue
            if (have_if := _main_interface(actual, interface["type"])) is None:
                made = {**interface, "hostid": actual["hostid"]}
                write.setdefault("interfaces_create", []).append(made)
            else:
                updated = {**interface, "interfaceid": have_if["interfaceid"]}
                write.setdefault("interfaces_update", []).append(updated)
        if "interfaces" in differences:
            words.append("interfaces: extra Zabbix interfaces are kept (items may use them)")
        for key in ("inventory_mode", "inventory", "maintenance"):
            if key in differences:
                write[key] = differences[key]["netbox"]
        if "macros" in differences:
            mark = macro_mark(self.settings.tag_prefix)
            write |= macro_writes(
                actual["hostid"], want["macros"], actual.get("macros") or [], mark
            )
        if kept := diff["extra"].get("macros"):
            words.append(f"macros kept, not managed: {', '.join(kept)}")
        return write, words


def _marker_value(actual: zapi.Host, marker: str) -> str | None:
    return next((t["value"] for t in actual["tags"] if t["tag"] == marker), None)


def _main_interface(actual: zapi.Host, kind: str) -> zapi.Interface | None:
    of_kind = [i for i in actual["interfaces"] if i["type"] == kind]
    return next((i for i in of_kind if i["main"]), of_kind[0] if of_kind else None)


def _addresses(host: Mapping[str, Any]) -> str:
    return ", ".join(sorted({i.get("ip") or i.get("dns") or "" for i in host["interfaces"]} - {""}))


def _same_machine(want: dict[str, Any], actual: zapi.Host) -> bool:
    """An unmanaged Zabbix host of the wanted name is this device or VM when one of its
    interfaces has its address (IP, or DNS name without one): then it can be adopted."""
    ours = {i.get("ip") or i.get("dns") for i in want["interfaces"]} - {"", None}
    theirs = {a for i in actual["interfaces"] for a in (i["ip"], i["dns"])} - {""}
    return bool(ours & theirs)


def _block_name_clashes(plan: list[PlannedHost]) -> None:
    """Two host configs that would create the same technical name: Zabbix would take one and
    refuse the other, so neither is created."""
    names = Counter(p.write["host"] for p in plan if p.action == "create")
    for planned in plan:
        if planned.action == "create" and names[planned.write["host"]] > 1:
            others = names[planned.write["host"]] - 1
            planned.action = "blocked"
            planned.reason = (
                f"technical name {planned.write['host']!r} is wanted by {others} other host "
                "config(s) too: rename one in NetBox"
            )
            planned.write = {}


def _block_last_hosts_of_maintenances(
    client: ZabbixClient, plan: list[PlannedHost], tag_prefix: str
) -> None:
    """Deletions Zabbix would refuse: the hosts that would leave a maintenance with no host and
    no host group (one ``maintenance.get`` over the hosts to delete). The project's own status
    window is left to the apply, which takes its hosts out first."""
    deletes = {p.hostid: p for p in plan if p.action == "delete" and p.hostid}
    if not deletes:
        return
    for found in zapi.maintenances(client, hostids=sorted(deletes)):
        hosts = {h["hostid"] for h in found["hosts"]}
        if found["name"] == window_name(tag_prefix) or found["groups"] or hosts - set(deletes):
            continue
        for hostid in sorted(hosts):
            planned = deletes[hostid]
            planned.action, planned.write = "blocked", {}
            planned.reason = (
                f"the Zabbix maintenance {found['name']!r} would have no host left: Zabbix "
                "refuses to delete its last host; remove the host from it, or delete it, first"
            )


def _removals(
    gone: Sequence[dict[str, str]], settings: Settings, deleting: Mapping[str, str]
) -> list[PlannedHost]:
    """The managed hosts whose host config is gone, as ``removed_host_action`` says, and those
    whose NetBox status maps to delete (``deleting``: key to status), deleted; all of them
    blocked when they are more than ``max_host_deletions``."""
    seen: Counter[str] = Counter()
    plan = []
    for host in gone:
        status = deleting.get(host["marker"])
        action = "delete" if status else settings.removed_host_action
        if action == "keep" or (action == "disable" and host["status"] != "enabled"):
            continue
        seen[host["marker"]] += 1
        first = host["marker"] and seen[host["marker"]] == 1
        key = host["marker"] if first else f"zabbix-{host['hostid']}"
        named = f"host config {host['marker'] or '(none)'}"
        words = [
            f"{named} is {status} in NetBox, which status_mapping maps to delete"
            if status
            else f"{named} is gone from NetBox: {action}"
        ]
        write = {"hostid": host["hostid"]} | ({"status": "disabled"} if action == "disable" else {})
        plan.append(PlannedHost(key, host["name"], action, words, None, host["hostid"], write))
    if len(plan) > settings.max_host_deletions:
        actions = " or ".join(sorted({p.action for p in plan}))
        reason = (
            f"{len(plan)} Zabbix hosts to {actions}, more than max_host_deletions="
            f"{settings.max_host_deletions}. Check that the host configs are meant to be gone "
            f"(NetBox filters, sites), then raise max_host_deletions (nbzbx settings set "
            f"max_host_deletions {len(plan)}) and apply again."
        )
        for planned in plan:
            planned.action, planned.reason, planned.write = "blocked", reason, {}
            planned.guarded = True
    return plan


def counts(plan: Iterable[Mapping[str, Any] | PlannedHost]) -> dict[str, int]:
    """Actions per kind, every kind present (0 when none)."""
    found = Counter(p.action if isinstance(p, PlannedHost) else p["action"] for p in plan)
    return {a: found[a] for a in ACTIONS}

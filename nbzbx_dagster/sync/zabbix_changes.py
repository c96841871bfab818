"""What a batch of one Zabbix server's audit log entries means for the host configs: the keys to
check again, and whether the Zabbix objects must be imported again.

- a host added, edited or deleted: the host configs whose stored status has that host id on
  that server (the state store knows); a host no host config owns is none of the project's;
- a host group whose hosts changed (and nothing else of it): Zabbix 6.0 and 7.0 log a host
  added to or removed from a group, by hand or by the API, as an edit of the group. Its details
  name the host ids added, which are the keys to check again; a removal names only the
  membership's own id, so the line says so and the full refresh at its interval checks it (a
  full refresh at once would follow every repair that takes a host out of a group);
- a template, host group, template group, proxy or proxy group otherwise added, edited or
  deleted: an import, since the desired hosts name them and the imported catalog may be stale
  (a rename, a group gone). The entry does not say which hosts use it: the import's checks do.

Not in the audit log at all, measured on 6.0 and 7.0: a host's tags, its linked templates and
an interface edited with ``hostinterface.update``. The full refresh at its interval finds those.

Entries name objects as the audit log does: an edit by the name it had before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import keys_of_hosts
from nbzbx_dagster.zabbix.auditlog import (
    AuditBatch,
    AuditCursor,
    AuditEntry,
    audit_after,
    audit_details,
)
from nbzbx_dagster.zabbix.client import ZabbixClient

HOST = "host"
IMPORTED = ("template", "host group", "template group", "proxy", "proxy group")
DONE = {"add": "added", "update": "edited", "delete": "deleted"}
PLURALS = {"proxy": "proxies"}
SHOWN = 5  # names in a line

GROUP = "host group"
MEMBER = re.compile(r"hostgroup\.hosts\[\d+\](\.(hostid|hostgroupid|groupid))?")

OwnersOfHosts = Callable[[Collection[str]], dict[str, list[str]]]
"""Zabbix host ids of one server -> the host config keys whose stored status has each."""
DetailsOf = Callable[[Collection[str]], dict[str, dict[str, Any]]]
"""Audit entry ids -> their details (``audit_details``)."""


@dataclass(frozen=True)
class Membership:
    """A host group edit that only added or removed hosts."""

    added: frozenset[str]
    """The host ids added."""
    removed: int
    """Hosts removed: the details name only each membership's id, never the host."""


def membership(details: Mapping[str, Any]) -> Membership | None:
    """What a host group entry's details say about its hosts; None when the group itself
    changed (its name, or nothing the details say)."""
    if not details or not all(MEMBER.fullmatch(k) for k in details):
        return None
    added = {
        str(v[1])
        for k, v in details.items()
        if k.endswith(".hostid") and isinstance(v, list) and len(v) > 1 and v[0] == "add"
    }
    removed = sum(1 for k, v in details.items() if k.endswith("]") and v == ["delete"])
    return Membership(frozenset(added), removed)


@dataclass
class ZabbixChangeSet:
    """What a batch of audit log entries asks for."""

    keys: set[str] = field(default_factory=set)
    import_needed: str | None = None
    """Why the Zabbix objects must be imported again; None when nothing asks for it."""
    unnamed: list[str] = field(default_factory=list)
    """Changes the log does not say the hosts of, in words: "host group Web: 1 host removed"."""
    moved: dict[str, Membership] = field(default_factory=dict)
    """The host group edits of its hosts only, by entry id."""
    seen: list[str] = field(default_factory=list)
    """Each entry that asks for something, in words: "srv-lab-a-02 (host edited)"."""
    ignored: int = 0
    """Entries that ask for nothing (hosts no host config owns)."""


def _done(entry: AuditEntry) -> str:
    return DONE.get(entry.action, entry.action)


def _memberships(entries: Sequence[AuditEntry], details_of: DetailsOf) -> dict[str, Membership]:
    """The host group edits among ``entries`` that only moved hosts, by entry id: one more
    request, and only when the batch has a group edit."""
    edits = [e.id for e in entries if e.resource == GROUP and e.action == "update"]
    details = details_of(edits) if edits else {}
    return {i: m for i, d in details.items() if (m := membership(d)) is not None}


def affected_by_audit(
    entries: Sequence[AuditEntry],
    owners_of_hosts: OwnersOfHosts,
    details_of: DetailsOf = lambda ids: {},
) -> ZabbixChangeSet:
    """The host config keys the entries touch, and the reason an import is needed."""
    out = ZabbixChangeSet()
    moved = _memberships(entries, details_of)
    out.moved = moved
    hostids = {e.resourceid for e in entries if e.resource == HOST}
    hostids |= {h for m in moved.values() for h in m.added}
    owners = owners_of_hosts(hostids) if hostids else {}
    for entry in entries:
        if entry.resource == HOST and owners.get(entry.resourceid):
            out.keys.update(owners[entry.resourceid])
            out.seen.append(f"{entry.name} (host {_done(entry)})")
        elif (member := moved.get(entry.id)) is not None:
            keys = {k for h in member.added for k in owners.get(h, ())}
            out.keys |= keys
            if keys:
                added = f"{len(keys):,} managed {_plural(HOST, len(keys))}"
                out.seen.append(f"host group {entry.name}: {added} added")
            if member.removed:
                out.unnamed.append(f"host group {entry.name}: {_hosts(member.removed)} removed")
            if not keys and not member.removed:
                out.ignored += 1
        elif entry.resource in IMPORTED:
            words = f"{entry.resource} {entry.name} {_done(entry)}"
            out.import_needed = out.import_needed or words
            out.seen.append(words)
        else:
            out.ignored += 1
    return out


def read_audit(
    client: ZabbixClient,
    store: StateStore,
    server: str,
    cursor: AuditCursor,
    till: int | None = None,
) -> tuple[AuditBatch, ZabbixChangeSet]:
    """The server's entries after ``cursor`` (up to the clock ``till``) and what they ask for:
    the sensor's read."""
    batch = audit_after(client, cursor, till=till)

    def owners(hostids: Collection[str]) -> dict[str, list[str]]:
        with store.connect() as conn:
            return keys_of_hosts(conn, server, hostids)

    return batch, affected_by_audit(batch.entries, owners, lambda ids: audit_details(client, ids))


def _plural(word: str, count: int) -> str:
    return word if count == 1 else PLURALS.get(word, f"{word}s")


def _hosts(count: int) -> str:
    return f"{count:,} {_plural(HOST, count)}"


def _counted(entries: Sequence[AuditEntry]) -> str:
    """Like "2 hosts edited, 1 host deleted", in the order first seen."""
    counts = Counter((e.resource, _done(e)) for e in entries)
    return ", ".join(f"{n:,} {_plural(kind, n)} {done}" for (kind, done), n in counts.items())


def _names(entries: Sequence[AuditEntry]) -> str:
    names = list(dict.fromkeys(e.name for e in entries))
    more = f", … {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def in_words(server: str, batch: AuditBatch, changes: ZabbixChangeSet) -> str:
    """One line, in names: zbx70: 1 host edited in Zabbix (srv-lab-a-02) → refresh of 1 host
    config; 1 template edited → import."""
    hosts = [e for e in batch.entries if e.resource == HOST]
    added = [e for e in batch.entries if e.id in changes.moved and changes.moved[e.id].added]
    imported = [e for e in batch.entries if e.resource in IMPORTED and e.id not in changes.moved]
    parts, seen = [], []
    if hosts:
        seen.append(f"{_counted(hosts)} in Zabbix ({_names(hosts)})")
    if added:
        groups = f"{len(added):,} {_plural(GROUP, len(added))}"
        seen.append(f"hosts added to {groups} ({_names(added)})")
    if seen:
        keys = len(changes.keys)
        then = (
            f"refresh of {keys:,} host config{'' if keys == 1 else 's'}"
            if keys
            else "nothing to check (no host config owns them)"
        )
        parts.append(f"{', '.join(seen)} → {then}")
    if changes.unnamed:
        parts.append(
            f"{', '.join(changes.unnamed)}: the audit log does not say which, the full refresh "
            "at its interval checks them"
        )
    if imported:
        parts.append(f"{_counted(imported)} ({_names(imported)}) → import")
    return f"{server}: " + ("; ".join(parts) or "no change in Zabbix")

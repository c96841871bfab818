"""What a batch of one Zabbix server's audit log entries means for the host configs: the keys to
check again, and whether the Zabbix objects must be imported again.

- a host added, edited or deleted: the host configs whose stored status has that host id on
  that server (the state store knows); a host no host config owns is none of the project's;
- a template, host group, template group, proxy or proxy group added, edited or deleted: an
  import, since the desired hosts name them and the imported catalog may be stale (a rename,
  a group gone). The entry does not say which hosts use it: the import's checks do.

Entries name objects as the audit log does: an edit by the name it had before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import keys_of_hosts
from nbzbx_dagster.zabbix.auditlog import AuditBatch, AuditCursor, AuditEntry, audit_after
from nbzbx_dagster.zabbix.client import ZabbixClient

HOST = "host"
IMPORTED = ("template", "host group", "template group", "proxy", "proxy group")
DONE = {"add": "added", "update": "edited", "delete": "deleted"}
PLURALS = {"proxy": "proxies"}
SHOWN = 5  # names in a line

OwnersOfHosts = Callable[[Collection[str]], dict[str, list[str]]]
"""Zabbix host ids of one server -> the host config keys whose stored status has each."""


@dataclass
class ZabbixChangeSet:
    """What a batch of audit log entries asks for."""

    keys: set[str] = field(default_factory=set)
    import_needed: str | None = None
    """Why the Zabbix objects must be imported again; None when nothing asks for it."""
    seen: list[str] = field(default_factory=list)
    """Each entry that asks for something, in words: "srv-lab-a-02 (host edited)"."""
    ignored: int = 0
    """Entries that ask for nothing (hosts no host config owns)."""


def _done(entry: AuditEntry) -> str:
    return DONE.get(entry.action, entry.action)


def affected_by_audit(
    entries: Sequence[AuditEntry], owners_of_hosts: OwnersOfHosts
) -> ZabbixChangeSet:
    """The host config keys the entries touch, and the reason an import is needed."""
    out = ZabbixChangeSet()
    hosts = [e for e in entries if e.resource == HOST]
    owners = owners_of_hosts({e.resourceid for e in hosts}) if hosts else {}
    for entry in entries:
        if entry.resource == HOST and owners.get(entry.resourceid):
            out.keys.update(owners[entry.resourceid])
            out.seen.append(f"{entry.name} (host {_done(entry)})")
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

    return batch, affected_by_audit(batch.entries, owners)


def _plural(word: str, count: int) -> str:
    return word if count == 1 else PLURALS.get(word, f"{word}s")


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
    imported = [e for e in batch.entries if e.resource in IMPORTED]
    parts = []
    if hosts:
        keys = len(changes.keys)
        then = (
            f"refresh of {keys:,} host config{'' if keys == 1 else 's'}"
            if keys
            else "nothing to check (no host config owns them)"
        )
        parts.append(f"{_counted(hosts)} in Zabbix ({_names(hosts)}) → {then}")
    if imported:
        parts.append(f"{_counted(imported)} ({_names(imported)}) → import")
    return f"{server}: " + ("; ".join(parts) or "no change in Zabbix")

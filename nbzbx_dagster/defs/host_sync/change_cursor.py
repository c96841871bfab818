"""The cursor of ``host_config_changes_sensor``: how far each log was read, and the runs that
must succeed before it moves.

``{"seen": NetBox entry id, "zabbix": {server: {"clock", "ids"}}, "settings": {"digests",
"turn"}, "pending": {"upto", "run_keys", "attempt", "zabbix", "settings"} | null}``. ``pending``
holds where the logs were read to (and the compared settings' digests, when they changed) and
the keys of the runs asked for from them; only once every one of those runs succeeded do
``seen``, ``zabbix`` and ``settings`` move there.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from nbzbx_dagster.zabbix.auditlog import AuditCursor


@dataclass
class Pending:
    upto: int | None
    """The NetBox entry the runs cover up to; None while NetBox was never read."""
    run_keys: list[str]
    """The runs asked for (the change run, an import), e.g. ``netbox 1010-1012#1``."""
    attempt: int = 1
    zabbix: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per server, the audit log cursor the runs cover up to."""
    settings: dict[str, Any] | None = None
    """The compared settings the runs were asked for, when they changed."""


@dataclass
class ChangeCursor:
    seen: int | None = None
    pending: Pending | None = None
    zabbix: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    """``{"digests": {name: digest}, "turn": n}``: the compared settings the statuses were last
    refreshed with, and how many changes of them were refreshed for (a run key's part, so a
    setting changed back is a new run); empty before the first tick."""

    @classmethod
    def parse(cls, raw: str | None) -> ChangeCursor:
        try:
            data = json.loads(raw) if raw else {}
            pending = data.get("pending")
            zabbix = data.get("zabbix") or {}
            for value in zabbix.values():
                AuditCursor.from_dict(value)
            settings = data.get("settings") or {}
            if settings and not isinstance(settings["digests"], dict):
                raise TypeError("settings digests")
            return cls(data.get("seen"), Pending(**pending) if pending else None, zabbix, settings)
        except (ValueError, TypeError, AttributeError, KeyError):
            return cls()  # unreadable: start again at the newest entries

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def audit(self, server: str) -> AuditCursor | None:
        """Where the server's audit log is read from; None before its first read."""
        raw = self.zabbix.get(server)
        return AuditCursor.from_dict(raw) if raw is not None else None

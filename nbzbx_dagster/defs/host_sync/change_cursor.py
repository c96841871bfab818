"""The cursor of ``host_config_changes_sensor``: how far each log was read, and the runs that
must succeed before it moves.

``{"seen": NetBox entry id, "zabbix": {server: {"clock", "ids"}}, "pending": {"upto",
"run_keys", "attempt", "zabbix"} | null}``. ``pending`` holds where the logs were read to and
the keys of the runs asked for from them; only once every one of those runs succeeded do
``seen`` and ``zabbix`` move there.
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


@dataclass
class ChangeCursor:
    seen: int | None = None
    pending: Pending | None = None
    zabbix: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str | None) -> ChangeCursor:
        try:
            data = json.loads(raw) if raw else {}
            pending = data.get("pending")
            zabbix = data.get("zabbix") or {}
            for value in zabbix.values():
                AuditCursor.from_dict(value)
            return cls(data.get("seen"), Pending(**pending) if pending else None, zabbix)
        except (ValueError, TypeError, AttributeError):
            return cls()  # unreadable: start again at the newest entries

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def audit(self, server: str) -> AuditCursor | None:
        """Where the server's audit log is read from; None before its first read."""
        raw = self.zabbix.get(server)
        return AuditCursor.from_dict(raw) if raw is not None else None

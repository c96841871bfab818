"""What a Zabbix version can do, decided once from ``apiinfo.version``.

Every version branch of the project lives here; the API functions only ask these flags and
names. Facts: /work/shared/reference/zabbix-api-versions.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def parse_version(text: str) -> tuple[int, int, int]:
    """``"7.0.22"`` -> ``(7, 0, 22)``; also tolerates suffixes such as ``"7.4.0rc1"``."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.(\d+))?\S*\s*", text or "")
    if not match:
        raise ValueError(f"not a Zabbix version: {text!r}")
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


@dataclass(frozen=True)
class ZabbixVersion:
    """The version and the API shape decisions that follow from it."""

    version: tuple[int, int, int]

    @classmethod
    def from_string(cls, text: str) -> ZabbixVersion:
        return cls(parse_version(text))

    def __str__(self) -> str:
        return ".".join(map(str, self.version))

    @property
    def has_template_groups(self) -> bool:
        """``templategroup.*`` exists (6.2+); before, template groups are host groups."""
        return self.version >= (6, 2, 0)

    @property
    def host_groups_hold_templates(self) -> bool:
        """Before 6.2 templates live in host groups (``Templates/...``): ``hostgroup.get`` can
        count a group's hosts and templates (``selectHosts``/``selectTemplates``), and a group
        with templates and no hosts is a template group, not a choice for hosts."""
        return not self.has_template_groups

    @property
    def has_proxy_groups(self) -> bool:
        """``proxygroup.*`` and host/proxy ``proxy_groupid`` exist (7.0+)."""
        return self.version >= (7, 0, 0)

    @property
    def proxy_fields(self) -> str:
        """``"7.0"``: name/operating_mode/address/port; ``"6.0"``: host/status/proxy_address."""
        return "7.0" if self.version >= (7, 0, 0) else "6.0"

    @property
    def proxy_name_field(self) -> str:
        return "name" if self.proxy_fields == "7.0" else "host"

    @property
    def host_proxy_fields(self) -> str:
        """How a host names its proxy: ``monitored_by`` (7.0+) or ``proxy_hostid``."""
        return "monitored_by" if self.version >= (7, 0, 0) else "proxy_hostid"

    @property
    def host_groups_select(self) -> tuple[str, str]:
        """(request parameter, result key) for the host groups of a host or maintenance."""
        if self.version >= (6, 2, 0):
            return "selectHostGroups", "hostgroups"
        return "selectGroups", "groups"

    @property
    def template_groups_select(self) -> tuple[str, str] | None:
        """(request parameter, result key) for a template's template groups; None on 6.0."""
        return ("selectTemplateGroups", "templategroups") if self.has_template_groups else None

    @property
    def uses_bearer_header(self) -> bool:
        """pyzabbix sends the session/token as ``Authorization: Bearer`` from 6.4 on."""
        return self.version >= (6, 4, 0)

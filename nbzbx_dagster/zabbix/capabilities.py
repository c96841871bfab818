"""What a Zabbix version can do, decided once from ``apiinfo.version``.

Every version branch of the project lives here; the API functions only ask these flags and
names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The Zabbix majors this layer knows. A newer major may remove what the flags below rely on, an
# older release lacks what they assume: both are refused rather than guessed.
OLDEST = (6, 0)
KNOWN_MAJORS = frozenset({6, 7, 8})
# The newest version the suite tests (the 8.0 contract endpoint): a newer one of a known major
# is used on its assumptions, and said so.
NEWEST_TESTED = (8, 0)
# "7.0.22", "7.0", and pre-releases such as "8.0.0alpha2", "8.0.0beta1", "8.0.0rc1".
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?((?:alpha|beta|rc)\d*)?")


class UnsupportedVersion(ValueError):
    """A well-formed Zabbix version this project does not support."""


def parse_version(text: str) -> tuple[tuple[int, int, int], str]:
    """``"7.0.22"`` -> ``((7, 0, 22), "")``; ``"8.0.0rc1"`` -> ``((8, 0, 0), "rc1")``.

    A pre-release has the API of its release, so the flags use the numbers only. Anything else,
    and versions outside 6.0 to 8.x, raise ValueError (UnsupportedVersion for the latter).
    """
    match = _VERSION.fullmatch((text or "").strip())
    if not match:
        raise ValueError(f"not a Zabbix version: {text!r}")
    major, minor, patch, suffix = match.groups()
    numbers = (int(major), int(minor), int(patch or 0))
    if numbers[:2] < OLDEST:
        raise UnsupportedVersion(
            f"Zabbix {text.strip()} is older than 6.0 LTS, the oldest version this project supports"
        )
    if numbers[0] not in KNOWN_MAJORS:
        raise UnsupportedVersion(
            f"Zabbix {text.strip()} is a major version this project does not know "
            f"(it supports 6.0 to 8.0); its API may differ, so it is not guessed at"
        )
    return numbers, suffix or ""


@dataclass(frozen=True)
class ZabbixVersion:
    """The version and the API shape decisions that follow from it."""

    version: tuple[int, int, int]
    suffix: str = ""  # a pre-release tag such as "rc1": shown, never branched on

    @classmethod
    def from_string(cls, text: str) -> ZabbixVersion:
        numbers, suffix = parse_version(text)
        return cls(numbers, suffix)

    @property
    def untested(self) -> str | None:
        """The one line that says this version is newer than any tested; None when it is not."""
        if self.version[:2] <= NEWEST_TESTED:
            return None
        newest = ".".join(map(str, NEWEST_TESTED))
        return (
            f"Zabbix {'.'.join(map(str, self.version[:2]))} is newer than the newest tested "
            f"({newest}): used on {newest}'s assumptions"
        )

    @property
    def release(self) -> str:
        """The numbers only, e.g. ``"8.0.0"`` for 8.0.0rc1 (what pyzabbix compares)."""
        return ".".join(map(str, self.version))

    def __str__(self) -> str:
        return self.release + self.suffix

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
    def audit_resource_types(self) -> dict[int, str]:
        """The audit log's ``resourcetype`` numbers of the objects the project reads, in words.

        Zabbix only adds numbers (``CAudit::RESOURCE_*``): template groups have their own from
        6.2 (before, they are host groups), proxy groups exist from 7.0.
        """
        types = {4: "host", 14: "host group", 26: "proxy", 30: "template"}
        if self.has_template_groups:
            types[50] = "template group"
        if self.has_proxy_groups:
            types[55] = "proxy group"
        return types

    @property
    def proxy_fields(self) -> str:
        """``"7.0"``: name/operating_mode/address/port; ``"6.0"``: host/status/proxy_address."""
        return "7.0" if self.version >= (7, 0, 0) else "6.0"

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
        """The session/token goes in ``Authorization: Bearer`` (6.4+); 7.2 removed body ``auth``.

        pyzabbix makes this choice itself from the version it is given (``>= 6.4.0``).
        """
        return self.version >= (6, 4, 0)

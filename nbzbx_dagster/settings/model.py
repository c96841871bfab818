"""The settings model: what the jobs do (intervals, guards, host selection, mapping rules, tags,
switches), validated. Where the values come from is ``layers``; how a bad value is worded is
``messages``. The settings are frozen: every run and sensor tick reads them afresh instead.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nbzbx_dagster.netbox.inventory import EXCLUDED_STATUS, INVENTORY_SOURCES, STATUSES
from nbzbx_dagster.settings.notify import NotifyTarget
from nbzbx_dagster.settings.servers import DEFAULT_SERVER, ServerRule, ZabbixServer
from nbzbx_dagster.zabbix.inventory_fields import FIELD_LENGTHS


class SettingsError(ValueError):
    """An invalid setting or connection value; the message is one line, safe to show."""


ManagedTagField = Literal[
    "site",
    "region",
    "location",
    "role",
    "platform",
    "tenant",
    "cluster",
    "manufacturer",
    "device_type",
    "status",
]
FilterValue = str | int | bool | list[str | int]
PlanAction = Literal["create", "update", "adopt", "disable", "delete"]
StatusAction = Literal["enabled", "disabled", "delete", "maintenance"]


class SnmpSettings(BaseModel):
    """What the SNMP interfaces the project writes carry. SNMPv3 passphrases are secrets: they
    come from NBZBX_SNMPV3_AUTHPASSPHRASE and NBZBX_SNMPV3_PRIVPASSPHRASE, never from here."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    version: Literal[1, 2, 3] = 2
    community: str = Field("{$SNMP_COMMUNITY}", min_length=1)
    """SNMPv1/v2c community; a user macro by default, so the secret stays in Zabbix."""
    bulk: bool = True
    securityname: str = ""
    """SNMPv3 security name."""
    securitylevel: Literal["noAuthNoPriv", "authNoPriv", "authPriv"] = "noAuthNoPriv"
    authprotocol: Literal["MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512"] = "SHA1"
    privprotocol: Literal["DES", "AES128", "AES192", "AES256", "AES192C", "AES256C"] = "AES128"


class HostMapping(BaseModel):
    """What a host config gets in Zabbix: the result of a mapping rule."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    host_groups: list[str] = Field(min_length=1)
    """Zabbix host group names; Zabbix needs at least one per host."""
    templates: list[str] = Field(default_factory=list)
    """Zabbix template names (visible or technical), linked to the host."""
    proxy: str | None = None
    """Name of the Zabbix proxy that monitors the host; None: the server itself."""
    proxy_group: str | None = None
    """Name of the Zabbix proxy group (Zabbix 7.0+); exclusive with `proxy`."""

    @model_validator(mode="after")
    def _one_monitor(self) -> HostMapping:
        if self.proxy is not None and self.proxy_group is not None:
            raise ValueError("proxy and proxy_group are exclusive")
        return self


class MappingRule(HostMapping):
    """A mapping that applies to host configs matching every given criterion.

    Each criterion is a list of NetBox slugs; an absent criterion matches anything. A host config
    matches `tags` if it carries at least one of them. The first matching rule wins entirely (no
    merging with later rules or with `default_mapping`).
    """

    sites: list[str] | None = Field(default=None, min_length=1)
    """NetBox site slugs."""
    roles: list[str] | None = Field(default=None, min_length=1)
    """NetBox device role (or VM role) slugs."""
    platforms: list[str] | None = Field(default=None, min_length=1)
    """NetBox platform slugs."""
    tags: list[str] | None = Field(default=None, min_length=1)
    """NetBox tag slugs; any one of them is enough."""

    def matches(
        self,
        site: str | None,
        role: str | None,
        platform: str | None,
        tags: list[str] | tuple[str, ...] = (),
    ) -> bool:
        """Whether an object with these slugs falls under this rule."""
        return (
            (self.sites is None or site in self.sites)
            and (self.roles is None or role in self.roles)
            and (self.platforms is None or platform in self.platforms)
            and (self.tags is None or any(tag in self.tags for tag in tags))
        )


class Settings(BaseModel):
    """The operational settings, validated; names follow the reference plugin where it has one."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    zabbix_import_interval: int = Field(1440, ge=0, le=43200, strict=True)
    """Minutes between imports of Zabbix settings; 0 disables the job."""
    host_config_sync_interval: int = Field(1440, ge=0, le=43200, strict=True)
    """Minutes between host config sync refreshes; 0 disables the job."""
    cutoff_host_config_sync: int = Field(60, ge=0, le=525600, strict=True)
    """A refresh re-checks host configs last checked more than this many minutes ago."""
    change_sync: bool = Field(True, strict=True)
    """Check again, within a minute, the host configs NetBox's change log or a Zabbix audit log
    says changed (``host_config_changes_sensor``); the refresh at its interval stays the safety
    net."""
    reconcile_changes: bool = Field(False, strict=True)
    """Also repair those host configs in Zabbix at once: a ``reconcile_zabbix_hosts`` run of
    them only, applying ``reconcile_auto_actions`` under the same guards. Off by default: a
    person reviews the plan first."""
    maintenance_cleanup_interval: int = Field(1440, ge=0, le=43200, strict=True)
    """Minutes between maintenance cleanups; 0 disables the job."""
    max_deletions: int = Field(3, ge=0, le=10000, strict=True)
    """An import prunes at most this many stale objects of one type per run (3 allows 3)."""
    event_log_enabled: bool = Field(True, strict=True)
    """Write an event-log row per system job run (on by default, unlike the reference)."""
    event_log_retention_days: int = Field(90, ge=1, le=3650, strict=True)
    """Event-log rows older than this many days are pruned."""
    dead_run_after: int = Field(120, ge=1, le=1440, strict=True)
    """Minutes a system job run may stay in progress: then run monitoring stops it, and the
    sensor fails it if its process cannot be checked (a dead process on the sensor's host is
    failed on the next tick, whatever this says)."""
    compare_mode: Literal["strict", "relaxed"] = "strict"
    """strict: extra Zabbix-side groups, templates, tags or interfaces are drift; relaxed: only
    reported."""
    no_primary_ip: Literal["dns", "skip", "error"] = "dns"
    """A host config without a primary IP: dns: an interface on its DNS name; skip: no interface
    (Zabbix-side interfaces are extra); error: status error "no primary IP"."""
    sync_vms: bool = Field(True, strict=True)
    """Virtual machines are host configs too."""
    device_filters: dict[str, FilterValue] = Field(default_factory=dict)
    """NetBox REST filters selecting devices; decommissioning ones are always out."""
    vm_filters: dict[str, FilterValue] = Field(default_factory=dict)
    """NetBox filters selecting virtual machines; decommissioning ones are always out."""
    mapping_rules: list[MappingRule] = Field(default_factory=list)
    """Rules tried in order; the first whose criteria match gives host groups, templates, proxy."""
    default_mapping: HostMapping = Field(
        default_factory=lambda: HostMapping(host_groups=["NetBox"])
    )
    """The mapping for host configs no rule matches: host group "NetBox", no templates, no proxy."""
    managed_tags: list[ManagedTagField] = Field(
        default_factory=lambda: ["site", "role", "platform"]
    )
    """NetBox fields published as Zabbix tags named `<tag_prefix>.<field>`, valued by name."""
    netbox_tags: bool = Field(True, strict=True)
    """Publish each NetBox tag of a host config as a Zabbix tag `<tag_prefix>.tag`."""
    sync_description: bool = Field(False, strict=True)
    """Write the device's or VM's NetBox description (then its comments, where set) as its
    Zabbix host's description; off: the host's description is left as it is."""
    create_host_groups: bool = Field(False, strict=True)
    """Make a wanted host group Zabbix lacks (from a rule, ``zabbix_host_groups`` or a format
    such as ``{site}/{role}``) when the repair applies, before the hosts that need it; off: an
    unknown host group is a configuration error of that host."""
    sync_macros: bool = Field(False, strict=True)
    """Write the user macros of each device's or VM's ``zabbix_macros`` custom field (a JSON
    object; a secret as ``{"secret_env": "NBZBX_MACRO_…"}``) to its Zabbix host; only the macros
    the project wrote are changed or removed. Off: macros are neither read nor written."""
    config_context_key: str = Field("", max_length=64, pattern=r"^[A-Za-z0-9_.-]*$")
    """The key of each device's or VM's rendered NetBox config context that may give its
    templates, host_groups, proxy, proxy_group, macros, tags, inventory and interface (``zabbix``
    is the usual one). Empty (the default): off, since NetBox renders a config context per
    object. Precedence: custom fields > config context > mapping rules > default mapping."""
    inventory: dict[str, str] = Field(default_factory=dict)
    """Zabbix inventory fields filled from NetBox, e.g. ``{serialno_a: serial, site_rack: rack,
    contract_number: custom_fields.contract}``; only these fields are compared and written, the
    host's other inventory fields stay. Empty: the inventory is neither read nor written."""
    inventory_mode: Literal["disabled", "manual", "automatic"] | None = None
    """The hosts' inventory mode; unset: each host keeps its own, except that a disabled one
    becomes manual to hold the fields ``inventory`` maps."""
    status_mapping: dict[Literal["device", "vm"], dict[str, StatusAction]] = Field(
        default_factory=dict
    )
    """Per object type, what a NetBox status makes of the Zabbix host, e.g. ``{device: {planned:
    maintenance, offline: delete}}``: ``enabled``, ``disabled``, ``delete`` (the host config is
    not monitored: the plan deletes its Zabbix host, under ``max_host_deletions``) or
    ``maintenance`` (enabled, in the project's maintenance window of its server, which it leaves
    when its status changes). A status not named: active is enabled, any other disabled."""
    tag_prefix: str = Field("netbox", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:/-]+$")
    """Zabbix tags whose name starts with this prefix are the project's; others are left alone."""
    netbox_writeback: bool = Field(True, strict=True)
    """Write `zabbix_hostid` and `zabbix_sync_status` back to NetBox (only changed values)."""
    journal_enabled: bool = Field(True, strict=True)
    """Add NetBox journal entries when the project writes to a NetBox object."""
    cleanup_unmanaged_maintenances: bool = Field(False, strict=True)
    """Maintenance cleanup also deletes expired Zabbix maintenances not in the registry."""
    unmanaged_maintenance_pattern: str = "^nbzbx-"
    """Regex (re.search) an unregistered Zabbix maintenance's name must match to be cleaned."""
    zabbix_servers: list[ZabbixServer] = Field(default_factory=list)
    """Named Zabbix servers (name, url, verify_tls, ca_bundle, timeout_seconds); none: one server
    named `default` from NBZBX_ZABBIX_URL and its credentials."""
    server_rules: list[ServerRule] = Field(default_factory=list)
    """Rules tried in order that pick a host config's server by sites, regions, tenants or tags;
    a `zabbix_server` custom field on the device or VM wins over them."""
    default_server: str | None = None
    """The server of host configs no rule picks (default: the first of `zabbix_servers`)."""
    removed_host_action: Literal["disable", "delete", "keep"] = "disable"
    """What the repair plan does with a Zabbix host the project manages whose host config is
    gone: disable it, delete it, or keep it as it is."""
    max_host_deletions: int = Field(3, ge=0, le=100000, strict=True)
    """A reconcile run disables or deletes at most this many hosts; over it, that whole part of
    the plan is refused (3 allows 3)."""
    reconcile_interval: int = Field(0, ge=0, le=43200, strict=True)
    """Minutes between reconcile runs launched by the sensor; 0 (default): only when asked."""
    reconcile_auto_actions: list[PlanAction] = Field(default_factory=lambda: ["create", "update"])
    """The plan actions a reconcile run launched by the sensor applies."""
    template_unlink: Literal["clear", "keep_items"] = "clear"
    """Unlinking a template from a host: clear (remove the template's items and their history)
    or keep_items (the items stay on the host, unlinked)."""
    snmp: SnmpSettings = Field(default_factory=SnmpSettings)
    """The details of SNMP interfaces: version, community (a macro), SNMPv3 names."""
    notify: list[NotifyTarget] = Field(default_factory=list)
    """Where operators are told of run_failed, dead_run, drift, blocked and applied: e-mail
    (``NBZBX_SMTP_PASSWORD``) or webhook targets (the URL from the variable ``url_env`` names),
    each with its events; each event is sent once."""

    @field_validator("unmanaged_maintenance_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("inventory")
    @classmethod
    def _inventory(cls, value: dict[str, str]) -> dict[str, str]:
        for field, source in value.items():
            if field not in FIELD_LENGTHS:
                close = difflib.get_close_matches(field, FIELD_LENGTHS, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise ValueError(f"{field!r} is not a Zabbix inventory field{hint}")
            custom = source.removeprefix("custom_fields.")
            if source not in INVENTORY_SOURCES and not (
                custom != source and re.fullmatch(r"[a-z0-9_]+", custom)
            ):
                raise ValueError(f"{field}: {source!r} is not a NetBox value this can read")
        return value

    @field_validator("status_mapping")
    @classmethod
    def _statuses(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for object_type, mapping in value.items():
            for status in mapping:
                if status == EXCLUDED_STATUS:
                    raise ValueError(f"{object_type}: {status} objects are never host configs")
                if status not in STATUSES[object_type]:
                    allowed = ", ".join(s for s in STATUSES[object_type] if s != EXCLUDED_STATUS)
                    raise ValueError(
                        f"{object_type}: {status!r} is not a NetBox status ({allowed})"
                    )
        return value

    @field_validator("notify")
    @classmethod
    def _target_names(cls, value: list[NotifyTarget]) -> list[NotifyTarget]:
        names = [t.name for t in value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"each target name once ({', '.join(twice)} twice)")
        return value

    @field_validator("managed_tags", "reconcile_auto_actions")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("device_filters", "vm_filters")
    @classmethod
    def _filter_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not re.fullmatch(r"[A-Za-z0-9_]+", key):
                raise ValueError(f"bad filter name {key!r}")
        return value

    def check_together(self) -> None:
        """The settings that name each other agree: the servers named by rules exist, and an
        inventory mapped is not disabled. Checked on the effective settings, not per layer: the
        servers may come from the file and a rule from an override."""
        if self.inventory and self.inventory_mode == "disabled":
            raise SettingsError("inventory maps fields but inventory_mode is disabled")
        names = [s.name for s in self.zabbix_servers]
        if len(set(names)) != len(names):
            raise SettingsError("zabbix_servers: each name once")
        known = set(self.server_names)
        for rule in self.server_rules:
            if rule.server not in known:
                raise SettingsError(f"server_rules: no server named {rule.server!r}")
        if self.default_server is not None and self.default_server not in known:
            raise SettingsError(f"default_server: no server named {self.default_server!r}")

    @property
    def server_names(self) -> list[str]:
        """The configured servers' names, in order; ``["default"]`` without any."""
        return [s.name for s in self.zabbix_servers] or [DEFAULT_SERVER]

    def server(self, name: str) -> ZabbixServer | None:
        """The named server's settings; None for the single-server environment's `default`."""
        return next((s for s in self.zabbix_servers if s.name == name), None)

    def server_for(
        self,
        site: str | None,
        region: str | None,
        tenant: str | None,
        tags: tuple[str, ...] | list[str] = (),
        chosen: str | None = None,
    ) -> str:
        """The server of a host config: ``chosen`` (its `zabbix_server` custom field) when set,
        else the first matching rule's, else `default_server`, else the first server. A chosen
        name that is not a server is returned as is: the caller reports it for that host."""
        if chosen:
            return chosen
        for rule in self.server_rules:
            if rule.matches(site, region, tenant, tags):
                return rule.server
        return self.default_server or self.server_names[0]

    def status_action(self, object_type: str, status: str) -> str:
        """What ``status_mapping`` makes of a NetBox status: enabled, disabled, delete or
        maintenance."""
        default = "enabled" if status == "active" else "disabled"
        return self.status_mapping.get(object_type, {}).get(status, default)

    def mapping_for(
        self,
        site: str | None,
        role: str | None,
        platform: str | None,
        tags: list[str] | tuple[str, ...] = (),
    ) -> HostMapping:
        """The first matching rule's mapping, else `default_mapping`."""
        for rule in self.mapping_rules:
            if rule.matches(site, role, platform, tags):
                return rule
        return self.default_mapping


SETTING_NAMES: tuple[str, ...] = tuple(Settings.model_fields)

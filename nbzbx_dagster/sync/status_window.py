"""The status maintenance window: the hosts whose NetBox status ``status_mapping`` maps to
``maintenance``, enabled and in one maintenance of the project's per Zabbix server.

The window is named after the tag prefix (:func:`window_name`), so two installations of the
project on one Zabbix keep two windows. The refresh and the plan read it once per server (one
``maintenance.get``) and compare each host's membership; the apply adds and removes only the
hosts of its actions, from a fresh read, so a host someone added by hand stays. Zabbix refuses a
maintenance with no host and the deletion of a maintenance's last host: the window is created
with its first host and deleted with its last, and a host leaves it before it is deleted.

A one-time period lasts at most ``LONGEST_PERIOD`` (999 days): the apply renews the window when
it writes it within ``RENEW_WITHIN`` of its end. The hosts of a window that has ended are not in
maintenance: the next apply that joins one starts it afresh with only the joining hosts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError
from nbzbx_dagster.zabbix.maintenance_api import LONGEST_PERIOD

RENEW_WITHIN = 90 * 86_400
DESCRIPTION = (
    "Kept by nbzbx-dagster (reconcile_zabbix_hosts): the hosts whose NetBox status "
    "status_mapping maps to maintenance. A host leaves it when its status changes."
)


def window_name(tag_prefix: str) -> str:
    return f"{tag_prefix}: maintenance by NetBox status"


@dataclass(frozen=True)
class Window:
    """The window as Zabbix has it now: its id (None: there is none) and its hosts while it
    lasts."""

    maintenanceid: str | None
    hostids: frozenset[str]
    till: int

    def current(self, now: int) -> frozenset[str]:
        return self.hostids if self.till > now else frozenset()


def read_window(client: ZabbixClient, tag_prefix: str) -> Window:
    found = zapi.maintenances(client, names=[window_name(tag_prefix)])
    if not found:
        return Window(None, frozenset(), 0)
    window = found[0]
    return Window(
        window["maintenanceid"], frozenset(h["hostid"] for h in window["hosts"]), window["till"]
    )


def mark_members(hosts: Iterable[zapi.Host], window: Window, now: int) -> None:
    """Say on each host whether it is in the window; nothing where there is no window, so a
    host of a server without one compares as before."""
    if window.maintenanceid is None:
        return
    members = window.current(now)
    for host in hosts:
        host["maintenance"] = host["hostid"] in members


def keep_window(
    client: ZabbixClient,
    tag_prefix: str,
    joining: Collection[str],
    leaving: Collection[str],
    now: int,
) -> None:
    """Add the ``joining`` host ids to the window and take the ``leaving`` ones out, in one
    write: created with its first host, deleted with its last, renewed near its end."""
    window = read_window(client, tag_prefix)
    members = (window.current(now) | set(joining)) - set(leaving)
    if window.maintenanceid is None:
        if members:
            zapi.create_maintenance(
                client,
                window_name(tag_prefix),
                now,
                now + LONGEST_PERIOD,
                sorted(members),
                description=DESCRIPTION,
            )
        return
    if not members:
        gone = zapi.delete_maintenances(client, [window.maintenanceid])
        if gone.failed:  # its last host's deletion would be refused next: say why here
            raise ZabbixError(client.url, gone.failed[window.maintenanceid])
        return
    renew = window.till - now < RENEW_WITHIN
    if members != window.hostids or renew:
        zapi.set_maintenance_hosts(
            client, window.maintenanceid, members, renew_from=now if renew else None
        )

"""Zabbix sessions the change sensor keeps from one tick to the next.

A client per tick would log in and out every 30 s: four requests per server, and a login and a
logout row in the server's audit log each time. The code server that evaluates the sensor lives
on, so the session does too, and an idle tick costs one ``auditlog.get`` per server. A session
Zabbix ended (an ``auth`` error: expired, logged out, the password changed) is opened again once;
a changed connection (another URL, user or token) opens a new one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TypeVar

from nbzbx_dagster.common.connections import ZabbixConnection
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError

T = TypeVar("T")
_OPEN: dict[str, tuple[ZabbixConnection, ZabbixClient]] = {}


def _session(server: str, connection: ZabbixConnection) -> ZabbixClient:
    held = _OPEN.get(server)
    if held is not None and held[0] == connection:
        return held[1]
    forget(server)
    client = connection.open()
    _OPEN[server] = (connection, client)
    return client


def forget(server: str) -> None:
    """Close the server's session, if one is kept."""
    held = _OPEN.pop(server, None)
    if held is not None:
        with contextlib.suppress(ZabbixError):  # ended already: nothing to give back
            held[1].close()


def with_session(server: str, connection: ZabbixConnection, use: Callable[[ZabbixClient], T]) -> T:
    """``use`` the server's kept session; once more with a new one when Zabbix ended it."""
    try:
        return use(_session(server, connection))
    except ZabbixError as exc:
        forget(server)
        if exc.kind != "auth":
            raise
    return use(_session(server, connection))

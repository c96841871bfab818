"""A host's difference in names: what the UI, the CLI and the history show an operator."""

from __future__ import annotations

from datetime import UTC, datetime

from nbzbx_dagster.defs.host_sync.events import status_report
from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import ZabbixIndex
from nbzbx_dagster.sync.diff_words import MINUS, ZabbixNames, describe

INDEX = ZabbixIndex.from_rows(
    templates=[
        {"templateid": "10001", "host": "nbzbx_linux", "name": "Linux by Zabbix agent"},
        {"templateid": "10002", "host": "icmp", "name": "ICMP Ping"},
    ],
    host_groups=[{"groupid": "22", "name": "NetBox"}, {"groupid": "27", "name": "Servers"}],
    proxies=[{"proxyid": "5", "name": "proxy-lab-a"}],
    proxy_groups=[],
)
NAMES = ZabbixNames.from_index(INDEX)


def host(**changes: object) -> dict:
    base = {
        "host": "srv-1",
        "name": "srv-1",
        "status": "enabled",
        "monitored_by": "proxy",
        "proxyid": "5",
        "proxy_groupid": None,
        "groups": [{"groupid": "22"}, {"groupid": "27"}],
        "templates": [{"templateid": "10001"}],
        "tags": [{"tag": "netbox.site", "value": "Lab A"}],
        "interfaces": [
            {
                "type": "agent",
                "main": True,
                "useip": True,
                "ip": "10.0.0.1",
                "dns": "",
                "port": "10050",
            }
        ],
    }
    return {**base, **changes}


def test_a_difference_reads_in_names() -> None:
    desired = host()
    actual = host(
        groups=[{"groupid": "22"}],
        templates=[{"templateid": "10002"}],
        proxyid="0",
        monitored_by="server",
        interfaces=[{**desired["interfaces"][0], "ip": "203.0.113.99"}],
    )
    lines = describe(compare_hosts(desired, actual, "strict"), NAMES)
    assert "host groups: + Servers" in lines
    assert f"templates: + Linux by Zabbix agent, {MINUS} ICMP Ping" in lines
    assert "proxy: (server) → proxy-lab-a" in lines
    assert "interface: ip 203.0.113.99 → 10.0.0.1" in lines
    assert not any("22" in line or "10002" in line for line in lines)  # names, not ids


def test_tags_and_tolerated_extras() -> None:
    desired = host()
    actual = host(
        tags=[{"tag": "netbox.site", "value": "Zürich"}],
        groups=[{"groupid": "22"}, {"groupid": "27"}, {"groupid": "99"}],
    )
    lines = describe(compare_hosts(desired, actual, "relaxed"), NAMES)
    assert f"tags: + netbox.site=Lab A, {MINUS} netbox.site=Zürich" in lines
    assert "host groups: only in Zabbix (tolerated): #99" in lines  # unknown id stays visible


def test_the_status_report_is_a_table_of_what_is_not_in_sync() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    stored = {
        "device-5": {
            "name": "srv-lab-a-03",
            "server": "zbx70",
            "status": "out_of_sync",
            "diff": {"in_words": ["host groups: + Servers"]},
            "error": None,
            "checked_at": now,
        },
        "vm-3": {
            "name": "vm-db-01",
            "server": "zbx70",
            "status": "missing",
            "diff": {},
            "error": None,
            "checked_at": now,
        },
        "device-1": {
            "name": "sw-lab-a-01",
            "server": "zbx70",
            "status": "in_sync",
            "diff": {},
            "error": None,
            "checked_at": now,
        },
    }
    report = status_report(stored)
    lines = report.splitlines()
    assert [c.strip() for c in lines[0].strip("|").split("|")] == [
        "host",
        "key",
        "server",
        "status",
        "checked",
        "difference",
    ]
    assert "2026-12-01 00:00" in lines[2]
    assert any("srv-lab-a-03" in line and "host groups: + Servers" in line for line in lines)
    assert any("vm-db-01" in line and "no Zabbix host" in line for line in lines)
    assert "sw-lab-a-01" not in report
    assert status_report({"device-1": stored["device-1"]}) == "Every host config is in sync."

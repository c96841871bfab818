"""The lab's demo data set: what ``nbzbx lab seed`` puts into NetBox and into each lab Zabbix.

Kept as plain data so tests can assert against the same names the seed used.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SITES = [("Lab A", "lab-a"), ("Zürich", "zurich")]
ROLES = [("Router", "router"), ("Switch", "switch"), ("Server", "server")]
PLATFORMS = [("Linux", "linux"), ("Cisco IOS", "ios")]
TAGS = [("Critical", "critical"), ("Web", "web")]
MANUFACTURER = ("Generic", "generic")
DEVICE_TYPES = [
    ("Router 1000", "router-1000"),
    ("Switch 48", "switch-48"),
    ("Server 1U", "server-1u"),
]
TYPE_OF_ROLE = {"router": "router-1000", "switch": "switch-48", "server": "server-1u"}
CLUSTER_TYPE = ("Virtual", "virtual")
CLUSTER = "lab-cluster"

# name, site slug, role slug, platform slug, status, primary IPv4 (None: no primary IP), tags
DEVICES = [
    ("rtr-lab-a-01", "lab-a", "router", "ios", "active", "192.0.2.1/24", []),
    ("sw-lab-a-01", "lab-a", "switch", "ios", "active", "192.0.2.2/24", []),
    ("srv-lab-a-01", "lab-a", "server", "linux", "active", "192.0.2.10/24", ["critical"]),
    ("srv-lab-a-02", "lab-a", "server", "linux", "active", "192.0.2.11/24", []),
    ("srv-lab-a-03", "lab-a", "server", "linux", "active", "192.0.2.12/24", []),
    ("sw-zürich-01", "zurich", "switch", "ios", "active", "198.51.100.2/24", []),
    ("srv-zürich-01", "zurich", "server", "linux", "planned", "198.51.100.10/24", []),
    ("srv-lab-a-old", "lab-a", "server", "linux", "decommissioning", "192.0.2.99/24", []),
]
# name, role slug, platform slug, status, primary IPv4, tags
VIRTUAL_MACHINES = [
    ("vm-web-01", "server", "linux", "active", "203.0.113.1/24", ["web"]),
    ("vm-web-02", "server", "linux", "active", "203.0.113.2/24", ["web"]),
    ("vm-db-01", "server", "linux", "active", "203.0.113.5/24", []),
]

# Zabbix side, the same on both versions (the Zabbix layer translates).
HOST_GROUPS = ["NetBox", "Lab A", "Zürich", "Routers", "Switches", "Servers", "Web"]
TEMPLATE_GROUP = "Templates/nbzbx"
# technical name, visible name, parent templates, item types (0 agent, 20 SNMP)
TEMPLATES = [
    ("nbzbx Base", "nbzbx Base", [], []),
    ("nbzbx Linux agent", "nbzbx Linux agent", ["nbzbx Base"], [0]),
    ("nbzbx SNMP device", "nbzbx SNMP device", ["nbzbx Base"], [20]),
    ("nbzbx Mixed", "nbzbx Mixed", [], [0, 20]),
    ("nbzbx Ueberwachung", "nbzbx Überwachung ñ", ["nbzbx Linux agent"], []),
]
# name, mode, address (passive: where the server connects), port, proxy group (7.0 only)
PROXIES = [
    ("proxy-lab-a", "active", None, None, "pg-lab"),
    ("proxy-zurich", "passive", "proxy.zurich.example", "10051", None),
]
PROXY_GROUPS = ["pg-lab"]

# How the seeded Zabbix hosts differ from the desired state (lab-settings.yaml); the others match.
DRIFT = {
    # a stray tag in the project's namespace: drift in strict mode only
    "rtr-lab-a-01": {"extra_tags": [{"tag": "netbox.role", "value": "Legacy"}]},
    "srv-lab-a-02": {"templates": ["nbzbx Base"]},
    "srv-lab-a-03": {"drop_groups": ["Servers"]},
    "sw-zürich-01": {"proxy": "proxy-lab-a"},
    "vm-web-02": {"ip": "203.0.113.99"},
}
MISSING = {"vm-db-01"}
# Seeded hosts carry the project's marker tag (as if it had created them), except these: made by
# hand before the project, the repair plan adopts them.
UNMARKED = {"srv-lab-a-03"}
# A Zabbix host no NetBox object asks for.
UNMANAGED_HOST = "zabbix-only-host"


def maintenances(now: datetime | None = None) -> list[dict[str, object]]:
    """Windows relative to now: two expired ones the cleanup removes, one active, one future,
    and an expired one whose name does not match the unmanaged-cleanup pattern."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    day = timedelta(days=1)
    return [
        {"name": "nbzbx-expired-1", "since": now - 2 * day, "till": now - day},
        {"name": "nbzbx-expired-2", "since": now - 3 * day, "till": now - 2 * day},
        {"name": "nbzbx-active", "since": now - day, "till": now + day},
        {"name": "nbzbx-future", "since": now + day, "till": now + 2 * day},
        {"name": "manual-expired", "since": now - 2 * day, "till": now - day},
    ]

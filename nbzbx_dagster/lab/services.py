"""Where the lab's services live, how to start and stop them, and the environment for them.

The heavy lifting (packages, the Debian 13 root, databases, processes) is in ``lab.sh``; this module
knows the ports and files so that ``nbzbx lab env|status`` answer without running anything.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

LAB_SCRIPT = Path(__file__).with_name("lab.sh")
LAB_SETTINGS = Path(__file__).with_name("lab-settings.yaml")
REPO_ROOT = Path(__file__).resolve().parents[2]
# the lab measures what production runs: the Dagster instance on PostgreSQL
LAB_DAGSTER_YAML = REPO_ROOT / "deploy" / "dagster-postgres.yaml"


def cache_dir() -> Path:
    return Path(os.environ.get("NBZBX_LAB_CACHE", "/var/cache/nbzbx-lab"))


def _instance() -> int:
    value = os.environ.get("NBZBX_LAB_INSTANCE", "1")
    if value not in tuple("123456789"):
        raise ValueError(f"NBZBX_LAB_INSTANCE must be 1 to 9, not {value!r}")
    return int(value)


INSTANCE = _instance()
"""Which set of the lab's NetBox and Zabbix servers (``lab.sh``): another instance has its own
ports (100 higher per instance) and databases, and shares PostgreSQL, PgBouncer and Redis."""
_OFFSET = 100 * (INSTANCE - 1)
_DB_SUFFIX = "" if INSTANCE == 1 else f"_{INSTANCE}"


def _port(name: str, default: int, shared: bool = False) -> int:
    return int(os.environ.get(f"NBZBX_LAB_{name}_PORT", default + (0 if shared else _OFFSET)))


PG_PORT = _port("PG", 54329, shared=True)
REDIS_PORT = _port("REDIS", 63799, shared=True)
PGBOUNCER_PORT = _port("PGBOUNCER", 64329, shared=True)
NETBOX_PORT = _port("NETBOX", 18001)
# Real Zabbix servers, and contract endpoints: a relay (zabbix_contract.py) in front of the real
# 7.0 that answers as 7.2, 7.4 or 8.0 and refuses what those versions removed. Not servers: they
# share 7.0's database, so their seed is the 7.0 seed.
REAL_ZABBIX_PORTS = {"6.0": _port("ZBX60", 18060), "7.0": _port("ZBX70", 18070)}
CONTRACT_PORTS = {
    "7.2": _port("ZBX72", 18072),
    "7.4": _port("ZBX74", 18074),
    "8.0": _port("ZBX80", 18080),
}
CONTRACT_UPSTREAM = "7.0"
ZABBIX_PORTS = {**REAL_ZABBIX_PORTS, **CONTRACT_PORTS}
ZABBIX_VERSIONS = tuple(ZABBIX_PORTS)
REAL_ZABBIX_VERSIONS = tuple(REAL_ZABBIX_PORTS)
CONTRACT_VERSIONS = tuple(CONTRACT_PORTS)
# The versions the whole integration suite runs on: the real servers and the newest contract
# endpoint. 7.2 and 7.4 take 8.0's code paths (capabilities.py branches at 7.0 at the latest),
# and 8.0's contract refuses everything theirs refuse; tests/unit/test_suite_versions.py fails
# when either stops being true. 7.2 and 7.4 run the contract tests (test_zabbix_contract.py).
SUITE_ZABBIX_VERSIONS = (*REAL_ZABBIX_VERSIONS, CONTRACT_VERSIONS[-1])
ZABBIX_USER = "Admin"
ZABBIX_PASSWORD = "zabbix"  # the default of a fresh Zabbix database, not a secret of anyone's


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    url: str
    note: str = ""  # what it is when the name does not say it (contract endpoints)


def services() -> list[Service]:
    return [
        Service("postgresql", PG_PORT, f"postgresql://postgres@127.0.0.1:{PG_PORT}"),
        Service("pgbouncer", PGBOUNCER_PORT, f"postgresql://postgres@127.0.0.1:{PGBOUNCER_PORT}"),
        Service("redis", REDIS_PORT, f"redis://127.0.0.1:{REDIS_PORT}"),
        *(Service(f"zabbix-{v}", p, zabbix_url(v)) for v, p in REAL_ZABBIX_PORTS.items()),
        *(
            Service(
                zabbix_id(v), p, zabbix_url(v), f"contract endpoint over Zabbix {CONTRACT_UPSTREAM}"
            )
            for v, p in CONTRACT_PORTS.items()
        ),
        Service("netbox", NETBOX_PORT, netbox_url()),
    ]


def zabbix_url(version: str) -> str:
    if version not in ZABBIX_PORTS:
        raise ValueError(f"the lab has Zabbix {', '.join(ZABBIX_VERSIONS)}, not {version!r}")
    return f"http://127.0.0.1:{ZABBIX_PORTS[version]}/api_jsonrpc.php"


def zabbix_id(version: str) -> str:
    """``zabbix-7.0`` for a real server, ``zabbix-8.0-contract`` for a contract endpoint."""
    return f"zabbix-{version}-contract" if version in CONTRACT_PORTS else f"zabbix-{version}"


def zabbix_server(version: str) -> str:
    """The real lab Zabbix that holds a version's data: itself, or 7.0 for a contract."""
    zabbix_url(version)  # refuses an unknown version
    return CONTRACT_UPSTREAM if version in CONTRACT_PORTS else version


def netbox_url() -> str:
    return f"http://127.0.0.1:{NETBOX_PORT}"


def database_url(name: str = "nbzbx", pooled: bool = False) -> str:
    """A lab database; ``pooled`` goes through PgBouncer (what the Dagster instance uses)."""
    return f"postgresql://postgres@127.0.0.1:{PGBOUNCER_PORT if pooled else PG_PORT}/{name}"


def netbox_token_file() -> Path:
    return cache_dir() / "netbox-token"


def netbox_token() -> str:
    """The lab's v2 NetBox token (created with the pristine NetBox database, kept in the cache)."""
    path = netbox_token_file()
    try:
        return path.read_text().strip()
    except OSError as exc:
        raise RuntimeError(f"no lab NetBox token at {path}: run `nbzbx lab up`") from exc


def dagster_home() -> Path:
    return cache_dir() / f"dagster-home{_DB_SUFFIX}"


def listening(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


# Both lab servers side by side: site Zürich on Zabbix 6.0, everything else on 7.0.
LAB_SERVERS = {"zbx60": "6.0", "zbx70": "7.0"}
LAB_SERVER_RULES = [{"server": "zbx60", "sites": ["zurich"]}]
LAB_DEFAULT_SERVER = "zbx70"


def zabbix_env(zabbix: str | None) -> dict[str, str]:
    """One lab Zabbix as the single-server environment (server ``default``), or, for None,
    both lab servers by name, with their rules and credentials."""
    if zabbix is not None:
        return {
            "NBZBX_ZABBIX_URL": zabbix_url(zabbix),
            "NBZBX_ZABBIX_USER": ZABBIX_USER,
            "NBZBX_ZABBIX_PASSWORD": ZABBIX_PASSWORD,
        }
    servers = [{"name": n, "url": zabbix_url(v)} for n, v in LAB_SERVERS.items()]
    out = {
        "NBZBX_ZABBIX_SERVERS": json.dumps(servers),
        "NBZBX_SERVER_RULES": json.dumps(LAB_SERVER_RULES),
        "NBZBX_DEFAULT_SERVER": LAB_DEFAULT_SERVER,
    }
    for name in LAB_SERVERS:
        prefix = f"NBZBX_ZABBIX_{name.upper()}_"
        out[prefix + "USER"], out[prefix + "PASSWORD"] = ZABBIX_USER, ZABBIX_PASSWORD
    return out


def env(zabbix: str | None = None) -> dict[str, str]:
    """The environment that points the project at the lab (both Zabbix servers, or the one
    named); the NetBox token is read from a file."""
    return {
        "NBZBX_NETBOX_URL": netbox_url(),
        "NBZBX_NETBOX_TOKEN": netbox_token(),
        **zabbix_env(zabbix),
        "NBZBX_DATABASE_URL": database_url(f"nbzbx{_DB_SUFFIX}"),
        "NBZBX_CONFIG": str(LAB_SETTINGS),
        "NBZBX_DAGSTER_PG_URL": database_url(f"dagster{_DB_SUFFIX}", pooled=True),
        "DAGSTER_HOME": str(dagster_home()),
        # Dagster stores the refresh's per-partition events in batches only with this set
        "DAGSTER_EVENT_BATCH_SIZE": "1000",
    }


def export_lines(zabbix: str | None = None) -> list[str]:
    """Shell export lines; the token stays in its file (the line reads it): never printed."""
    lines = []
    for key, value in env(zabbix).items():
        if key == "NBZBX_NETBOX_TOKEN":
            lines.append(f'export {key}="$(cat {netbox_token_file()})"')
        else:
            lines.append(f"export {key}={shlex.quote(value)}")
    return lines


def prepare_dagster_home() -> Path:
    """A DAGSTER_HOME outside the repository whose dagster.yaml is the repository's PostgreSQL
    instance (deploy/dagster-postgres.yaml)."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    source = LAB_DAGSTER_YAML
    if source.exists() and (target.is_symlink() or not target.exists()):
        target.unlink(missing_ok=True)
        target.symlink_to(source)
    return home


def run_script(command: str) -> int:
    """Run ``lab.sh <command>``; its progress lines go straight to the terminal."""
    return subprocess.call(["bash", str(LAB_SCRIPT), command])

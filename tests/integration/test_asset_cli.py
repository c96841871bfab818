"""Every asset materializes on its own with `dagster asset materialize --select NAME`, against the
lab's Zabbix 7.0 as the single server `default`: a Zabbix settings asset reads only its type,
the NetBox choices alone read no Zabbix.

The server partitions exist once an import has run (the sensor's first tick runs it): the module
runs one with `dagster job execute` into a store of its own, then each test materializes into a
fresh store, so what it finds cached is what that materialization read."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from nbzbx_dagster.lab import services
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, cache_frame
from nbzbx_dagster.store.host_status import read_statuses

DAGSTER = str(Path(sys.executable).with_name("dagster"))
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def home(seeded_lab: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Dagster instance in which an import has added the server's partition."""
    home = tmp_path_factory.mktemp("asset-cli-home")
    done = dagster(home, home / "setup.db", "job", "execute", "-j", "import_zabbix_settings")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return home


def dagster(home: Path, store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))}
    env |= services.env("7.0")
    env |= {"DAGSTER_HOME": str(home), "NBZBX_DATABASE_URL": f"sqlite:///{store}"}
    env["NBZBX_NETBOX_WRITEBACK"] = "false"
    return subprocess.run(
        [DAGSTER, *args, "-m", "nbzbx_dagster.definitions"],
        env=env,
        cwd=home,  # not the repository: its dagster.yaml is the lab's PostgreSQL
        capture_output=True,
        text=True,
        timeout=240,
    )


def materialize(home: Path, store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return dagster(home, store, "asset", "materialize", *args)


def cached(store: Path) -> dict[str, int]:
    state = StateStore(f"sqlite:///{store}")
    try:
        with state.connect() as conn:
            return {key: len(cache_frame(conn, kind, "default")) for key, kind in KINDS.items()}
    finally:
        state.dispose()


@pytest.mark.parametrize("key", list(KINDS))
def test_a_zabbix_settings_asset_reads_only_its_type(home: Path, tmp_path: Path, key: str) -> None:
    store = tmp_path / "state.db"
    done = materialize(home, store, "--select", KINDS[key].asset, "--partition", "default")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    counts = cached(store)
    if key != "proxy_groups":  # the lab's 7.0 has one proxy group; every other type has more
        assert counts[key] > 0, counts
    assert {k for k, n in counts.items() if n} <= {key}, counts


def test_the_choices_alone_and_the_host_configs_and_one_partition(
    home: Path, tmp_path: Path
) -> None:
    store = tmp_path / "state.db"
    everything = ",".join(kind.asset for kind in KINDS.values())
    first = materialize(home, store, "--select", everything, "--partition", "default")
    assert first.returncode == 0, first.stderr[-3000:]
    for selection in (
        ["--select", "netbox_zabbix_choices", "--partition", "default"],
        ["--select", "netbox_host_configs"],
    ):
        done = materialize(home, store, *selection)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        key = instance.get_dynamic_partitions("host_configs")[0]  # kept by netbox_host_configs
    done = materialize(home, store, "--select", "host_config_sync_status", "--partition", key)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    state = StateStore(f"sqlite:///{store}")
    try:
        with state.connect() as conn:
            assert list(read_statuses(conn)) == [key]  # that host config only
    finally:
        state.dispose()

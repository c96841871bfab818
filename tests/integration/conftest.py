"""Integration tests talk to the real lab (`nbzbx lab up`); a service that is down is a failure."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest
from repair_runs import refresh

from nbzbx_dagster.cli.run_in_process import run_job
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab.seed import reset_zabbix_hosts, seed_lab
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.zabbix import ZabbixClient


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session", autouse=True)
def lab_services() -> None:
    down = [f"{s.name} at {s.url}" for s in services.services() if not services.listening(s.port)]
    if down:
        up = "nbzbx lab up"
        if services.INSTANCE != 1:
            up = f"NBZBX_LAB_INSTANCE={services.INSTANCE} {up}"
        pytest.fail(f"lab services not reachable: {', '.join(down)}; run `{up}`", pytrace=False)


@pytest.fixture(scope="session")
def seeded_lab() -> dict:
    """Fresh lab databases with the demo data, once per test session (the contract endpoints
    share 7.0's database, so they have 7.0's data)."""
    return seed_lab(services.REAL_ZABBIX_VERSIONS)


@pytest.fixture(params=services.SUITE_ZABBIX_VERSIONS, ids=services.zabbix_id)
def zabbix_version(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def netbox() -> NetBoxClient:
    """The project's client of the lab NetBox. Module-scoped, not session-scoped: it is made
    after `seeded_lab` has reset the lab databases, in every module that seeds."""
    return NetBoxClient.connect(services.netbox_url(), services.netbox_token(), timeout=60)


@pytest.fixture
def zabbix_of() -> Iterator[Callable[[str], ZabbixClient]]:
    """Opens the project's client of the lab Zabbix of a version, logged in as Admin; each is
    closed after the test."""
    opened: list[ZabbixClient] = []

    def connect(version: str) -> ZabbixClient:
        client = ZabbixClient.connect(
            services.zabbix_url(version),
            user=services.ZABBIX_USER,
            password=services.ZABBIX_PASSWORD,
            timeout=30,
        )
        opened.append(client)
        return client

    yield connect
    for client in opened:
        client.close()


@pytest.fixture
def zabbix(zabbix_version: str, zabbix_of: Callable[[str], ZabbixClient]) -> ZabbixClient:
    """The project's client of one lab Zabbix, logged in as Admin for one test."""
    return zabbix_of(zabbix_version)


@pytest.fixture
def project(
    zabbix_version: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dg.DagsterInstance]:
    """The project pointed at the lab's NetBox and one lab Zabbix, with a fresh SQLite state
    store and a temporary Dagster instance."""
    for key, value in services.env(zabbix_version).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NBZBX_DATABASE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture(scope="module")
def imported_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Per Zabbix version, a state store just after its import, for a module whose tests leave
    the Zabbix settings the import reads as they found them."""
    return {}


@pytest.fixture
def imported(
    project: dg.DagsterInstance,
    zabbix_version: str,
    tmp_path: Path,
    imported_stores: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dg.DagsterInstance:
    """The project with its cache of Zabbix settings filled (names resolve to ids): the import
    runs once per version, later tests start from a copy of the store it left."""
    state = tmp_path / "state.db"  # the `project` fixture's state store
    if zabbix_version in imported_stores:
        shutil.copy(imported_stores[zabbix_version], state)
        return project
    outcome = run_job("import_zabbix_settings", instance=project)
    assert outcome.success, outcome.error
    kept = tmp_path_factory.mktemp("imported") / "state.db"
    shutil.copy(state, kept)
    imported_stores[zabbix_version] = kept
    return project


@pytest.fixture(scope="module")
def hosts_changed() -> Iterator[set[str]]:
    """The real lab Zabbix servers whose hosts a module's tests changed: they get the demo's
    hosts again once, after the module's last test (each test resets its own at its start)."""
    changed: set[str] = set()
    yield changed
    for server in sorted(changed):
        reset_zabbix_hosts(server)


@pytest.fixture
def lab(
    request: pytest.FixtureRequest,
    seeded_lab: dict,
    imported: dg.DagsterInstance,
    zabbix_version: str,
    hosts_changed: set[str],
) -> dg.DagsterInstance:
    """The demo's hosts, the cache imported and every host config checked once; the demo's
    hosts again after the module. A test marked ``refreshes_first`` starts with its own full
    refresh: the fixture's would be seconds wasted, so it checks nothing."""
    reset_zabbix_hosts(zabbix_version)
    hosts_changed.add(services.zabbix_server(zabbix_version))
    if request.node.get_closest_marker("refreshes_first") is None:
        assert refresh(imported).success
    return imported

"""The Dagster UI shows the project: headless Chromium reads the running webserver's pages.

`dagster-webserver` serves the repository's workspace on a throwaway SQLite instance (loading
the definitions needs no service); Chromium (Debian's `chromium` package) renders each page with
a virtual-time budget and dumps the DOM, which must name the project's assets, groups, kinds,
jobs and sensor.
"""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from dagster_process import VENV_BIN, DagsterProcess, free_port, http_ok, wait_for

from nbzbx_dagster.definitions import defs
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_NAME

pytestmark = pytest.mark.integration

LOCATION = "nbzbx_dagster"
# where the partition page's screenshot is left for a person to look at
SCREENSHOTS = Path(os.environ.get("NBZBX_SCREENSHOTS", "/tmp"))
SCREENSHOT = SCREENSHOTS / "nbzbx-out-of-sync-host.png"
PLAN_SCREENSHOT = SCREENSHOTS / "nbzbx-repair-plan.png"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1600,1000",
    "--virtual-time-budget=20000",
]


@contextmanager
def serving(env: dict[str, str], home: Path) -> Iterator[str]:
    """`dagster-webserver` on the repository's workspace, on a free loopback port."""
    port = free_port()
    server = DagsterProcess(
        [
            str(VENV_BIN / "dagster-webserver"),
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env,
        home / "webserver.log",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for("the webserver", lambda: http_ok(f"{base}/server_info"), 90, 1, server)
        yield base
    finally:
        server.stop()


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("ui-dagster-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))}
    env["DAGSTER_HOME"] = str(home)
    with serving(env, home) as base:
        yield base


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    binary = shutil.which("chromium")
    assert binary, "chromium is not installed (apt-get install -y --no-install-recommends chromium)"
    profile = tmp_path_factory.mktemp("chromium-profile")
    return [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]


def dom(chromium: list[str], url: str) -> str:
    done = subprocess.run(
        [*chromium, "--dump-dom", url], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"chromium failed on {url}: {done.stderr[-2000:]}"
    assert "<html" in done.stdout, f"chromium returned no page for {url}"
    return done.stdout


def test_asset_graph_shows_every_asset_with_its_group_and_kinds(webserver, chromium) -> None:
    specs = list(defs.resolve_all_asset_specs())
    groups = sorted({spec.group_name for spec in specs})
    assert {"zabbix_settings", "host_configs"} <= set(groups)
    for group in groups:
        page = dom(chromium, f"{webserver}/locations/{LOCATION}/asset-groups/{group}")
        for spec in specs:
            if spec.group_name == group:
                name = spec.key.to_user_string()
                assert name in page, f"asset {name} not on the {group} asset graph"
                for kind in spec.kinds:  # a kind tag is its name as text, or an icon so labelled
                    shown = re.search(rf'>{kind}<|aria-label="{kind}"', page)
                    assert shown, f"kind {kind} of {name} not on the {group} graph"


def test_asset_page_shows_the_description(webserver, chromium) -> None:
    page = dom(chromium, f"{webserver}/assets/zabbix_templates")
    spec = next(s for s in defs.resolve_all_asset_specs() if s.key.path == ["zabbix_templates"])
    assert spec.description
    assert spec.description.split(":")[0] in page  # "Zabbix templates"
    assert "zabbix_settings" in page  # its group


def test_jobs_and_sensor_are_listed(webserver, chromium) -> None:
    page = dom(chromium, f"{webserver}/jobs")
    for job in defs.resolve_all_job_defs():
        if not job.name.startswith("__"):
            assert job.name in page, f"job {job.name} not in the UI's job list"
    automation = dom(chromium, f"{webserver}/automation")
    assert SENSOR_NAME in automation


def test_project_pages_are_real(webserver, chromium) -> None:
    """A page for something that does not exist does not name it: the checks above can fail."""
    page = dom(chromium, f"{webserver}/locations/{LOCATION}/asset-groups/no_such_group")
    assert "zabbix_templates" not in page


@pytest.fixture(scope="module")
def refreshed_ui(seeded_lab: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A webserver over an instance where the demo was imported and refreshed on both lab
    servers, as after `scripts/demo`."""
    import dagster as dg

    from nbzbx_dagster.cli.run_in_process import run_job
    from nbzbx_dagster.defs.repair.assets import zabbix_host_plan
    from nbzbx_dagster.defs.resources import build_resources
    from nbzbx_dagster.lab import services
    from nbzbx_dagster.store import StateStore
    from nbzbx_dagster.store.host_status import read_statuses

    home = tmp_path_factory.mktemp("ui-refreshed-home")
    shutil.copy("dagster.yaml", home / "dagster.yaml")  # as a deployment has it: no pop-up
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))}
    env |= {**services.env(None), "DAGSTER_HOME": str(home)}
    env["NBZBX_DATABASE_URL"] = f"sqlite:///{home / 'state.db'}"
    env["NBZBX_NETBOX_WRITEBACK"] = "false"
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            for job, config in (
                ("import_zabbix_settings", None),
                (
                    "host_config_sync_refresh",
                    {"ops": {"refresh_host_config_sync_status": {"config": {"cutoff": 0}}}},
                ),
            ):
                outcome = run_job(job, config, instance=instance)
                assert outcome.success, outcome.error
            plan = dg.materialize(
                [zabbix_host_plan], instance=instance, resources=build_resources()
            )
            assert plan.success
        store = StateStore(env["NBZBX_DATABASE_URL"])
        with store.connect() as conn:
            keys = {r["name"]: k for k, r in read_statuses(conn).items()}
        store.dispose()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    with serving(env, home) as base:
        yield base, keys


def test_an_out_of_sync_host_reads_in_names(
    refreshed_ui: tuple[str, dict], chromium: list[str]
) -> None:
    """The out-of-sync host's partition shows its name, its server and what differs, in names;
    the page is saved as a screenshot beside the instance for a person to look at."""
    base, keys = refreshed_ui
    url = f"{base}/assets/host_config_sync_status?view=partitions&partition={keys['srv-lab-a-03']}"
    page = dom(chromium, url)
    for text in ("srv-lab-a-03", "out_of_sync", "host groups: + Servers", "zbx70"):
        assert text in page, f"{text!r} not on the partition's page"
    subprocess.run([*chromium, f"--screenshot={SCREENSHOT}", url], capture_output=True, timeout=120)
    assert SCREENSHOT.stat().st_size > 10_000


def test_the_repair_plan_reads_in_names(
    refreshed_ui: tuple[str, dict], chromium: list[str]
) -> None:
    """The plan's page shows each action with its host and what changes, in names, and the
    counts per action; saved as a screenshot for a person to look at."""
    base, _ = refreshed_ui
    url = f"{base}/assets/zabbix_host_plan"
    page = dom(chromium, url)
    for text in (
        "adopt",
        "srv-lab-a-03",
        "link: tag netbox.host_config=device-5",
        "create",
        "vm-db-01",
        "proxy: proxy-lab-a → proxy-zurich",
    ):
        assert text in page, f"{text!r} not on the plan's page"
    subprocess.run(
        [*chromium, f"--screenshot={PLAN_SCREENSHOT}", url], capture_output=True, timeout=120
    )
    assert PLAN_SCREENSHOT.stat().st_size > 10_000

"""Change-driven sync with a real daemon: a NetBox edit, or a host edited in Zabbix, reaches
the stored status through ``host_config_changes_sensor`` within 60 s, for exactly the host configs
it touches.

`dagster-daemon run` on its own instance and state databases (`soak.deployment`: 5 s ticks),
NetBox and Zabbix 7.0 behind relays. The refresh and the import run once on the first tick and
then not for an hour, so every later status comes from a change run. The edits are made on a
throwaway site, role and device (`lab_objects.netbox_device`), directly in NetBox (not through
the relay). The last two tests tick the sensor in this process against the real NetBox.
"""

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
import pytest
from dagster._core.scheduler.instigation import TickStatus
from dagster_process import VENV_BIN, wait_for
from lab_objects import netbox_device
from soak import Deployment, deployment

from nbzbx_dagster.defs.dagster_internals import sensor_states
from nbzbx_dagster.defs.host_sync.sensors import CHANGES_TAG, SENSOR, ChangeCursor, evaluate
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.lab import services
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.settings.overrides import apply_overrides
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, read_cache
from nbzbx_dagster.store.host_status import read_statuses
from nbzbx_dagster.zabbix import ZabbixClient

pytestmark = [pytest.mark.integration, pytest.mark.own_lab]
REFRESH = "host_config_sync_refresh"
WITHIN = 60  # seconds from an edit to its stored status: the promise
IN_ZABBIX = 90  # seconds from an edit to Zabbix, with reconcile_changes


@contextmanager
def change_sync(version: str = "7.0") -> Iterator[Deployment]:
    """A deployment on Zabbix ``version`` whose refresh and import ran once, on the first tick,
    and then not for an hour: every later status comes from a change run."""
    with deployment(intervals=1, version=version) as dep:
        for setting in ("zabbix_import_interval", "host_config_sync_interval"):
            dep.store.set_override(setting, 360, by="test")  # once now, then an hour (10 s min)
        dep.store.set_override("maintenance_cleanup_interval", 0, by="test")
        wait_for(
            "the first full refresh",
            lambda: d_runs(dep, dg.DagsterRunStatus.SUCCESS, changes=False),
            240,
            2,
            dep.dev,
        )
        yield dep


@pytest.fixture(scope="module")
def d(seeded_lab: dict) -> Iterator[Deployment]:
    with change_sync() as dep:
        yield dep


@pytest.fixture(scope="module")
def nb() -> NetBoxClient:
    return NetBoxClient.connect(services.netbox_url(), services.netbox_token(), timeout=60)


def d_runs(
    d: Deployment, status: dg.DagsterRunStatus | None = None, *, changes: bool = True
) -> list[dg.DagsterRun]:
    """The refresh's runs: the change runs (tagged with what they cover), or the others."""
    filters = dg.RunsFilter(job_name=REFRESH, statuses=[status] if status else None)
    runs = [r.dagster_run for r in d.instance.get_run_records(filters)]
    return [r for r in runs if (CHANGES_TAG in r.tags) is changes]


def reconciles(d: Deployment) -> list[dg.DagsterRun]:
    filters = dg.RunsFilter(job_name="reconcile_zabbix_hosts")
    return [r.dagster_run for r in d.instance.get_run_records(filters)]


def status_of(d: Deployment, key: str) -> dict[str, Any] | None:
    with d.store.connect() as conn:
        return read_statuses(conn).get(key)


def reached(
    d: Deployment, key: str, test, what: str, within: float = WITHIN
) -> dict[str, Any] | None:
    """Wait up to ``within`` s for the status of ``key`` to satisfy ``test``; that status.

    Then wait for the change run to end: it writes ``zabbix_sync_status`` back after storing
    the status, and NetBox applies two PATCHes of one device at once without a lock (the later
    one saves the whole object it read, netbox#12531), so an edit made during the write-back
    can be undone by it. The tests edit after it, as a person in the UI would."""
    start, found = time.monotonic(), {}

    def probe() -> bool:
        found["row"] = status_of(d, key)
        return test(found["row"])

    wait_for(what, probe, within, 1, d.dev)
    print(f"{what}: {time.monotonic() - start:.0f} s")
    settled(d)
    return found["row"]


def settled(d: Deployment) -> None:
    """Wait until no change run is queued or in progress."""
    wait_for("no change run in progress", lambda: all(r.is_finished for r in d_runs(d)), 60, 1)


def groups(d: Deployment, row: dict[str, Any] | None) -> set[str]:
    """The names of the host groups the status's desired host has (ids in the status)."""
    with d.store.connect() as conn:
        cached = read_cache(conn, KINDS["host_groups"], "default")
    ids = ((row or {}).get("desired") or {}).get("groups", [])
    return {cached[str(i)]["name"] for i in ids}


def zabbix_client(version: str = "7.0") -> ZabbixClient:
    return ZabbixClient.connect(
        services.zabbix_url(version),
        user=services.ZABBIX_USER,
        password=services.ZABBIX_PASSWORD,
        timeout=30,
    )


def changes_shown(d: Deployment) -> dict[str, Any]:
    """What `nbzbx changes --since 5m --json` shows the deployment's operator."""
    shown = subprocess.run(
        [str(VENV_BIN / "nbzbx"), "changes", "--since", "5m", "--json"],
        env=d.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def ticks(d: Deployment) -> list[Any]:
    """The change sensor's ticks, newest first."""
    states = sensor_states(d.instance, SENSOR)
    if not states:
        return []
    return d.instance.get_ticks(states[0].instigator_origin_id, states[0].selector_id, limit=20)


def last_skip(d: Deployment) -> str:
    skipped = [t for t in ticks(d) if t.status == TickStatus.SKIPPED]
    return (skipped[0].skip_reason or "") if skipped else ""


def test_a_device_created_edited_and_deleted_reaches_its_status(d: Deployment, nb) -> None:
    with netbox_device(nb, "nbzbx-chg") as device:
        key = f"device-{device.id}"
        row = reached(d, key, lambda r: r is not None, "a new device's status")
        assert row["status"] == "missing" and row["name"] == "nbzbx-chg-dev", row
        assert groups(d, row) == {"NetBox"}, row["desired"]
        runs = [r for r in d_runs(d) if key in str(r.run_config)]
        assert runs and runs[0].tags[CHANGES_TAG].startswith("netbox "), runs

        platform = nb.api.dcim.platforms.get(slug="ios")
        device.platform = platform.id
        device.save()
        row = reached(d, key, lambda r: "Switches" in groups(d, r), "a platform edit's host groups")
        assert groups(d, row) == {"NetBox", "Lab A", "Switches"}, row["desired"]
        report = changes_shown(d)
        assert key in report["keys"], report
        edits = [(c["name"], c["action"]) for c in report["changes"]]
        assert ("nbzbx-chg-dev", "update") in edits, edits
        full = d_runs(d, changes=False)
        assert len(full) == 1, [r.run_id for r in full]  # only the first tick's full refresh

    assert reached(d, key, lambda r: r is None, "a deleted device's status removed") is None


def test_an_address_edit_reaches_the_status_of_the_device_whose_primary_ip_it_is(
    d: Deployment, nb
) -> None:
    with netbox_device(nb, "nbzbx-ip") as device:
        key = f"device-{device.id}"
        iface = nb.api.dcim.interfaces.create(device=device.id, name="eth0", type="1000base-t")
        ip = nb.api.ipam.ip_addresses.create(
            address="198.51.100.7/24",
            assigned_object_type="dcim.interface",
            assigned_object_id=iface.id,
        )
        try:
            device.primary_ip4 = ip.id
            device.save()
            reached(
                d,
                key,
                lambda r: r is not None and r.get("primary_ip_id") == ip.id,
                "the primary IP in the status",
            )
            ip.address = "198.51.100.8/24"
            ip.save()
            row = reached(
                d,
                key,
                lambda r: "198.51.100.8" in str((r or {}).get("desired")),
                "an address edit in the status",
            )
            assert row["primary_ip_id"] == ip.id
        finally:
            device.primary_ip4 = None
            device.save()
            ip.delete()
            iface.delete()


def full_refreshes(d: Deployment) -> int:
    """The full refreshes the change sensor asked for (a change it cannot map to keys)."""
    return sum('"cutoff"' in json.dumps(r.run_config) for r in d_runs(d))


def inventory_of(row: dict[str, Any] | None) -> dict[str, str]:
    return ((row or {}).get("desired") or {}).get("inventory") or {}


def test_a_renamed_rack_and_location_reach_their_devices_a_config_context_all(
    d: Deployment, nb
) -> None:
    """The inventory reads the rack and the location: renaming them is a change of their
    devices' hosts, run for those keys; a config context, read when ``config_context_key`` is
    set, applies to objects NetBox alone knows, so it asks for one full refresh; and so do the
    settings taken back, since every status was compared with them."""
    inventory = {"site_rack": "rack", "location": "location"}
    taken = ["inventory", "config_context_key"]
    apply_overrides(d.store, {"inventory": inventory, "config_context_key": "zabbix"}, [], "test")
    with netbox_device(nb, "nbzbx-rack") as device:
        key = f"device-{device.id}"
        place = nb.api.dcim.locations.create(name="hall-a", slug="hall-a", site=device.site.id)
        rack = nb.api.dcim.racks.create(name="rack-a", site=device.site.id, location=place.id)
        try:
            device.update({"location": place.id, "rack": rack.id})
            want = {"site_rack": "rack-a", "location": "hall-a"}
            reached(d, key, lambda r: inventory_of(r) == want, "the rack in the inventory")
            full = full_refreshes(d)
            rack.update({"name": "rack-b"})
            place.update({"name": "hall-b"})
            want = {"site_rack": "rack-b", "location": "hall-b"}
            reached(d, key, lambda r: inventory_of(r) == want, "a renamed rack and location")
            assert full_refreshes(d) == full  # change runs of the devices' keys

            context = nb.api.extras.config_contexts.create(
                name="nbzbx-chg-context",
                weight=1000,
                sites=[device.site.id],
                data={"zabbix": {"tags": {"owner": "chg"}}},
            )
            try:
                tagged = reached(
                    d,
                    key,
                    lambda r: {"tag": "netbox.owner", "value": "chg"}
                    in ((r or {}).get("desired") or {}).get("tags", []),
                    "a new config context's tag",
                )
                assert tagged is not None and full_refreshes(d) == full + 1
            finally:
                context.delete()
            # the sensor reads ``config_context_key`` at its tick: the deletion's full refresh
            # must run before the setting goes, or every host keeps the deleted context's tag
            reached(
                d,
                key,
                lambda r: "netbox.owner" not in json.dumps((r or {}).get("desired") or {}),
                "the deleted config context's tag gone",
            )
            assert full_refreshes(d) == full + 2

            apply_overrides(d.store, {}, taken, "test")  # one transaction, as `nbzbx settings`
            reached(d, key, lambda r: not inventory_of(r), "the settings taken back")
            newest = next(r for r in d_runs(d) if "settings change" in r.tags[CHANGES_TAG])
            assert "(config_context_key, inventory)" in newest.tags[CHANGES_TAG], newest.tags
            assert full_refreshes(d) == full + 3
        finally:
            device.update({"location": None, "rack": None})
            rack.delete()
            place.delete()
            for name in taken:  # the sensor refreshes every status for it
                d.store.delete_override(name)


def test_a_netbox_outage_during_a_tick_loses_no_change(d: Deployment, nb) -> None:
    with netbox_device(nb, "nbzbx-down") as device:
        key = f"device-{device.id}"
        reached(d, key, lambda r: r is not None, "the device's first status")
        d.netbox.set_mode("refused")
        try:
            device.platform = nb.api.dcim.platforms.get(slug="ios").id
            device.save()  # straight to NetBox: the daemon sees it only through the relay
            wait_for("a tick saying NetBox is down", lambda: "refused" in last_skip(d), 60, 1)
            assert "Switches" not in groups(d, status_of(d, key))
        finally:
            d.netbox.set_mode("healthy")
        reached(d, key, lambda r: "Switches" in groups(d, r), "the edit once NetBox is back")
    reached(d, key, lambda r: r is None, "the deleted device's status removed")


def test_a_host_disabled_by_hand_in_zabbix_reaches_its_status(d: Deployment) -> None:
    disabled_by_hand_reaches_its_status(d, "7.0")


def disabled_by_hand_reaches_its_status(d: Deployment, version: str) -> None:
    """Zabbix's audit log, the other half: a managed host edited in Zabbix is drift within a
    minute, and edited back, in sync again."""
    zabbix = zabbix_client(version)
    with d.store.connect() as conn:
        rows = read_statuses(conn)
    in_sync = [(k, r) for k, r in sorted(rows.items()) if r["status"] == "in_sync"]
    assert in_sync, {k: (r["status"], r["diff"]) for k, r in rows.items()}
    key, row = in_sync[0]
    hostid = row["zabbix_hostid"]
    try:
        zabbix.call("host.update", {"hostid": hostid, "status": 1})
        drift = reached(d, key, lambda r: r["status"] == "out_of_sync", "a host disabled in Zabbix")
        assert "status" in json.dumps(drift["diff"]), drift["diff"]
        audit = changes_shown(d)["zabbix"]["default"]
        # the last 5 minutes may hold other edits too (the lab's seeding): "5 hosts edited …"
        # counted with the other entries of those minutes: "3 hosts edited, 1 host added … in
        # Zabbix" (the 8.0 contract endpoint shares 7.0's audit log)
        assert key in audit["keys"] and re.search(r"\d+ hosts? edited", audit["line"]), audit[
            "line"
        ]
        entries = {(e["action"], e["resource"], e["name"]) for e in audit["entries"]}
        assert ("update", "host", row["name"]) in entries, entries
    finally:
        zabbix.call("host.update", {"hostid": hostid, "status": 0})
        zabbix.close()
    reached(d, key, lambda r: r["status"] == "in_sync", "the host enabled again")
    runs = [r for r in d_runs(d) if key in str(r.run_config)]
    assert any(r.tags[CHANGES_TAG].startswith("default ") for r in runs), runs  # the audit log


def host_groups_in_zabbix(zabbix: ZabbixClient, hostid: str) -> set[str]:
    (host,) = zabbix.call("host.get", {"hostids": [hostid], "selectHostGroups": ["name"]})
    return {g["name"] for g in host["hostgroups"]}


def test_with_reconcile_changes_a_new_device_and_its_edit_reach_zabbix(d: Deployment, nb) -> None:
    """``reconcile_changes``: the change run's host configs repaired at once, the new device's
    host created in Zabbix within 90 s by a reconcile run of it only; then its platform edited,
    its host groups follow within 90 s. The edit's reconcile runs beside the refresh that stores
    its new status, so it must check its keys again rather than trust the stored in sync."""
    zabbix = zabbix_client()
    d.store.set_override("reconcile_changes", True, by="test")
    try:
        with netbox_device(nb, "nbzbx-rc") as device:
            key = f"device-{device.id}"
            row = reached(
                d, key, lambda r: r is not None and r["status"] == "in_sync", "Zabbix", IN_ZABBIX
            )
            (host,) = zabbix.call(
                "host.get", {"output": ["hostid"], "filter": {"host": row["name"]}}
            )
            assert host["hostid"] == row["zabbix_hostid"]
            assert host_groups_in_zabbix(zabbix, host["hostid"]) == {"NetBox"}
            wait_for("the reconcile's end", lambda: all(r.is_finished for r in reconciles(d)), 60)
            settled(d)

            device.platform = nb.api.dcim.platforms.get(slug="ios").id
            device.save()
            start = time.monotonic()
            wait_for(
                "the platform edit's host groups in Zabbix",
                lambda: "Switches" in host_groups_in_zabbix(zabbix, host["hostid"]),
                IN_ZABBIX,
                1,
                d.dev,
            )
            print(f"the platform edit in Zabbix: {time.monotonic() - start:.0f} s")
            assert host_groups_in_zabbix(zabbix, host["hostid"]) == {"NetBox", "Lab A", "Switches"}
            d.store.set_override("reconcile_changes", False, by="test")

            config = [r.run_config["ops"]["reconcile_hosts"]["config"] for r in reconciles(d)]
            assert sum(c["only"] == [key] for c in config) >= 2, config
            # its write-back done before the device goes
            wait_for("the reconcile's end", lambda: all(r.is_finished for r in reconciles(d)), 60)
            settled(d)
    finally:
        d.store.set_override("reconcile_changes", False, by="test")
        made = zabbix.call("host.get", {"output": ["hostid"], "filter": {"host": "nbzbx-rc-dev"}})
        if made:
            zabbix.call("host.delete", [h["hostid"] for h in made])
        zabbix.close()


def quiet(d: Deployment) -> bool:
    """The newest tick saw nothing new in either log, and no change run is going."""
    newest = ticks(d)[:1]
    reason = (newest[0].skip_reason or "") if newest else ""
    return (
        reason.startswith("NetBox: no change after entry")
        and ";" not in reason
        and all(r.is_finished for r in d_runs(d))
    )


def test_the_write_back_of_a_change_run_launches_nothing(d: Deployment, nb) -> None:
    """The refresh writes zabbix_sync_status back to NetBox: the change log has it, and the
    sensor must not take it for an edit (else each change run would launch the next)."""
    wait_for("a quiet tick", lambda: quiet(d), 60, 1, d.dev)  # the last test's clean-up read
    with netbox_device(nb, "nbzbx-wb") as device:
        # its change run stores "missing" and writes it back: a change-log entry of the device
        reached(d, f"device-{device.id}", lambda r: r is not None, "the new device's status")
        before, since = len(d_runs(d)), time.time()
        wait_for(
            "three ticks of the sensor",
            lambda: len([t for t in ticks(d) if t.timestamp > since]) >= 3,
            60,
            1,
            d.dev,
        )
        runs = d_runs(d)
        assert len(runs) == before, [(r.tags[CHANGES_TAG], r.status.value) for r in runs]
        assert "no change after entry" in last_skip(d), last_skip(d)


@pytest.fixture
def viewer_token(nb: NetBoxClient) -> Iterator[str]:
    """A real NetBox token whose user may view devices and VMs, not the change log."""
    api = nb.api
    user = api.users.users.create(
        username=f"nbzbx-viewer-{os.getpid()}", password="Viewer-pass-5150!"
    )
    permission = api.users.permissions.create(
        name=f"nbzbx-viewer-{os.getpid()}",
        object_types=["dcim.device", "virtualization.virtualmachine"],
        actions=["view"],
        users=[user.id],
    )
    token = api.users.tokens.create(user=user.id, write_enabled=False)
    try:
        yield f"nbt_{token.key}.{token.token}"
    finally:
        permission.delete()
        user.delete()


def tick_with(netbox: NetBoxResource, store: StateStore, cursor: str | None):
    """One tick of the change sensor in this process, against the real NetBox."""
    with (
        dg.instance_for_test() as instance,
        dg.build_sensor_context(instance=instance, cursor=cursor) as context,
    ):
        return evaluate(context, Settings(), store, netbox)


def test_a_token_that_may_not_read_the_change_log_says_so_and_the_refresh_stays(
    viewer_token: str, tmp_path
) -> None:
    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    store.upgrade()
    outcome = tick_with(NetBoxResource(url=services.netbox_url(), token=viewer_token), store, None)
    assert isinstance(outcome, dg.SensorResult) and outcome.skip_reason is not None
    reason = outcome.skip_reason.skip_message or ""
    assert "may not read the change log (needs core.view_objectchange)" in reason, reason
    assert "the refresh at its interval runs meanwhile" in reason and viewer_token not in reason
    env = {**os.environ, **services.env("7.0"), "NBZBX_NETBOX_TOKEN": viewer_token}
    doctor = subprocess.run(
        [str(VENV_BIN / "nbzbx"), "doctor", "--json"], env=env, capture_output=True, text=True
    )
    (check,) = [c for c in json.loads(doctor.stdout) if c["name"] == "netbox changes"]
    assert check["ok"] and "falls back to the full refresh at its interval" in check["note"], check
    assert viewer_token.rsplit(".", 1)[1] not in doctor.stdout + doctor.stderr


def test_a_cursor_past_the_kept_entries_asks_for_one_full_refresh_saying_why(tmp_path) -> None:
    """Entries pruned (or a NetBox whose change log was reset): what changed is not known."""
    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    store.upgrade()
    netbox = NetBoxResource(url=services.netbox_url(), token=services.netbox_token())
    cursor = ChangeCursor(seen=10**9).dump()
    outcome = tick_with(netbox, store, cursor)
    (request,) = outcome.run_requests
    assert request.run_config["ops"]["refresh_host_config_sync_status"]["config"] == {"cutoff": 0}
    assert request.tags[CHANGES_TAG].startswith("netbox up to "), request.tags
    after = ChangeCursor.parse(outcome.cursor)
    assert after.seen == 10**9 and after.pending is not None  # moves once the run succeeded

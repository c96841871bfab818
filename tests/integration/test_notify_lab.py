"""Notifications against the lab, to a real webhook receiver: a refresh that finds drift, a plan
with newly blocked actions and an import whose Zabbix is unreachable each give exactly one
message, in names, and the next tick gives none. Zabbix 6.0 (the seeded drift there includes a
blocked host: ``vm-web-02``'s name is taken by a host of another address)."""

import json

import dagster as dg
import pytest
from receivers import WebhookReceiver

from nbzbx_dagster.cli.run_in_process import run_job
from nbzbx_dagster.defs.notify.sensors import (
    FAILURE_SENSOR,
    notify_run_failure_sensor,
    notify_sensor,
)
from nbzbx_dagster.defs.repair.assets import zabbix_host_plan
from nbzbx_dagster.defs.resources import build_resources
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab.seed import reset_zabbix_hosts
from nbzbx_dagster.store.url import state_store_url

SECRET = "T111/B111/lab-secret"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.own_lab,
    pytest.mark.parametrize("zabbix_version", ["6.0"], indirect=True),
]


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch, webhook: WebhookReceiver) -> WebhookReceiver:
    targets = [
        {
            "name": "ops",
            "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"},
            "events": ["run_failed", "drift", "blocked"],
        }
    ]
    monkeypatch.setenv("NBZBX_NOTIFY", json.dumps(targets))
    monkeypatch.setenv("NBZBX_WEBHOOK_OPS", webhook.url(SECRET))
    return webhook


def resources() -> dict[str, object]:
    store = StateStoreResource(database_url=state_store_url())
    return {"settings": SettingsResource(store=store)}


def tick(instance: dg.DagsterInstance) -> str:
    with dg.build_sensor_context(instance=instance, resources=resources()) as context:
        result = notify_sensor(context)
    assert isinstance(result, dg.SkipReason)
    return result.skip_message or ""


def test_drift_blocked_actions_and_a_failed_import_are_each_told_once(
    seeded_lab: dict,
    imported: dg.DagsterInstance,
    zabbix_version: str,
    told: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reset_zabbix_hosts(zabbix_version)
    assert tick(imported) == "nothing new to tell"  # the baseline: nothing checked yet
    config = {"ops": {"refresh_host_config_sync_status": {"config": {"cutoff": 0}}}}
    assert run_job("host_config_sync_refresh", config, instance=imported).success
    said = tick(imported)
    assert said == "ops: drift sent (webhook answered 200)", said
    (drift,) = told.texts
    assert drift.startswith("nbzbx: ") and " drifted on default: " in drift, drift
    assert "srv-lab-a-02 (" in drift, drift  # by name, with what differs
    assert tick(imported) == "nothing new to tell"

    materialized = dg.materialize(
        [zabbix_host_plan], instance=imported, resources=build_resources()
    )
    assert materialized.success
    assert tick(imported) == "ops: blocked sent (webhook answered 200)"
    blocked = told.texts[1]
    assert "blocked action" in blocked and "vm-web-02 (name taken" in blocked, blocked
    assert tick(imported) == "nothing new to tell"

    monkeypatch.setenv("NBZBX_ZABBIX_URL", "http://127.0.0.1:9/api_jsonrpc.php")
    failed = run_job("import_zabbix_settings", instance=imported)
    assert not failed.success
    run = imported.get_run_by_id(failed.run_id)
    assert run is not None
    (record,) = imported.get_records_for_run(
        failed.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
    ).records
    event = record.event_log_entry.dagster_event
    assert event is not None
    with dg.build_run_status_sensor_context(
        sensor_name=FAILURE_SENSOR,
        dagster_event=event,
        dagster_instance=imported,
        dagster_run=run,
        resources=resources(),
    ) as context:
        notify_run_failure_sensor(context.for_run_failure())
    assert tick(imported) == "ops: run_failed sent (webhook answered 200)"
    assert tick(imported) == "nothing new to tell"
    failure = told.texts[2]
    assert failure.startswith("nbzbx: import_zabbix_settings failed: default: "), failure
    assert "127.0.0.1:9" in failure, failure
    assert len(told.texts) == 3
    assert not [t for t in told.texts if SECRET in t or services.netbox_token() in t]

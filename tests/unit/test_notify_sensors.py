"""The notification sensors, evaluated through Dagster's public context builders on a temporary
instance with real runs, sending to a real webhook receiver: a failed system job run gives one
run_failed message, a dead run one dead_run message, drift one drift message, each once."""

import json
from datetime import UTC, datetime

import dagster as dg
import pytest
from receivers import WebhookReceiver

from nbzbx_dagster.defs.dagster_internals import report_run_failed
from nbzbx_dagster.defs.notify.sensors import (
    FAILURE_SENSOR,
    notify_run_failure_sensor,
    notify_sensor,
)
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.system_jobs.dead_runs import FAILED_BY_SENSOR
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_NAME, SENSOR_TAG
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import record_changes
from nbzbx_dagster.store.notifications import read_cursor, read_notifications

SECRET = "T000/B000/SECRETxyz"
T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


@dg.op
def fails() -> None:
    raise RuntimeError("Zabbix zbx70 at http://127.0.0.1:9/api_jsonrpc.php: connection refused")


@dg.job
def import_zabbix_settings() -> None:
    fails()


@dg.op
def works() -> None:
    """Does nothing."""


@dg.job
def reconcile_zabbix_hosts() -> None:
    works()


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, webhook: WebhookReceiver) -> WebhookReceiver:
    targets = [
        {
            "name": "ops",
            "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"},
            "events": ["run_failed", "dead_run", "drift", "applied"],
        }
    ]
    monkeypatch.setenv("NBZBX_NOTIFY", json.dumps(targets))
    monkeypatch.setenv("NBZBX_WEBHOOK_OPS", webhook.url(SECRET))
    monkeypatch.setenv("NBZBX_UI_URL", "http://dagster.example:3000/")
    return webhook


def resources(store: StateStore) -> dict[str, object]:
    return {"settings": SettingsResource(store=StateStoreResource(database_url=store.url))}


def tick(instance: dg.DagsterInstance, store: StateStore) -> str:
    with dg.build_sensor_context(instance=instance, resources=resources(store)) as context:
        result = notify_sensor(context)
    assert isinstance(result, dg.SkipReason)
    return result.skip_message or ""


def failed_run(instance: dg.DagsterInstance, tags: dict[str, str]) -> dg.ExecuteInProcessResult:
    return import_zabbix_settings.execute_in_process(
        instance=instance, tags=tags, raise_on_error=False
    )


def on_failure(
    instance: dg.DagsterInstance, store: StateStore, run: dg.DagsterRun, event: dg.DagsterEvent
) -> str:
    with dg.build_run_status_sensor_context(
        sensor_name=FAILURE_SENSOR,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=run,
        resources=resources(store),
    ) as context:
        result = notify_run_failure_sensor(context.for_run_failure())
    assert isinstance(result, dg.SkipReason)
    return result.skip_message or ""


def test_a_failed_system_job_run_is_told_once_with_its_cause_and_link(
    instance: dg.DagsterInstance, store: StateStore, configured: WebhookReceiver
) -> None:
    tick(instance, store)  # the baseline
    result = failed_run(instance, {SYSTEM_JOB_TAG: "import_zabbix_settings"})
    assert not result.success
    store.write_event(
        job="import_zabbix_settings",
        status="failure",
        started_at=T0,
        run_id=result.run_id,
        error="ZabbixError: Zabbix zbx70 at http://127.0.0.1:9: connection refused",
        server="zbx70",
    )
    event = result.get_run_failure_event()
    for _ in range(2):  # a second evaluation of the same failure writes nothing new
        said = on_failure(instance, store, result.dagster_run, event)
    assert said == "import_zabbix_settings: run_failed for ops; notify_sensor sends it"
    assert configured.posts == []  # only notify_sensor sends
    assert tick(instance, store) == "ops: run_failed sent (webhook answered 200)"
    assert tick(instance, store) == "nothing new to tell"
    assert configured.texts == [
        "nbzbx: import_zabbix_settings failed: zbx70: ZabbixError: Zabbix zbx70 at "
        f"http://127.0.0.1:9: connection refused http://dagster.example:3000/runs/{result.run_id}"
    ]


def test_without_an_event_log_row_the_cause_is_the_run_failure(
    instance: dg.DagsterInstance, store: StateStore, configured: WebhookReceiver
) -> None:
    result = failed_run(instance, {SYSTEM_JOB_TAG: "import_zabbix_settings"})
    on_failure(instance, store, result.dagster_run, result.get_run_failure_event())
    tick(instance, store)
    assert configured.texts == [
        "nbzbx: import_zabbix_settings failed: RuntimeError: Zabbix zbx70 at "
        "http://127.0.0.1:9/api_jsonrpc.php: connection refused "
        f"http://dagster.example:3000/runs/{result.run_id}"
    ]


def test_a_run_that_is_not_a_system_job_is_not_told(
    instance: dg.DagsterInstance, store: StateStore, configured: WebhookReceiver
) -> None:
    result = failed_run(instance, {})
    said = on_failure(instance, store, result.dagster_run, result.get_run_failure_event())
    assert said == "import_zabbix_settings: not a system job"
    tick(instance, store)
    assert configured.posts == []


def test_a_dead_run_failed_by_the_sensor_is_a_dead_run_message(
    instance: dg.DagsterInstance, store: StateStore, configured: WebhookReceiver
) -> None:
    run = reconcile_zabbix_hosts.execute_in_process(
        instance=instance, tags={SYSTEM_JOB_TAG: "host_config_sync_refresh"}
    ).dagster_run
    cause = "process 4242 on host lab is gone"
    store.write_event(
        job="host_config_sync_refresh",
        status="failure",
        started_at=T0,
        run_id=run.run_id,
        error=cause,
    )
    assert report_run_failed(instance, run, f"{cause}; {FAILED_BY_SENSOR}")
    [record] = instance.get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
    ).records
    assert record.event_log_entry.dagster_event is not None
    on_failure(instance, store, run, record.event_log_entry.dagster_event)
    tick(instance, store)
    assert configured.texts == [
        "nbzbx: host_config_sync_refresh run died and was failed by system_jobs_sensor: "
        f"{cause} http://dagster.example:3000/runs/{run.run_id}"
    ]


def test_drift_and_applied_changes_are_told_once_by_the_sensor(
    instance: dg.DagsterInstance, store: StateStore, configured: WebhookReceiver
) -> None:
    assert tick(instance, store) == "nothing new to tell"
    with store.transaction() as conn:
        record_changes(
            conn,
            [
                {
                    "partition_key": "device-2",
                    "server": "zbx70",
                    "name": "srv-lab-a-02",
                    "status": "out_of_sync",
                    "difference": ["templates: + nbzbx Linux agent"],
                    "error": None,
                    "changed_at": T0,
                }
            ],
        )
    by_sensor = reconcile_zabbix_hosts.execute_in_process(
        instance=instance, tags={SENSOR_TAG: SENSOR_NAME}
    )
    by_person = reconcile_zabbix_hosts.execute_in_process(instance=instance)
    summary = {"applied": 1, "created": 1, "results": [{"name": "srv-new", "result": "created"}]}
    for run in (by_sensor, by_person):
        store.write_event(
            job="reconcile_zabbix_hosts",
            status="success",
            started_at=T0,
            run_id=run.run_id,
            summary=summary,
            server="zbx70",
        )
    said = tick(instance, store)
    assert (
        said == "ops: drift sent (webhook answered 200); ops: applied sent (webhook answered 200)"
    )
    assert configured.texts == [
        "nbzbx: 1 host config drifted on zbx70: srv-lab-a-02 (templates: + nbzbx Linux agent)",
        "nbzbx: reconcile_zabbix_hosts applied 1 change on zbx70 (created 1): srv-new (created)",
    ]
    assert tick(instance, store) == "nothing new to tell"
    assert len(configured.posts) == 2


def test_a_target_that_is_down_is_one_line_of_the_tick(
    instance: dg.DagsterInstance, store: StateStore, configured: WebhookReceiver
) -> None:
    result = failed_run(instance, {SYSTEM_JOB_TAG: "import_zabbix_settings"})
    on_failure(instance, store, result.dagster_run, result.get_run_failure_event())
    configured.stop()
    said = tick(instance, store)
    assert said == (
        "ops: run_failed not sent, attempt 1 of 5 (retried next tick): webhook: Connection refused"
    )
    configured.start()
    assert tick(instance, store) == "ops: run_failed sent (webhook answered 200)"
    assert len(configured.posts) == 1


def test_without_targets_both_sensors_skip_before_reading_the_store(
    instance: dg.DagsterInstance, store: StateStore, webhook: WebhookReceiver
) -> None:
    result = failed_run(instance, {SYSTEM_JOB_TAG: "import_zabbix_settings"})
    said = on_failure(instance, store, result.dagster_run, result.get_run_failure_event())
    assert said == "import_zabbix_settings: no notify targets (setting notify)"
    assert tick(instance, store) == "no notify targets (setting notify)"
    with store.connect() as conn:  # nothing written: no message, no cursor
        assert read_notifications(conn) == [] and read_cursor(conn, "drift") is None
    assert webhook.posts == []

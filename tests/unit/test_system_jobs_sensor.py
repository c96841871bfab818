"""`system_jobs_sensor` through build_sensor_context on a temporary instance, and the declared
system jobs."""

import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from dagster._core.remote_origin import (
    InProcessCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from nbzbx_dagster.definitions import defs
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.system_jobs import schedule as scheduling
from nbzbx_dagster.defs.system_jobs import timing
from nbzbx_dagster.defs.system_jobs.declared import SYSTEM_JOBS
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_NAME, SystemJob, register_system_job
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.defs.system_jobs.schedule import (
    JobCursor,
    dump_cursor,
    get_current_job_interval,
    parse_cursor,
    system_jobs_scheduled,
)
from nbzbx_dagster.defs.system_jobs.sensor import schedule_system_jobs
from nbzbx_dagster.settings import Settings, SettingsError
from nbzbx_dagster.store import StateStore


@dg.op
def noop() -> None:
    """Does nothing; the sensor only needs job names."""


@dg.job
def job_a() -> None:
    noop()


@dg.job
def job_b() -> None:
    noop()


JOBS = [
    SystemJob(job_a, lambda s: s.zabbix_import_interval, "zabbix_import_interval"),
    SystemJob(job_b, lambda s: s.maintenance_cleanup_interval, "maintenance_cleanup_interval"),
]
SENSOR = schedule_system_jobs(JOBS)


def intervals(store: StateStore, job_a: int, job_b: int) -> None:
    store.set_override("zabbix_import_interval", job_a, by="test")
    store.set_override("maintenance_cleanup_interval", job_b, by="test")


def logged(capfd: pytest.CaptureFixture[str]) -> str:
    """What the sensor logged (Dagster's console logger writes to stderr)."""
    return capfd.readouterr().err


def settings_resource(store: StateStore) -> SettingsResource:
    return SettingsResource(store=StateStoreResource(database_url=store.url))


def tick(
    sensor: dg.SensorDefinition,
    instance: dg.DagsterInstance,
    store: StateStore,
    cursor: str | None,
) -> tuple[list[dg.RunRequest], dict[str, JobCursor]]:
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": settings_resource(store)}
    ) as context:
        data = sensor.evaluate_tick(context)
    return list(data.run_requests or []), parse_cursor(data.cursor)


def cursor_of(**jobs: tuple[int, timedelta | None]) -> str:
    """A cursor whose jobs were last launched `ago` before now, with the given interval."""
    now = datetime.now(UTC)
    return dump_cursor(
        {
            name: JobCursor(interval, now - ago if ago is not None else None)
            for name, (interval, ago) in jobs.items()
        }
    )


def names(requests: list[dg.RunRequest]) -> list[str]:
    return [request.job_name for request in requests]


def test_first_tick_runs_every_enabled_job_with_the_system_job_tag(instance, store) -> None:
    requests, cursor = tick(SENSOR, instance, store, None)
    assert names(requests) == ["job_a", "job_b"]
    assert [r.tags[SYSTEM_JOB_TAG] for r in requests] == ["job_a", "job_b"]
    assert cursor["job_a"].interval == 1440
    assert cursor["job_a"].last_launch is not None
    assert datetime.now(UTC) - cursor["job_a"].last_launch < timedelta(seconds=10)


def test_due_and_not_due(instance, store) -> None:
    launches = cursor_of(
        job_a=(1440, timedelta(minutes=1439)), job_b=(1440, timedelta(minutes=1441))
    )
    requests, cursor = tick(SENSOR, instance, store, launches)
    assert names(requests) == ["job_b"]  # job_a is due in a minute, job_b was due a minute ago
    before = parse_cursor(launches)
    assert cursor["job_a"].last_launch == before["job_a"].last_launch
    assert cursor["job_b"].last_launch > before["job_b"].last_launch
    assert cursor["job_b"].next_due() > datetime.now(UTC) + timedelta(minutes=1439)


def test_interval_change_reschedules_from_the_last_launch_and_is_logged(
    instance, store, capfd
) -> None:
    store.set_override("zabbix_import_interval", 30, by="test")
    start = cursor_of(job_a=(1440, timedelta(minutes=20)), job_b=(1440, timedelta(minutes=1)))
    requests, cursor = tick(SENSOR, instance, store, start)
    assert requests == []
    launched = parse_cursor(start)["job_a"].last_launch
    assert cursor["job_a"].last_launch == launched  # not moved by the change
    assert cursor["job_a"].interval == 30
    assert cursor["job_a"].next_due() == launched + timedelta(minutes=30)
    due = (launched + timedelta(minutes=30)).isoformat(timespec="seconds")
    log = logged(capfd)
    assert f"job_a: interval 1440 -> 30 minutes; rescheduled from the last launch: due {due}" in log
    assert "job_b: interval" not in log


def test_interval_zero_disables(instance, store, capfd) -> None:
    store.set_override("zabbix_import_interval", 0, by="test")
    store.set_override("maintenance_cleanup_interval", 0, by="test")
    requests, cursor = tick(SENSOR, instance, store, None)
    assert requests == []
    assert cursor["job_a"].interval == 0
    assert cursor["job_a"].next_due() is None
    long_overdue = cursor_of(job_a=(5, timedelta(days=3)), job_b=(5, timedelta(days=3)))
    requests, cursor = tick(SENSOR, instance, store, long_overdue)
    assert requests == []
    assert cursor["job_a"].interval == 0
    assert "job_a: interval 5 -> 0 minutes: disabled" in logged(capfd)


@pytest.mark.parametrize(
    "status",
    [
        dg.DagsterRunStatus.QUEUED,
        dg.DagsterRunStatus.NOT_STARTED,
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
    ],
)
def test_no_request_while_a_run_of_the_job_is_queued_or_in_progress(
    instance, store, status, capfd
) -> None:
    origin = RemoteJobOrigin(
        RemoteRepositoryOrigin(
            InProcessCodeLocationOrigin(LoadableTargetOrigin(module_name=__name__)),
            "__repository__",
        ),
        "job_a",
    )
    run = instance.create_run_for_job(
        job_a, status=status, tags={SYSTEM_JOB_TAG: "job_a"}, remote_job_origin=origin
    )
    intervals(store, 60, 60)
    due = cursor_of(job_a=(60, timedelta(hours=2)), job_b=(60, timedelta(hours=2)))
    requests, cursor = tick(SENSOR, instance, store, due)
    assert names(requests) == ["job_b"]
    assert cursor["job_a"].last_launch == parse_cursor(due)["job_a"].last_launch
    assert f"job_a: due, but run {run.run_id} is {status.value}" in logged(capfd)

    instance.delete_run(run.run_id)
    requests, _ = tick(SENSOR, instance, store, dump_cursor(cursor))
    assert names(requests) == ["job_a"]  # once the run is gone, the overdue job runs


def test_finished_runs_do_not_block(instance, store) -> None:
    for status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE):
        instance.create_run_for_job(job_a, status=status)
    intervals(store, 60, 60)
    requests, _ = tick(
        SENSOR, instance, store, cursor_of(job_a=(60, timedelta(hours=2)), job_b=(60, None))
    )
    assert names(requests) == ["job_a", "job_b"]


@pytest.mark.parametrize(
    "raw",
    [
        "not json {",
        "[1, 2]",
        json.dumps({"job_a": "yesterday"}),
        json.dumps({"job_a": {"interval": "5", "last_launch": None}}),
        json.dumps({"job_a": {"interval": 5, "last_launch": "2025-13-45"}}),
        json.dumps({"job_a": {"interval": 5, "last_launch": "2025-01-01T00:00:00"}}),
    ],
)
def test_unreadable_cursor_is_replaced_and_logged(instance, store, raw, capfd) -> None:
    requests, cursor = tick(SENSOR, instance, store, raw)
    assert names(requests) == ["job_a", "job_b"]
    assert set(cursor) == {"job_a", "job_b"}
    assert f"{SENSOR_NAME}: replacing an unreadable cursor" in logged(capfd)


def test_lost_cursor_is_anchored_on_the_newest_run_in_the_instance(instance, store) -> None:
    instance.create_run_for_job(job_a, status=dg.DagsterRunStatus.SUCCESS)
    requests, cursor = tick(SENSOR, instance, store, None)
    assert names(requests) == ["job_b"]  # job_a ran moments ago, so it is not due
    assert cursor["job_a"].last_launch is not None


def test_missed_slots_give_one_run_not_a_burst(instance, store) -> None:
    intervals(store, 1, 1440)
    stale = cursor_of(job_a=(1, timedelta(hours=5)), job_b=(1440, timedelta(minutes=1)))
    requests, cursor = tick(SENSOR, instance, store, stale)
    assert names(requests) == ["job_a"]  # 300 missed slots, one run
    assert cursor["job_a"].next_due() > datetime.now(UTC)  # next slot from now, not from the past
    requests, _ = tick(SENSOR, instance, store, dump_cursor(cursor))
    assert requests == []


def test_cursor_survives_a_restart_as_json(instance, store) -> None:
    _, cursor = tick(SENSOR, instance, store, None)
    raw = dump_cursor(cursor)
    assert set(json.loads(raw)["job_a"]) == {"interval", "last_launch"}
    requests, again = tick(SENSOR, instance, store, raw)  # a new evaluation, same cursor
    assert requests == []
    assert again == cursor


def test_settings_are_read_on_every_tick(instance, store) -> None:
    _, cursor = tick(SENSOR, instance, store, None)
    store.set_override("maintenance_cleanup_interval", 7, by="test")
    _, cursor = tick(SENSOR, instance, store, dump_cursor(cursor))
    assert cursor["job_b"].interval == 7


# --- the production sensor and the declared system jobs ---------------------------------------


def production_sensor() -> dg.SensorDefinition:
    return defs.resolve_sensor_def(SENSOR_NAME)


def test_the_system_jobs_are_declared_in_order_with_their_settings() -> None:
    declared = [(j.name, j.setting, j.after) for j in SYSTEM_JOBS]
    assert declared == [
        ("import_zabbix_settings", "zabbix_import_interval", ()),
        ("host_config_sync_refresh", "host_config_sync_interval", ("import_zabbix_settings",)),
        ("maintenance_cleanup", "maintenance_cleanup_interval", ()),
        ("reconcile_zabbix_hosts", "reconcile_interval", ("host_config_sync_refresh",)),
    ]


def test_production_sensor_targets_every_declared_job() -> None:
    sensor = production_sensor()
    assert sorted(t.job_name for t in sensor.targets) == sorted(j.name for j in SYSTEM_JOBS)
    assert sensor.minimum_interval_seconds == 30
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_production_sensor_first_tick(instance, store) -> None:
    requests, _ = tick(production_sensor(), instance, store, None)
    settings = Settings()
    enabled = {j.name for j in SYSTEM_JOBS if j.interval(settings) > 0}
    # the sync refresh waits for the import it needs, launched in the same tick
    assert set(names(requests)) == enabled - {"host_config_sync_refresh"}


def test_register_system_job_by_setting_name_or_getter() -> None:
    entry = register_system_job("host_config_sync_interval", after=["job_a"])(job_b)
    assert (entry.job, entry.name, entry.setting, entry.after) == (
        job_b,
        "job_b",
        "host_config_sync_interval",
        ("job_a",),
    )
    assert entry.interval(Settings(host_config_sync_interval=15)) == 15
    entry = register_system_job(lambda s: 2 * s.cutoff_host_config_sync)(job_b)
    assert entry.setting is None
    assert entry.interval(Settings()) == 120
    with pytest.raises(ValueError, match="no setting named 'zabix_import_interval'"):
        register_system_job("zabix_import_interval")


def test_nothing_is_scheduled_without_a_sensor_that_ticks(instance) -> None:
    assert not system_jobs_scheduled(instance, Settings())
    assert get_current_job_interval("import_zabbix_settings", instance) is None


def test_a_job_waits_for_the_jobs_it_comes_after(
    store: StateStore, instance: dg.DagsterInstance
) -> None:
    first, second = JOBS
    waiting = SystemJob(second.job, second.interval_getter, second.setting, after=(first.name,))
    sensor = schedule_system_jobs([waiting, first])
    requests, cursor = tick(sensor, instance, store, None)
    assert names(requests) == ["job_a"]  # launched first, though declared second
    assert cursor["job_b"].last_launch is None  # still due on the next tick


def test_a_job_due_again_yields_to_the_one_that_waited_through_its_last_run(
    store: StateStore, instance: dg.DagsterInstance, capfd: pytest.CaptureFixture[str]
) -> None:
    """job_a every minute, its run just over, and job_b (which waits for it) never launched:
    job_b goes first, else job_a's next launch would make it wait again, every time."""
    first, second = JOBS
    waiting = SystemJob(second.job, second.interval_getter, second.setting, after=(first.name,))
    sensor = schedule_system_jobs([waiting, first])
    intervals(store, 1, 1)
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    requests, cursor = tick(sensor, instance, store, dump_cursor({"job_a": JobCursor(1, long_ago)}))
    assert names(requests) == ["job_b"]
    assert cursor["job_a"].last_launch == long_ago  # due again on the next tick
    assert "job_a: due, but job_b has waited for its last run; launching job_b first" in logged(
        capfd
    )
    # job_b launched since: job_a's turn again, and job_b does not wait for itself
    requests, _ = tick(sensor, instance, store, dump_cursor(cursor))
    assert names(requests) == ["job_a"]


# --- the tick's per-job schedule text ---------------------------------------------------------


def evaluate(instance: dg.DagsterInstance, store: StateStore, cursor: str | None):
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": settings_resource(store)}
    ) as context:
        return SENSOR.evaluate_tick(context)


def test_a_tick_with_nothing_due_says_each_jobs_schedule(instance, store, capfd) -> None:
    intervals(store, 60, 0)
    launched = datetime.now(UTC) - timedelta(minutes=10)
    raw = dump_cursor({"job_a": JobCursor(60, launched), "job_b": JobCursor(60, launched)})
    data = evaluate(instance, store, raw)
    assert not data.run_requests
    now = datetime.now(UTC)
    last = scheduling.clock(launched, now)
    due = scheduling.clock(launched + timedelta(minutes=60), now)
    line_a = f"job_a: every 60 min, last launch {last}, next due {due}"
    assert data.skip_message == f"no system job is due; {line_a}; job_b: disabled (interval 0)"
    log = logged(capfd)
    assert line_a in log and "job_b: disabled (interval 0)" in log


def test_a_tick_that_launches_logs_the_next_due_time(instance, store, capfd) -> None:
    data = evaluate(instance, store, None)
    assert names(list(data.run_requests)) == ["job_a", "job_b"]
    assert data.skip_message is None  # Dagster allows no skip reason beside run requests
    now = parse_cursor(data.cursor)["job_a"].last_launch
    assert now is not None
    due = scheduling.clock(now + timedelta(minutes=1440), now)
    assert f"job_a: every 1440 min, last launch {scheduling.clock(now, now)}, next due {due}" in (
        logged(capfd)
    )


def test_schedule_text_of_a_job_never_launched_and_the_clock() -> None:
    now = datetime(2025, 6, 1, 13, 0, tzinfo=UTC)
    assert (
        scheduling.schedule_text("job_a", JobCursor(60, None), now)
        == "job_a: every 60 min, last launch never, next due now"
    )
    assert scheduling.clock(datetime(2025, 6, 1, 14, 5, tzinfo=UTC), now) == "14:05 UTC"
    assert scheduling.clock(datetime(2025, 6, 2, 14, 5, tzinfo=UTC), now) == "2025-06-02 14:05 UTC"


# --- schedule(job, interval) ------------------------------------------------------------------


def test_schedule_stores_the_override_and_the_next_tick_applies_it(instance, store) -> None:
    launched = datetime.now(UTC) - timedelta(minutes=10)
    raw = dump_cursor({"job_a": JobCursor(1440, launched), "job_b": JobCursor(1440, launched)})
    plan = scheduling.schedule("job_a", 30, store=store, instance=instance, jobs=JOBS)
    assert store.get_overrides()["zabbix_import_interval"] == 30
    assert (plan.interval, plan.overridden, plan.setting) == (30, True, "zabbix_import_interval")
    assert plan.next_due is None  # the sensor has no cursor in this instance yet, nor runs
    requests, cursor = tick(SENSOR, instance, store, raw)
    assert requests == []  # rescheduled from the last launch: due in 20 minutes, not now
    assert cursor["job_a"].interval == 30
    assert cursor["job_a"].next_due() == launched + timedelta(minutes=30)


def test_schedule_reads_the_sensor_and_its_runs_for_the_next_due_time(instance, store) -> None:
    instance.create_run_for_job(job_a, status=dg.DagsterRunStatus.SUCCESS)
    plan = scheduling.schedule("job_a", 15, store=store, instance=instance, jobs=JOBS)
    assert plan.last_launch is not None
    assert plan.next_due == plan.last_launch + timedelta(minutes=15)


def test_schedule_default_follows_the_setting_again(instance, store) -> None:
    scheduling.schedule("job_b", 5, store=store, instance=instance, jobs=JOBS)
    plan = scheduling.schedule("job_b", None, store=store, instance=instance, jobs=JOBS)
    assert "maintenance_cleanup_interval" not in store.get_overrides()
    assert (plan.interval, plan.overridden) == (1440, False)
    assert plan.as_dict()["interval"] == 1440


def test_schedule_refuses_unknown_jobs_getters_and_bad_intervals(instance, store) -> None:
    with pytest.raises(SettingsError, match="no system job named 'job_c'"):
        scheduling.schedule("job_c", 5, store=store, instance=instance, jobs=JOBS)
    with pytest.raises(SettingsError, match="zabbix_import_interval"):
        scheduling.schedule("job_a", 50000, store=store, instance=instance, jobs=JOBS)
    computed = [SystemJob(job_a, lambda s: 5, None)]
    with pytest.raises(SettingsError, match="job_a: its interval is computed"):
        scheduling.schedule("job_a", 5, store=store, instance=instance, jobs=computed)
    assert store.get_overrides() == {}


def test_shortened_clocks_tick_and_fall_due_sooner(instance, store, monkeypatch) -> None:
    """The lab's daemon tests run the same sensor with 5 s ticks and 10 s interval minutes."""
    monkeypatch.setenv(timing.SENSOR_INTERVAL, "5")
    monkeypatch.setenv(timing.INTERVAL_MINUTE, "10")
    sensor = schedule_system_jobs(JOBS)
    assert sensor.minimum_interval_seconds == 5
    intervals(store, 1, 1)
    launches = cursor_of(job_a=(1, timedelta(seconds=11)), job_b=(1, timedelta(seconds=5)))
    requests, cursor = tick(sensor, instance, store, launches)
    assert names(requests) == ["job_a"]
    assert cursor["job_b"].next_due() == parse_cursor(launches)["job_b"].last_launch + timedelta(
        seconds=10
    )


@pytest.mark.parametrize(
    ("variable", "value", "error"),
    [
        (timing.SENSOR_INTERVAL, "2", "NBZBX_SENSOR_INTERVAL_SECONDS=2: allowed 5 to 3600 seconds"),
        (timing.INTERVAL_MINUTE, "90", "NBZBX_INTERVAL_MINUTE_SECONDS=90: allowed 1 to 60 seconds"),
        (
            timing.INTERVAL_MINUTE,
            "ten",
            "MINUTE_SECONDS='ten' is not a whole number",
        ),
    ],
)
def test_a_bad_clock_is_refused_naming_the_variable(monkeypatch, variable, value, error) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=error):
        schedule_system_jobs(JOBS)
        JobCursor(1, datetime.now(UTC)).next_due()

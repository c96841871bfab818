"""The one entry point: every asset, job, sensor and resource of nbzbx-dagster."""

from __future__ import annotations

import dagster as dg

from nbzbx_dagster.defs.host_sync.assets import host_config_sync_status, netbox_host_configs
from nbzbx_dagster.defs.host_sync.sensors import host_config_changes_sensor
from nbzbx_dagster.defs.maintenance.jobs import create_maintenance
from nbzbx_dagster.defs.notify.sensors import notify_run_failure_sensor, notify_sensor
from nbzbx_dagster.defs.repair.assets import zabbix_host_plan
from nbzbx_dagster.defs.resources import build_resources
from nbzbx_dagster.defs.settings.jobs import update_settings
from nbzbx_dagster.defs.system_jobs.declared import SYSTEM_JOBS
from nbzbx_dagster.defs.system_jobs.sensor import schedule_system_jobs
from nbzbx_dagster.defs.zabbix_settings.assets import zabbix_settings_import

defs = dg.Definitions(
    assets=[
        zabbix_settings_import,
        netbox_host_configs,
        host_config_sync_status,
        zabbix_host_plan,
    ],
    jobs=[*(system_job.job for system_job in SYSTEM_JOBS), create_maintenance, update_settings],
    sensors=[
        schedule_system_jobs(SYSTEM_JOBS),
        host_config_changes_sensor,
        notify_sensor,
        notify_run_failure_sensor,
    ],
    resources=build_resources(),
    # one process per run, the one its nbzbx/pid tag names: killed, it leaves no step process
    # working on, and the sensor fails the run (defs/system_jobs/dead_runs.py)
    executor=dg.in_process_executor,
)

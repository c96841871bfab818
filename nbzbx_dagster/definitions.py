"""The one entry point: every asset, job, sensor and resource of nbzbx-dagster."""

from __future__ import annotations

import dagster as dg

from nbzbx_dagster.assets.host_plan import zabbix_host_plan
from nbzbx_dagster.assets.host_sync import host_config_sync_status, netbox_host_configs
from nbzbx_dagster.assets.zabbix_settings import zabbix_settings_import
from nbzbx_dagster.defs.resources import build_resources
from nbzbx_dagster.jobs.host_config_sync import host_config_sync_refresh
from nbzbx_dagster.jobs.maintenance import create_maintenance, maintenance_cleanup
from nbzbx_dagster.jobs.reconcile import reconcile_zabbix_hosts
from nbzbx_dagster.jobs.settings import update_settings
from nbzbx_dagster.jobs.zabbix_import import import_zabbix_settings
from nbzbx_dagster.sensors.system_jobs import system_jobs_sensor

defs = dg.Definitions(
    assets=[
        zabbix_settings_import,
        netbox_host_configs,
        host_config_sync_status,
        zabbix_host_plan,
    ],
    jobs=[
        import_zabbix_settings,
        host_config_sync_refresh,
        maintenance_cleanup,
        create_maintenance,
        update_settings,
        reconcile_zabbix_hosts,
    ],
    sensors=[system_jobs_sensor],
    resources=build_resources(),
    # one process per run, the one its nbzbx/pid tag names: killed, it leaves no step process
    # working on, and the sensor fails the run (sensors/dead_runs.py)
    executor=dg.in_process_executor,
)

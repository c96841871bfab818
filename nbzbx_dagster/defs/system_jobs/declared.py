"""The system jobs, declared in one place: each with its interval setting and the jobs it
follows, in the order the sensor evaluates them and `nbzbx system-jobs status` lists them."""

from nbzbx_dagster.defs.host_sync.jobs import host_config_sync_refresh
from nbzbx_dagster.defs.maintenance.jobs import maintenance_cleanup
from nbzbx_dagster.defs.repair.jobs import reconcile_zabbix_hosts
from nbzbx_dagster.defs.system_jobs.registry import SystemJob, register_system_job
from nbzbx_dagster.defs.zabbix_settings.jobs import import_zabbix_settings

SYSTEM_JOBS: tuple[SystemJob, ...] = (
    register_system_job("zabbix_import_interval")(import_zabbix_settings),
    # names are resolved through the cache the import fills
    register_system_job("host_config_sync_interval", after=[import_zabbix_settings.name])(
        host_config_sync_refresh
    ),
    register_system_job("maintenance_cleanup_interval")(maintenance_cleanup),
    # the plan is made from the statuses the refresh stores
    register_system_job("reconcile_interval", after=[host_config_sync_refresh.name])(
        reconcile_zabbix_hosts
    ),
)

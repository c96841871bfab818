"""Jobs. Importing this package imports every system job module, which registers its job
(`nbzbx_dagster.scheduling`), in the order `nbzbx system-jobs status` lists them; a new system
job module adds its name here."""

from importlib import import_module

SYSTEM_JOB_MODULES = ("zabbix_import", "host_config_sync", "maintenance", "reconcile")

for _module in SYSTEM_JOB_MODULES:
    import_module(f"{__name__}.{_module}")

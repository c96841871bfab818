"""Jobs. Importing this package imports every system job module, which registers its job
(`nbzbx_dagster.registry`); a new system job module adds its import here."""

from nbzbx_dagster.jobs import host_config_sync, maintenance, zabbix_import

__all__ = ["host_config_sync", "maintenance", "zabbix_import"]

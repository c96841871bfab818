"""The host config sync statuses (contract), in one place: the check gives them, the store's
constraint allows them, and NetBox offers them as the ``zabbix_sync_status`` choices."""

SYNC_STATUSES = ("in_sync", "out_of_sync", "missing", "error")

"""The contract's words, in one place: the store's check constraints, the check, the plan, the
jobs' configuration, NetBox's choices and the CLI use them without importing one another."""

SYNC_STATUSES = ("in_sync", "out_of_sync", "missing", "error")
"""The host config sync statuses; NetBox offers them as the ``zabbix_sync_status`` choices."""

ACTIONS = ("create", "update", "adopt", "disable", "delete", "blocked")
"""The repair plan's actions."""
APPLICABLE = ACTIONS[:-1]
REMOVALS = ("disable", "delete")

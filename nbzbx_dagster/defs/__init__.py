"""The Dagster layer, one folder per feature; ``nbzbx_dagster.definitions`` gathers it.

Everything that imports Dagster lives here (or in ``cli/`` and ``lab/``); the core beside it
(``zabbix``, ``netbox``, ``sync``, ``store``, ``settings``, ``maintenance``) does not."""

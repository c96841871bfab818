"""Notifications, the core: what is new since last time (``events``), remembered and sent once
(``sent``) to e-mail and webhook targets (``targets``). Knows nothing of Dagster: the sensors in
``defs/notify`` hand it the state store, the settings and what Dagster says of runs."""

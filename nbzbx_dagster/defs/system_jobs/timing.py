"""The two clocks of the system jobs' schedule, read from the environment in whole seconds:

- ``NBZBX_SENSOR_INTERVAL_SECONDS`` (30): the least time between two ticks of the sensor, so how
  late a due job may start and how soon a dead run is failed;
- ``NBZBX_INTERVAL_MINUTE_SECONDS`` (60): how long one minute of a job's interval lasts.

A deployment leaves both be. The lab's daemon tests shorten them (5 and 10 s) so that an hour of
scheduling plays out in minutes through the same sensor, cursor and runs: what only waits is
shortened, not what is proven. Set them alike for the daemon and the CLI, which computes the
same due times.
"""

import os
from datetime import timedelta

from nbzbx_dagster.settings import SettingsError

SENSOR_INTERVAL = "NBZBX_SENSOR_INTERVAL_SECONDS"
INTERVAL_MINUTE = "NBZBX_INTERVAL_MINUTE_SECONDS"


def _seconds(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number of seconds") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={value}: allowed {low} to {high} seconds")
    return value


def sensor_interval_seconds() -> int:
    """The sensor's minimum interval, read when the definitions load."""
    return _seconds(SENSOR_INTERVAL, 30, 5, 3600)


def sensor_stale_seconds() -> int:
    """A sensor whose last tick is older than this is not ticking (no daemon, or a stuck one)."""
    return 4 * sensor_interval_seconds()


def interval_length(minutes: int) -> timedelta:
    """The time a job's interval of `minutes` lasts."""
    return timedelta(seconds=minutes * _seconds(INTERVAL_MINUTE, 60, 1, 60))

"""What a system job is: a job the sensor launches at the interval a setting names.

The system jobs are declared in one place, `declared.SYSTEM_JOBS`, in the order the sensor
evaluates them and `nbzbx system-jobs status` lists them::

    register_system_job("zabbix_import_interval")(import_zabbix_settings)

Nothing registers itself on import: the sensor, the CLI and the tests are handed their jobs.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from nbzbx_dagster.settings import Settings

SENSOR_NAME = "system_jobs_sensor"
CHANGES_SENSOR = "host_config_changes_sensor"
"""Its runs of ``reconcile_zabbix_hosts``, like the system jobs sensor's, apply only
``reconcile_auto_actions``: nobody reviewed their plan."""
SENSOR_TAG = "dagster/sensor_name"
"""The run tag Dagster gives the runs a sensor requests: the sensor's name."""

IntervalGetter = Callable[[Settings], int]


class NamedJob(Protocol):
    """A job definition, op job or asset job (``define_asset_job`` returns one resolved later)."""

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class SystemJob:
    """A system job: its definition and the getter of its interval in minutes."""

    job: NamedJob
    interval_getter: IntervalGetter
    setting: str | None
    """The name of the interval setting, when the job was declared by setting name."""
    after: tuple[str, ...] = ()
    """System jobs this one waits for while they are launched or running (it needs their
    output: the sync refresh resolves names through the cache the import fills)."""

    @property
    def name(self) -> str:
        return self.job.name

    def interval(self, settings: Settings) -> int:
        """The effective interval in minutes; 0 means disabled."""
        return int(self.interval_getter(settings))


def register_system_job(
    interval_getter: IntervalGetter | str,
    after: Sequence[str] = (),
) -> Callable[[NamedJob], SystemJob]:
    """The system job of a job definition: `interval_getter` is a setting name or a getter of
    the interval in minutes (0 disables the job); `after` names system jobs it waits for while
    they are launched or running. Raises ValueError for a setting that does not exist."""
    if isinstance(interval_getter, str):
        if interval_getter not in Settings.model_fields:
            raise ValueError(f"register_system_job: no setting named {interval_getter!r}")
        setting: str | None = interval_getter
        getter: IntervalGetter = operator.attrgetter(interval_getter)
    else:
        setting, getter = None, interval_getter

    def register(job: NamedJob) -> SystemJob:
        return SystemJob(job, getter, setting, tuple(after))

    return register

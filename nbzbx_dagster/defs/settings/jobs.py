"""The ``update_settings`` op job: change the stored setting overrides from the launchpad.

Everything is validated before anything is written: one invalid value fails the run with a line
naming the setting and what it allows, and nothing is stored. The writes are one transaction.
The next sensor tick and the next run read the new effective settings. Not a system job.
"""

import dagster as dg
from pydantic import Field

from nbzbx_dagster.defs.resources.store import StateStoreResource
from nbzbx_dagster.settings.overrides import apply_overrides


class UpdateSettingsConfig(dg.Config):
    """Overrides to store and to remove; see `nbzbx settings show` for names and values."""

    changes: dict[str, str] = Field(
        default_factory=dict,
        description="Setting name to new value, as text: 60, true, strict, or JSON for lists "
        'and mappings, e.g. {"zabbix_import_interval": "60"}.',
    )
    unset: list[str] = Field(
        default_factory=list,
        description="Setting names whose stored override is removed (the lower layers apply).",
    )


@dg.op(
    description="Validate every change, then store the overrides in one transaction.",
    out=dg.Out(dg.Nothing),
)
def store_setting_overrides(
    context: dg.OpExecutionContext, config: UpdateSettingsConfig, state_store: StateStoreResource
) -> dg.Output:
    summary = apply_overrides(
        state_store.open(), config.changes, config.unset, by=f"update_settings run {context.run_id}"
    )
    context.log.info(f"settings overrides: {summary}")
    return dg.Output(None, metadata={"summary": dg.MetadataValue.json(summary)})


@dg.job(
    description="Change the stored setting overrides (intervals, guards, host selection, ...): "
    "all validated first; invalid values fail the run and nothing is stored."
)
def update_settings() -> None:
    store_setting_overrides()

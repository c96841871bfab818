"""The Zabbix settings as software-defined assets: imported, cached, and published to NetBox.

The five Zabbix assets and their NetBox choices are one multi-asset because they are one import:
one client and one login, every type read once, one state-store transaction and one event-log
row. It is subsettable: an asset materialized alone reads only its type (the choices alone read
no Zabbix), and updates only its choices. A failure anywhere (Zabbix stopping half-way, the
deletion guard, NetBox refusing the choices) fails the run and leaves the whole cache as it was.
They are partitioned by Zabbix server (``zabbix_servers``): materializing a partition imports
that server; the ``import_zabbix_settings`` job imports every server in one run.
"""

import dagster as dg

from nbzbx_dagster.defs.partitions import ZABBIX_SERVERS
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.defs.system_jobs.run_scope import system_job_run
from nbzbx_dagster.defs.system_jobs.turns import job_turn
from nbzbx_dagster.defs.zabbix_settings.events import (
    CHOICES_ASSET,
    GROUP,
    IMPORT_JOB,
    choices_metadata,
    import_in_scope,
    output_metadata,
)
from nbzbx_dagster.store.cache import KINDS

CACHE_IO_MANAGER = "zabbix_cache_io_manager"

DESCRIPTIONS = {
    "template_groups": "Zabbix template groups (Zabbix 6.2 and later; empty before).",
    "host_groups": "Zabbix host groups.",
    "proxy_groups": "Zabbix proxy groups (Zabbix 7.0 and later; empty before).",
    "proxies": "Zabbix proxies, normalised across versions: name, active or passive, address "
    "and port, allowed addresses, description, proxy group.",
    "templates": "Zabbix templates: technical and visible name, parent templates, template "
    "groups, the interface type (agent, SNMP or any) from their items, the templates their "
    "triggers depend on, and their item keys that other templates have too.",
}
# lineage inside the import: a template lives in template groups, a proxy in a proxy group
INTERNAL_DEPS = {"templates": {"template_groups"}, "proxies": {"proxy_groups"}}


@dg.multi_asset(
    name="zabbix_settings_import",
    partitions_def=ZABBIX_SERVERS,
    outs={
        kind.asset: dg.AssetOut(
            description=DESCRIPTIONS[key],
            io_manager_key=CACHE_IO_MANAGER,
            group_name=GROUP,
            kinds={"zabbix", "pandas"},
            is_required=False,  # subsettable: an asset selected alone is the only output
        )
        for key, kind in KINDS.items()
    }
    | {
        CHOICES_ASSET: dg.AssetOut(
            description="The NetBox custom fields and choice sets this project owns (zabbix_*), "
            "with choices equal to the cache; a choice NetBox objects still use is kept.",
            dagster_type=dg.Nothing,
            group_name=GROUP,
            kinds={"netbox"},
            is_required=False,
        )
    },
    internal_asset_deps={
        kind.asset: {dg.AssetKey(KINDS[d].asset) for d in INTERNAL_DEPS.get(key, ())}
        for key, kind in KINDS.items()
    }
    | {CHOICES_ASSET: {dg.AssetKey(kind.asset) for kind in KINDS.values()}},
    can_subset=True,
)
def zabbix_settings_import(
    context: dg.AssetExecutionContext,
    zabbix: ZabbixResource,
    netbox: NetBoxResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
):
    """Read the Zabbix settings, upsert the cache by Zabbix id, prune what is gone, and publish
    the names to NetBox as the choices of the ``zabbix_*`` custom fields.

    Pruning is refused for the whole import when more than ``max_deletions`` objects of one type
    would go; it touches only the cache, never Zabbix. A NetBox choice that objects still use is
    kept and reported rather than forced out.
    """
    effective = settings.effective()
    store = state_store.open()
    server = context.partition_key
    selected = context.op_execution_context.selected_output_names
    kinds = [key for key, kind in KINDS.items() if kind.asset in selected]
    publish = CHOICES_ASSET in selected
    with job_turn(context, store, effective, IMPORT_JOB):
        with system_job_run(context, store, effective, IMPORT_JOB, server) as run:
            # inside the run, so that Zabbix failing fails the run with an event-log row too
            result, report = import_in_scope(
                run,
                server,
                zabbix.factory(server, effective),
                netbox.client,
                effective,
                kinds,
                publish,
            )
        context.log.info(run.summary["message"])
        for key in kinds:
            kind = KINDS[key]
            metadata = output_metadata(kind, result.frames[key], result.plans[key])
            yield dg.Output(result.frames[key], output_name=kind.asset, metadata=metadata)
        if publish:
            yield dg.Output(None, output_name=CHOICES_ASSET, metadata=choices_metadata(report))

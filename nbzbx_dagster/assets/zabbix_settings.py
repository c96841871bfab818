"""The Zabbix settings as software-defined assets: imported, cached, and published to NetBox.

The five Zabbix assets and their NetBox choices are one multi-asset because they are one import:
one client and one login, every type read once, one state-store transaction and one event-log
row, so a failure anywhere (Zabbix stopping half-way, the deletion guard, NetBox refusing the
choices) fails the run and leaves the whole cache as it was.
"""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from nbzbx_dagster.netbox.choices import publish_choices
from nbzbx_dagster.resources.netbox import NetBoxResource
from nbzbx_dagster.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.resources.zabbix import ZabbixResource
from nbzbx_dagster.run_scope import system_job_run
from nbzbx_dagster.store.cache import KINDS, CacheKind, apply_plan, cache_frame, read_cache, to_row
from nbzbx_dagster.store.cache_plan import CachePlan, plan_cache
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient

GROUP = "zabbix_settings"
IMPORT_JOB = "import_zabbix_settings"
CACHE_IO_MANAGER = "zabbix_cache_io_manager"
CHOICES_ASSET = "netbox_zabbix_choices"
PREVIEW_ROWS = 20

DESCRIPTIONS = {
    "template_groups": "Zabbix template groups (Zabbix 6.2 and later; empty before).",
    "host_groups": "Zabbix host groups.",
    "proxy_groups": "Zabbix proxy groups (Zabbix 7.0 and later; empty before).",
    "proxies": "Zabbix proxies, normalised across versions: name, active or passive, address "
    "and port, allowed addresses, description, proxy group.",
    "templates": "Zabbix templates: technical and visible name, parent templates, template "
    "groups, and the interface type (agent, SNMP or any) from their items.",
}
# lineage inside the import: a template lives in template groups, a proxy in a proxy group
INTERNAL_DEPS = {"templates": {"template_groups"}, "proxies": {"proxy_groups"}}


def fetch_zabbix_settings(client: ZabbixClient) -> dict[str, list[dict[str, Any]]]:
    """Every type read once; template interface types from one batched item query."""
    templates = zapi.templates(client)
    types = zapi.template_interface_types(client, templates)
    for template in templates:
        template["interface_type"] = types.get(template["templateid"], "any")
    return {
        "template_groups": zapi.template_groups(client),
        "host_groups": zapi.host_groups(client),
        "proxy_groups": zapi.proxy_groups(client),
        "proxies": zapi.proxies(client),
        "templates": templates,
    }


def import_summary(plans: dict[str, CachePlan]) -> dict[str, Any]:
    data = {key: plans[key].summary() for key in KINDS}
    changed = sum(p["added"] + p["updated"] + p["deleted"] for p in data.values())
    return {"message": f"imported zabbix configuration: {changed} changes", "data": data}


def _output_metadata(kind: CacheKind, frame: pd.DataFrame, plan: CachePlan) -> dict[str, Any]:
    schema = dg.TableSchema(columns=[dg.TableColumn(c, str(frame[c].dtype)) for c in frame.columns])
    preview = frame.head(PREVIEW_ROWS).astype(str)
    counts = plan.summary()
    return {
        "dagster/column_schema": schema,
        "dagster/row_count": len(frame),
        "preview": dg.MetadataValue.table(
            records=[dg.TableRecord(r) for r in preview.to_dict("records")], schema=schema
        ),
        **{k: counts[k] for k in ("added", "updated", "deleted", "unchanged")},
        "added_names": dg.MetadataValue.json(counts["added_names"]),
        "deleted_names": dg.MetadataValue.json(counts["deleted_names"]),
    }


@dg.multi_asset(
    name="zabbix_settings_import",
    outs={
        kind.asset: dg.AssetOut(
            description=DESCRIPTIONS[key],
            io_manager_key=CACHE_IO_MANAGER,
            group_name=GROUP,
            kinds={"zabbix", "pandas"},
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
        )
    },
    internal_asset_deps={
        kind.asset: {dg.AssetKey(KINDS[d].asset) for d in INTERNAL_DEPS.get(key, ())}
        for key, kind in KINDS.items()
    }
    | {CHOICES_ASSET: {dg.AssetKey(kind.asset) for kind in KINDS.values()}},
    can_subset=False,
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
    frames: dict[str, pd.DataFrame] = {}
    with system_job_run(context, store, effective, IMPORT_JOB) as run:
        # inside the run, so that Zabbix failing fails the run with an event-log row too
        remote = fetch_zabbix_settings(zabbix.client())
        now = datetime.now(UTC)
        plans = {
            key: plan_cache(
                key,
                read_cache(run.conn, kind),
                [to_row(kind, obj) for obj in remote[key]],
                max_deletions=effective.max_deletions,
                name_key=kind.name_column,
            )
            for key, kind in KINDS.items()
        }
        for key, kind in KINDS.items():
            apply_plan(run.conn, kind, plans[key], now)
            frames[key] = cache_frame(run.conn, kind)
        # last, still inside the transaction: NetBox failing rolls the cache back with the run
        report = publish_choices(netbox.client(), choice_names(frames))
        run.summary = import_summary(plans)
    context.log.info(run.summary["message"])
    for key, kind in KINDS.items():
        metadata = _output_metadata(kind, frames[key], plans[key])
        yield dg.Output(frames[key], output_name=kind.asset, metadata=metadata)
    for field, entry in report.items():
        counts = {k: len(v) if isinstance(v, list) else v for k, v in entry.items()}
        context.log.info(f"NetBox {field}: {counts}")
    yield dg.Output(
        None,
        output_name=CHOICES_ASSET,
        metadata={k: dg.MetadataValue.json(v) for k, v in report.items()},
    )


def choice_names(frames: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """The cached names NetBox users pick from, per choice source."""
    return {
        "templates": frames["templates"]["host"].tolist(),
        "host_groups": frames["host_groups"]["name"].tolist(),
        "proxies": frames["proxies"]["name"].tolist(),
        "proxy_groups": frames["proxy_groups"]["name"].tolist(),
    }

"""The repair plan as an asset: what the ``reconcile_zabbix_hosts`` job would change in Zabbix.

Downstream of the sync status and the desired state: per host config that is not in sync, one
action, read in names in the materialization's ``plan`` table or with ``nbzbx plan``. Making
the plan reads NetBox and Zabbix and writes only the state store (the plan itself).
"""

import dagster as dg
from pydantic import Field

from nbzbx_dagster.defs.host_sync.events import CONFIGS_ASSET, GROUP, STATUS_ASSET
from nbzbx_dagster.defs.repair.events import PLAN_ASSET, plan_metadata
from nbzbx_dagster.defs.repair.jobs import JOB
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.defs.system_jobs.run_scope import one_line
from nbzbx_dagster.defs.system_jobs.turns import job_turn
from nbzbx_dagster.store.repair_plan import read_plan
from nbzbx_dagster.sync.refresh import load_host_configs
from nbzbx_dagster.sync.repair import plan_server, save_server_plan


class PlanConfig(dg.Config):
    servers: list[str] = Field(
        default_factory=list,
        description="Plan for these Zabbix servers only (their names); empty: every server. "
        "The other servers' stored plans stay as they are.",
    )


@dg.asset(key=PLAN_ASSET, group_name=GROUP, kinds={"zabbix"}, deps=[STATUS_ASSET, CONFIGS_ASSET])
def zabbix_host_plan(
    context: dg.AssetExecutionContext,
    config: PlanConfig,
    netbox: NetBoxResource,
    zabbix: ZabbixResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """The Zabbix changes that would bring every host config in sync: create, update, adopt,
    disable, delete, or blocked with the reason. Stored per server, in one transaction each; a
    server that fails keeps its previous plan, and the run fails naming it."""
    effective = settings.effective()
    store = state_store.open()
    servers = config.servers or effective.server_names
    unknown = sorted(set(servers) - set(effective.server_names))
    if unknown:
        raise dg.Failure(f"no Zabbix server named {', '.join(unknown)}")
    with job_turn(context, store, effective, JOB):
        host_configs = load_host_configs(netbox.client(), store, effective)
        failed = {}
        for server in servers:
            try:
                plan = plan_server(
                    server, host_configs, zabbix.client(server, effective), store, effective
                )
            except Exception as exc:
                failed[server] = one_line(exc)
                continue
            with store.transaction() as conn:
                save_server_plan(conn, server, plan)
        with store.connect() as conn:
            rows = read_plan(conn)
        if failed:
            causes = "; ".join(f"server {s}: {e}" for s, e in failed.items())
            raise dg.Failure(f"no plan for {causes}", metadata=plan_metadata(rows, servers))
        context.log.info(f"zabbix_host_plan: {len(rows)} actions")
        return dg.MaterializeResult(metadata=plan_metadata(rows, effective.server_names))

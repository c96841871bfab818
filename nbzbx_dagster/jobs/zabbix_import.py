"""The ``import_zabbix_settings`` system job: the Zabbix settings assets, their NetBox choices."""

from __future__ import annotations

import dagster as dg

from nbzbx_dagster.assets.zabbix_settings import GROUP, IMPORT_JOB
from nbzbx_dagster.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.scheduling import register_system_job

import_zabbix_settings = register_system_job("zabbix_import_interval")(
    dg.define_asset_job(
        IMPORT_JOB,
        selection=dg.AssetSelection.groups(GROUP),
        description="Import templates, template groups, host groups, proxies and proxy groups from "
        "Zabbix into the cache, and publish them to NetBox as custom-field choices.",
        tags={SYSTEM_JOB_TAG: IMPORT_JOB},
    )
)

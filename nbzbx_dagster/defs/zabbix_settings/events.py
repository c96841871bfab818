"""What Dagster records of an import of Zabbix settings, shared by the partitioned Zabbix
settings assets (one server per run) and the ``import_zabbix_settings`` job (every server in one
run): the asset names, the import of one server inside its run scope, and the metadata."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from nbzbx_dagster.defs.system_jobs.run_scope import RunScope
from nbzbx_dagster.netbox.choices import publish_choices
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store.cache import KINDS, CacheKind
from nbzbx_dagster.store.cache_plan import CachePlan
from nbzbx_dagster.sync.zabbix_import import ServerImport, choice_names, import_server

GROUP = "zabbix_settings"
IMPORT_JOB = "import_zabbix_settings"
CHOICES_ASSET = "netbox_zabbix_choices"
PREVIEW_ROWS = 20
NAMES_SHOWN = 100  # templates named in the dependencies entry; the rest are counted


def import_in_scope(
    run: RunScope,
    server: str,
    zabbix: Any,
    netbox: Any,
    settings: Settings,
    kinds: Sequence[str] = tuple(KINDS),
    publish: bool = True,
) -> tuple[ServerImport, dict[str, Any]]:
    """Import ``kinds`` of ``server`` through the run's transaction (one login; none when no
    kind is asked for), then, with ``publish``, every server's names of those kinds as NetBox
    choices, last and still inside: NetBox failing rolls the cache back with the run."""
    if kinds:
        result = import_server(
            run.conn,
            zabbix(),
            server,
            max_deletions=settings.max_deletions,
            now=datetime.now(UTC),
            kinds=kinds,
        )
    else:
        result = ServerImport(server, {}, {})
    report: dict[str, Any] = {}
    if publish:
        names = choice_names(run.conn, settings.server_names)
        everything = len(kinds) in (0, len(KINDS))  # the choices alone: all of them
        sources = None if everything else {*kinds, "servers"}
        report = publish_choices(netbox(), {**names, "servers": settings.server_names}, sources)
    run.summary = result.summary
    return result, report


def output_metadata(kind: CacheKind, frame: pd.DataFrame, plan: CachePlan) -> dict[str, Any]:
    schema = dg.TableSchema(columns=[dg.TableColumn(c, str(frame[c].dtype)) for c in frame.columns])
    preview = frame.head(PREVIEW_ROWS).astype(str)
    counts = plan.summary()
    metadata: dict[str, Any] = {
        "dagster/column_schema": schema,
        "dagster/row_count": len(frame),
        "preview": dg.MetadataValue.table(
            records=[dg.TableRecord(r) for r in preview.to_dict("records")], schema=schema
        ),
        **{k: counts[k] for k in ("added", "updated", "deleted", "unchanged")},
        "added_names": dg.MetadataValue.json(counts["added_names"]),
        "deleted_names": dg.MetadataValue.json(counts["deleted_names"]),
    }
    if kind.key == "templates":
        metadata["dependencies"] = dg.MetadataValue.json(dependencies(frame))
    return metadata


def dependencies(templates: pd.DataFrame) -> list[str]:
    """The templates whose triggers depend on other templates, in visible names:
    ``"A → B, C"``, sorted, at most ``NAMES_SHOWN`` and a count of the rest."""
    if templates.empty:
        return []
    names = dict(zip(templates["templateid"], templates["name"], strict=True))
    lines = sorted(
        f"{name} → {', '.join(sorted(names.get(d, d) for d in needed))}"
        for name, needed in zip(templates["name"], templates["dependencies"], strict=True)
        if needed
    )
    more = len(lines) - NAMES_SHOWN
    return lines[:NAMES_SHOWN] + ([f"… and {more} more"] if more > 0 else [])


def choices_metadata(report: dict[str, Any]) -> dict[str, Any]:
    return {k: dg.MetadataValue.json(v) for k, v in report.items()}


def materializations(result: ServerImport, report: dict[str, Any]) -> list[dg.AssetMaterialization]:
    """The server's partition of every Zabbix settings asset and of the NetBox choices."""
    events = [
        dg.AssetMaterialization(
            kind.asset,
            partition=result.server,
            metadata=output_metadata(kind, result.frames[key], result.plans[key]),
        )
        for key, kind in KINDS.items()
    ]
    events.append(
        dg.AssetMaterialization(
            CHOICES_ASSET, partition=result.server, metadata=choices_metadata(report)
        )
    )
    return events

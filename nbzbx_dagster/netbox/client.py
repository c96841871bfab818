"""A NetBox REST client: pynetbox with timeouts, TLS settings, strict filters, one error type and
request counts.

pynetbox 7.8 picks the auth header from the token (``nbt_<key>.<secret>`` -> ``Bearer``, else
``Token``). Reads page with ``limit=1000`` and ask only for the needed fields; unknown filter
names are refused (NetBox itself ignores them and returns everything).
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import pynetbox
import requests
from packaging.version import InvalidVersion
from pynetbox.core.query import TOKEN_PREFIX, Request

from nbzbx_dagster.common.http_errors import display_url
from nbzbx_dagster.common.progress import report
from nbzbx_dagster.netbox.errors import NetBoxError, classify

PAGE_SIZE = 1000
# Pages after the first are fetched this many at a time (pynetbox threading for ``objects``; the
# host-config listings share one pool, see ``listings``): a page of 1,000 devices costs NetBox
# about 0.8 s of one worker's CPU, so 10,000 host configs read in about half the time on the
# 2-core lab (measured with 10 pages: 1 -> 7.8 s, 2 -> 3.3 s, 3 -> 4.1 s, 4 -> 4.6 s).
READ_WORKERS = 2
JOURNAL_KINDS = ("info", "success", "warning", "danger")

T = TypeVar("T")
R = TypeVar("R")
_ID_IN_PATH = re.compile(r"/\d+/")
# NetBox 4.7 refuses a whole bulk update when one of its ids has no object (deleted since it was
# read, or hidden from the token): HTTP 400 {"detail": "N of M objects could not be found.",
# "errors": [...]} (netbox/api/viewsets/mixins.py, get_missing_objects_response).
_OBJECTS_NOT_FOUND = re.compile(r"\b\d+ of \d+ objects could not be found\b")


class _Session(requests.Session):
    """A session that applies a default timeout and counts requests per method and path."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.calls: Counter[str] = Counter()
        self._calls_lock = threading.Lock()  # concurrent bulk updates share the session

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self.timeout)
        method_name = method.decode() if isinstance(method, bytes) else method
        path = urlsplit(url.decode() if isinstance(url, bytes) else url).path
        path = _ID_IN_PATH.sub("/{id}/", path)
        with self._calls_lock:
            self.calls[f"{method_name.upper()} {path}"] += 1
        return super().request(method, url, *args, **kwargs)


# Filter names per list path, per (API URL, NetBox version), shared by the clients of a process:
# the full OpenAPI schema is 15 MB and takes NetBox 3-6 s to render.
_FILTER_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {}


class _Api(pynetbox.api):
    """pynetbox's API with a slim, process-wide cache of the schema used by strict filters."""

    netbox_version = ""

    def openapi(self) -> dict[str, Any]:
        key = (self.base_url, self.netbox_version)
        if key not in _FILTER_SCHEMAS:
            full = Request(base=self.base_url, http_session=self.http_session).get_openapi()
            _FILTER_SCHEMAS[key] = {
                "paths": {
                    path: {
                        "get": {
                            "parameters": [
                                {"name": p["name"]} for p in ops["get"].get("parameters", [])
                            ]
                        }
                    }
                    for path, ops in full.get("paths", {}).items()
                    if "get" in ops
                }
            }
        return _FILTER_SCHEMAS[key]


@dataclass(frozen=True)
class Ensured:
    """Outcome of an ``ensure_*`` call."""

    id: int
    action: Literal["created", "updated", "unchanged"]


def _auth_header(token: str) -> str:
    body = token[len(TOKEN_PREFIX) :] if token.startswith(TOKEN_PREFIX) else ""
    return f"Bearer {token}" if "." in body else f"Token {token}"


class NetBoxClient:
    """A checked connection to one NetBox. Build it with :meth:`connect`."""

    def __init__(self, api: _Api, *, url: str, token: str, timeout: float) -> None:
        self._api = api
        self.url = url
        self.timeout = timeout
        # The v2 secret part alone could also show up somewhere: scrub both.
        self._secrets = (token, token.rsplit(".", 1)[-1] if "." in token else None)
        self._status: dict[str, Any] | None = None

    @classmethod
    def connect(
        cls,
        url: str,
        token: str,
        timeout: float = 30,
        verify: bool = True,
        ca_bundle: str | None = None,
        *,
        strict_filters: bool = True,
        session: requests.Session | None = None,
    ) -> NetBoxClient:
        """Connect and check the token with ``GET /api/status/``.

        ``session`` (a requests.Session) lets tests plug in a fake transport; it is wrapped so the
        timeout and the counting still apply.
        """
        shown = display_url(url or "")
        if urlsplit(url or "").scheme not in ("http", "https"):
            raise NetBoxError(shown or "<no url>", "the URL must start with http:// or https://")
        if not token:
            raise NetBoxError(shown, "no API token given")
        if ca_bundle and not os.path.isfile(ca_bundle):
            raise NetBoxError(shown, f"CA bundle {ca_bundle} is not a file")
        http = _Session(timeout)
        if session is not None:
            for prefix, adapter in session.adapters.items():
                http.mount(prefix, adapter)
        http.verify = ca_bundle if (verify and ca_bundle) else verify
        # pynetbox fetches the OpenAPI schema (strict filters) without its token header;
        # NetBox 4 needs one there too, so the session carries it for every request.
        http.headers["Authorization"] = _auth_header(token)
        base = url.rstrip("/")
        base = base[: -len("/api")] if base.endswith("/api") else base
        api = _Api(
            base,
            token=token,
            strict_filters=strict_filters,
            threading=True,
            max_workers=READ_WORKERS,
        )
        api.http_session = http
        client = cls(api, url=shown, token=token, timeout=timeout)
        client.status()
        return client

    # -- plumbing ----------------------------------------------------------------------------

    @property
    def api(self) -> pynetbox.api:
        """The pynetbox API (for lab seeding and one-off calls; errors are not converted)."""
        return self._api

    @property
    def calls(self) -> Counter[str]:
        """Requests sent so far, per ``"<METHOD> <path>"`` (ids folded to ``{id}``)."""
        return self._api.http_session.calls

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except Exception as exc:
            if isinstance(exc, requests.RequestException | InvalidVersion) or type(
                exc
            ).__module__.startswith("pynetbox"):
                raise classify(
                    exc, url=self.url, timeout=self.timeout, secrets=self._secrets
                ) from None
            raise

    def _endpoint(self, name: str) -> Any:
        """``"dcim.devices"`` or ``"dcim/devices"`` -> the pynetbox endpoint."""
        app, _, endpoint = name.replace("/", ".").partition(".")
        if not app or not endpoint:
            raise NetBoxError(self.url, f"endpoint must look like app.endpoint, not {name!r}")
        return getattr(getattr(self._api, app), endpoint.replace("-", "_"))

    def _list(
        self,
        endpoint: str,
        filters: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """All pages of ``endpoint``; ``filters`` are checked by name, ``params`` (fields, ...)
        are passed as they are."""
        filters = dict(filters or {})
        target = self._endpoint(endpoint)

        def fetch() -> list[dict[str, Any]]:
            if self._api.strict_filters and filters:
                target.filter(**filters)  # validates the names against the schema; no request
            query = {**filters, **(params or {})}
            records = target.filter(limit=PAGE_SIZE, strict_filters=False, **query)
            # The raw JSON dicts, without building pynetbox Records.
            rows = []
            for row in records.response:
                rows.append(row)
                if len(rows) % PAGE_SIZE == 0:
                    report(f"NetBox {endpoint}: {len(rows)} read")
            return rows

        rows = self._guard(fetch)
        if not all(isinstance(row, dict) for row in rows):
            raise NetBoxError(self.url, f"not a NetBox API: unexpected answer from {endpoint}")
        return rows

    def listings(
        self,
        reads: Sequence[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
        convert: Callable[[int, dict[str, Any]], R],
    ) -> list[list[R]]:
        """All pages of several listings (endpoint, filters, params), ``convert(i, row)`` of each
        row of the i-th, in id order.

        The first page of each tells its count; then every other page of all of them is fetched
        ``READ_WORKERS`` at a time from one pool, so the last pages of one listing overlap the
        next listing's. Each page is converted as it arrives (the raw JSON is not kept). When a
        count changes during the read (objects added or deleted meanwhile, which shifts the
        offsets), the read starts again, once."""
        for attempt in (1, 2):
            result, stable = self._guard(lambda: self._read_listings(reads, convert))
            if stable or attempt == 2:
                return result
        raise AssertionError("unreachable")

    def _read_listings(
        self,
        reads: Sequence[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
        convert: Callable[[int, dict[str, Any]], R],
    ) -> tuple[list[list[R]], bool]:
        targets = []
        for endpoint, filters, _ in reads:
            target = self._endpoint(endpoint)
            if self._api.strict_filters and filters:
                target.filter(**filters)  # validates the names against the schema; no request
            targets.append(target)

        def page(i: int, offset: int) -> tuple[list[R], int]:
            _, filters, params = reads[i]
            query = {**(filters or {}), **(params or {}), "ordering": "id"}
            records = targets[i].filter(
                limit=PAGE_SIZE, offset=offset, strict_filters=False, **query
            )
            rows = list(records.response)
            if not all(isinstance(row, dict) for row in rows):
                raise NetBoxError(
                    self.url, f"not a NetBox API: unexpected answer from {reads[i][0]}"
                )
            report(f"NetBox {reads[i][0]}: {offset + len(rows)} read")
            return [convert(i, row) for row in rows], int(records.request.count or 0)

        with ThreadPoolExecutor(READ_WORKERS) as pool:
            firsts = [f.result() for f in [pool.submit(page, i, 0) for i in range(len(reads))]]
            rest = {
                (i, offset): pool.submit(page, i, offset)
                for i, (_, count) in enumerate(firsts)
                for offset in range(PAGE_SIZE, count, PAGE_SIZE)
            }
            pages = {key: future.result() for key, future in rest.items()}
        result, stable = [], True
        for i, (rows, count) in enumerate(firsts):
            listing = list(rows)
            for offset in range(PAGE_SIZE, count, PAGE_SIZE):
                more, seen = pages[(i, offset)]
                listing.extend(more)
                stable = stable and seen == count
            result.append(listing)
        return result, stable

    def page(
        self, endpoint: str, params: Mapping[str, Any], limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """One request: the first ``limit`` rows of ``endpoint`` with ``params`` (the project's
        own, passed unchecked), and the count of all that match."""

        def fetch() -> tuple[list[dict[str, Any]], int]:
            records = self._endpoint(endpoint).filter(
                limit=limit, offset=0, strict_filters=False, **params
            )
            rows = list(records.response)
            return rows, int(records.request.count or 0)

        rows, count = self._guard(fetch)
        if not all(isinstance(row, dict) for row in rows):
            raise NetBoxError(self.url, f"not a NetBox API: unexpected answer from {endpoint}")
        return rows, count

    # -- reads -------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """``GET /api/status/``: netbox-version, django-version, plugins, ..."""
        status = self._guard(self._api.status)
        if not isinstance(status, dict) or "netbox-version" not in status:
            raise NetBoxError(self.url, "not a NetBox API: /api/status/ has no netbox-version")
        self._status = status
        self._api.netbox_version = str(status["netbox-version"])
        return status

    @property
    def version(self) -> str:
        """The NetBox version, e.g. ``"4.7.3"`` (read once at connect)."""
        return str((self._status or self.status())["netbox-version"])

    def devices(
        self,
        filters: Mapping[str, Any] | None = None,
        fields: Sequence[str] | None = None,
        *,
        known: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Devices matching ``filters`` and ``known``, only ``fields`` of each (all when None).

        ``known`` filters are the project's own, whose names it knows NetBox has: they are not
        checked against the schema, which NetBox takes seconds to render."""
        return self._list("dcim.devices", filters, {**field_params(fields), **(known or {})})

    def virtual_machines(
        self,
        filters: Mapping[str, Any] | None = None,
        fields: Sequence[str] | None = None,
        *,
        known: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Virtual machines matching ``filters`` and ``known``, only ``fields`` of each."""
        return self._list(
            "virtualization.virtual_machines", filters, {**field_params(fields), **(known or {})}
        )

    def objects(
        self, endpoint: str, filters: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Any list endpoint (``"extras.custom_fields"``, ...), all pages."""
        return self._list(endpoint, filters)

    # -- writes ------------------------------------------------------------------------------

    def ensure_choice_set(
        self,
        name: str,
        choices: Iterable[str | tuple[str, str]],
        description: str = "",
        **extra: Any,
    ) -> Ensured:
        """Create or update the custom-field choice set ``name`` to exactly ``choices``.

        A choice is a value, or a (value, label) pair; ``extra``: other choice-set attributes
        such as ``order_alphabetically``.
        """
        wanted = [[c, c] if isinstance(c, str) else [c[0], c[1]] for c in choices]
        desired = {"name": name, "extra_choices": wanted, "description": description, **extra}
        return self._ensure("extras.custom_field_choice_sets", name, desired)

    def ensure_custom_field(
        self,
        name: str,
        *,
        object_types: Sequence[str],
        type: str = "text",
        label: str = "",
        description: str = "",
        choice_set: int | None = None,
        **extra: Any,
    ) -> Ensured:
        """Create or update the custom field ``name`` (object_types like ``"dcim.device"``;
        ``choice_set`` is a choice set id, for select types; ``extra``: other custom-field
        attributes such as ``group_name`` or ``filter_logic``)."""
        desired: dict[str, Any] = {
            "name": name,
            "object_types": sorted(object_types),
            "type": type,
            "label": label,
            "description": description,
            **extra,
        }
        if choice_set is not None:
            desired["choice_set"] = int(choice_set)
        return self._ensure("extras.custom_fields", name, desired)

    def _ensure(self, endpoint: str, name: str, desired: Mapping[str, Any]) -> Ensured:
        target = self._endpoint(endpoint)
        found = self._list(endpoint, {"name": name})
        if not found:
            created = self._guard(lambda: target.create(dict(desired)))
            return Ensured(int(created.id), "created")
        current = found[0]
        changes = {k: v for k, v in desired.items() if _comparable(current.get(k)) != v}
        if not changes:
            return Ensured(int(current["id"]), "unchanged")
        self._guard(lambda: target.update([{"id": current["id"], **changes}]))
        return Ensured(int(current["id"]), "updated")

    def bulk_update(
        self,
        endpoint: str,
        rows: Sequence[Mapping[str, Any]],
        batch: int = 250,
        workers: int = 1,
        *,
        gone: list[int] | None = None,
    ) -> int:
        """PATCH ``rows`` (``{"id": ..., field: value}``) in batches; returns how many were written.

        Each batch is all-or-nothing in NetBox. ``workers`` batches are sent at a time: NetBox
        validates and logs each object in one worker process, so a second concurrent request
        about doubles the write rate of a NetBox with two or more workers and cores.

        NetBox also refuses a batch when one of its objects is gone (deleted since it was read).
        With ``gone``, such a batch is sent again, once, without the rows whose object one read
        of their ids no longer finds, and those ids are appended to ``gone``; without it, the
        batch fails like any other.
        """
        target = self._endpoint(endpoint)
        for row in rows:
            if "id" not in row:
                raise NetBoxError(self.url, f"bulk update of {endpoint}: a row has no id")

        def patch(part: Sequence[Mapping[str, Any]]) -> None:
            self._guard(lambda: target.update([dict(r) for r in part]))

        def send(part: Sequence[Mapping[str, Any]]) -> list[int]:
            """The ids of ``part`` skipped because their object is gone."""
            try:
                patch(part)
                return []
            except NetBoxError as exc:
                if gone is None or exc.status != 400 or not _OBJECTS_NOT_FOUND.search(exc.cause):
                    raise
            ids = [int(r["id"]) for r in part]
            found = {int(o["id"]) for o in self._list(endpoint, None, {"id": ids, "brief": 1})}
            left = [r for r in part if int(r["id"]) in found]
            if left:
                patch(left)
            return [i for i in ids if i not in found]

        parts = list(_batches(rows, batch))
        if workers <= 1 or len(parts) <= 1:
            skipped = [send(part) for part in parts]
        else:
            with ThreadPoolExecutor(min(workers, len(parts))) as pool:
                skipped = [future.result() for future in [pool.submit(send, p) for p in parts]]
        missing = [i for ids in skipped for i in ids]
        if gone is not None:
            gone.extend(missing)
        return len(rows) - len(missing)

    def journal(self, object_type: str, object_id: int, kind: str, comments: str) -> int:
        """Add a journal entry to ``dcim.device`` or ``virtualization.virtualmachine`` object."""
        if kind not in JOURNAL_KINDS:
            raise NetBoxError(self.url, f"journal kind must be one of {', '.join(JOURNAL_KINDS)}")
        entry = self._guard(
            lambda: self._api.extras.journal_entries.create(
                assigned_object_type=object_type,
                assigned_object_id=int(object_id),
                kind=kind,
                comments=comments,
            )
        )
        return int(entry.id)

    def journal_many(self, entries: Sequence[Mapping[str, Any]]) -> int:
        """Add journal entries (``object_type``, ``object_id``, ``kind``, ``comments``) in one
        bulk POST: NetBox creates them all or none."""
        for entry in entries:
            if entry["kind"] not in JOURNAL_KINDS:
                raise NetBoxError(
                    self.url, f"journal kind must be one of {', '.join(JOURNAL_KINDS)}"
                )
        rows = [
            {
                "assigned_object_type": e["object_type"],
                "assigned_object_id": int(e["object_id"]),
                "kind": e["kind"],
                "comments": e["comments"],
            }
            for e in entries
        ]
        self._guard(lambda: self._api.extras.journal_entries.create(rows))
        return len(rows)

    def __repr__(self) -> str:
        return f"NetBoxClient({self.url!r})"


def field_params(fields: Sequence[str] | None) -> dict[str, str]:
    """Only the needed fields; never the (large, per-object computed) config context."""
    params = {"exclude": "config_context"}
    if fields:
        params["fields"] = ",".join(fields)
    return params


def _comparable(value: Any) -> Any:
    """NetBox answers choice values as {value, label} and related objects as {id, ...}."""
    if isinstance(value, dict):
        if "value" in value:
            return value["value"]
        if "id" in value:
            return value["id"]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(value)
    return value


def _batches(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]

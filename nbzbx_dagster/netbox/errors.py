"""One exception type for NetBox failures: ``NetBox at <url>: <cause>``, one line, no token."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from packaging.version import InvalidVersion
from pynetbox.core.query import ContentError, ParameterValidationError, RequestError

from nbzbx_dagster.common.http_errors import scrub, transport_cause

__all__ = ["NetBoxError", "classify"]

_UNKNOWN_FILTER = re.compile(r"'([^']+)' is not allowed as parameter on path '([^']+)'")


class NetBoxError(Exception):
    """A failed NetBox request. ``status`` is the HTTP status when there was one."""

    def __init__(self, url: str, cause: str, *, status: int | None = None) -> None:
        self.url = url
        self.cause = cause
        self.status = status
        super().__init__(f"NetBox at {url}: {cause}")


def _path(url: str | None) -> str:
    path = urlsplit(url or "").path
    return re.sub(r"/\d+/", "/{id}/", path)


def _detail(response: requests.Response) -> str:
    """NetBox's error text (``detail`` or the field errors), compact."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])
    return json.dumps(body, separators=(",", ":"))


def classify(
    exc: BaseException, *, url: str, timeout: float | None, secrets: Iterable[str | None]
) -> NetBoxError:
    """Turn a pynetbox or requests exception into a NetBoxError."""
    secrets = list(secrets)
    if isinstance(exc, NetBoxError):
        return exc
    if isinstance(exc, ParameterValidationError):
        found = _UNKNOWN_FILTER.findall(str(exc.args[0] if exc.args else ""))
        if found:
            names = ", ".join(sorted({name for name, _ in found}))
            return NetBoxError(url, scrub(f"unknown filter {names} on {found[0][1]}", secrets))
        return NetBoxError(url, scrub(f"filter check failed: {exc.error}", secrets))
    if isinstance(exc, ContentError):
        return NetBoxError(url, f"not a NetBox API: the answer to {_path(exc.base)} is not JSON")
    if isinstance(exc, RequestError):
        response = exc.req
        status = response.status_code
        where = f"{response.request.method} {_path(response.url)}"
        detail = scrub(_detail(response), secrets)
        if status in (401, 403):
            cause = f"HTTP {status}: token rejected ({detail or 'no detail'}) on {where}"
        elif status == 404:
            cause = f"HTTP 404: {where} not found (is this a NetBox API URL?)"
        elif not (response.text or "").strip():
            cause = f"HTTP {status} with an empty body on {where}"
        elif detail:
            cause = f"HTTP {status} on {where}: {detail}"
        else:
            cause = f"HTTP {status} on {where} (not a NetBox API answer)"
        return NetBoxError(url, cause, status=status)
    if isinstance(exc, requests.exceptions.InvalidJSONError | InvalidVersion):
        return NetBoxError(url, "not a NetBox API: an answer is not JSON or has no API version")
    if isinstance(exc, requests.RequestException):
        return NetBoxError(url, scrub(transport_cause(exc, timeout), secrets))
    return NetBoxError(url, scrub(f"{type(exc).__name__}: {exc}", secrets))

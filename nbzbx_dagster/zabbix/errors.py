"""One exception type for everything that can go wrong talking to Zabbix.

Callers (assets, jobs, the CLI) show ``str(error)`` as is, so the message is one line that names the
server and the cause, and never carries a token, password or session id.
"""

from __future__ import annotations

from collections.abc import Iterable

import requests
from pyzabbix import ZabbixAPIException

from nbzbx_dagster.common.http_errors import scrub, transport_cause

# Zabbix answers with these texts when the session id or API token is not (or no longer) valid.
AUTH_FAILURE_TEXTS = ("Not authorized.", "Session terminated, re-login, please.")
# Texts of errors that mean "the object is not there (or invisible to this user)".
NOT_FOUND_TEXTS = ("No permissions to referred object or it does not exist", "does not exist")


class ZabbixError(Exception):
    """A failed Zabbix request, as one readable line: ``Zabbix at <url>: <cause>``.

    ``kind`` says what failed: ``transport`` (unreachable, timeout, TLS), ``http`` (an HTTP error
    status), ``protocol`` (not a Zabbix API answer), ``auth``, ``api`` (a JSON-RPC error of one
    method) or ``usage`` (refused before asking Zabbix: bad input or unsupported by the version).
    """

    def __init__(
        self,
        url: str,
        cause: str,
        *,
        kind: str = "usage",
        code: int | None = None,
        data: str | None = None,
    ) -> None:
        self.url = url
        self.cause = cause
        self.kind = kind
        self.code = code
        self.data = data
        super().__init__(f"Zabbix at {url}: {cause}")

    @property
    def is_not_found(self) -> bool:
        """True when Zabbix said the referred object does not exist (or is not visible)."""
        return any(text in (self.data or "") for text in NOT_FOUND_TEXTS)


def is_transient(exc: BaseException) -> bool:
    """Errors worth a retry: a reset connection or a 502/503/504 from a proxy in front."""
    if isinstance(exc, requests.HTTPError):
        return exc.response is not None and exc.response.status_code in (502, 503, 504)
    if isinstance(exc, requests.exceptions.ConnectionError) and not isinstance(
        exc, requests.exceptions.SSLError
    ):
        return transport_cause(exc, None) == "connection reset by the server"
    return False


def classify(
    exc: BaseException,
    *,
    url: str,
    method: str,
    timeout: float | None,
    secrets: Iterable[str | None],
) -> ZabbixError:
    """Turn any exception from pyzabbix/requests during ``method`` into a ZabbixError."""
    secrets = list(secrets)
    if isinstance(exc, ZabbixError):
        return exc
    if isinstance(exc, requests.HTTPError):
        response = exc.response
        status = response.status_code if response is not None else "?"
        body = (response.text or "").strip() if response is not None else ""
        what = "with an empty body" if not body else "(not a Zabbix API answer)"
        return ZabbixError(url, f"HTTP {status} {what} on {method}", kind="http")
    if isinstance(exc, requests.RequestException):
        return ZabbixError(url, scrub(transport_cause(exc, timeout), secrets), kind="transport")
    if isinstance(exc, ZabbixAPIException):
        error = exc.error if isinstance(exc.error, dict) else None
        if error is None:
            text = str(exc)
            if text.startswith("Received empty response"):
                return ZabbixError(
                    url, f"not a Zabbix API: empty answer to {method}", kind="protocol"
                )
            return ZabbixError(
                url, f"not a Zabbix API: the answer to {method} is not JSON", kind="protocol"
            )
        code = error.get("code")
        data = scrub(str(error.get("data", "")), secrets)
        message = scrub(str(error.get("message", "")), secrets)
        if method == "user.login" or data in AUTH_FAILURE_TEXTS:
            return ZabbixError(
                url, f"authentication failed: {data or message}", kind="auth", code=code, data=data
            )
        return ZabbixError(
            url,
            f"API error in {method}: {code} {message} {data}".rstrip(),
            kind="api",
            code=code,
            data=data,
        )
    if isinstance(exc, ValueError | KeyError | TypeError):
        return ZabbixError(url, f"not a Zabbix API: unexpected answer to {method}", kind="protocol")
    return ZabbixError(
        url, scrub(f"{type(exc).__name__} during {method}: {exc}", secrets), kind="transport"
    )

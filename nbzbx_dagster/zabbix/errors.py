"""One exception type for everything that can go wrong talking to Zabbix.

Callers (assets, jobs, the CLI) show ``str(error)`` as is, so the message is one line that names the
server and the cause, and never carries a token, password or session id.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import requests
from pyzabbix import ZabbixAPIException

# Zabbix answers with these texts when the session id or API token is not (or no longer) valid.
AUTH_FAILURE_TEXTS = ("Not authorized.", "Session terminated, re-login, please.")
# Texts of errors that mean "the object is not there (or invisible to this user)".
NOT_FOUND_TEXTS = ("No permissions to referred object or it does not exist", "does not exist")

_MAX_DETAIL = 300


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

    @property
    def is_auth_failure(self) -> bool:
        return self.kind == "auth"


def display_url(url: str) -> str:
    """The URL without user:password@ and without a trailing slash, fit for messages."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret in ``text`` with ``***`` and squash it to one short line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 3] + "..."


def _root_causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from or wraps (urllib3 hides causes in args)."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        for nxt in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
        todo.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return seen


def transport_cause(exc: requests.RequestException, timeout: float | None) -> str:
    """Classify a requests exception (shared with the NetBox layer): unreachable, timeout, TLS."""
    causes = _root_causes(exc)
    if isinstance(exc, requests.exceptions.SSLError) or any(
        isinstance(c, ssl.SSLError) for c in causes
    ):
        reason = next((c for c in causes if isinstance(c, ssl.SSLError)), exc)
        detail = getattr(reason, "verify_message", None) or getattr(reason, "reason", None)
        return f"TLS failure: {detail or type(reason).__name__}"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"timed out after {timeout:g}s" if timeout else "timed out"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "unreachable: connection refused"
    if any(isinstance(c, socket.gaierror) for c in causes) or "NameResolution" in repr(exc):
        return "unreachable: host name does not resolve"
    if any(isinstance(c, ConnectionResetError) for c in causes) or "RemoteDisconnected" in repr(
        exc
    ):
        return "connection reset by the server"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "unreachable: " + (type(causes[-1]).__name__ if causes else "connection error")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "invalid URL"
    return type(exc).__name__


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

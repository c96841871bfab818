"""What the NetBox and Zabbix layers share when an HTTP request fails: a URL fit for messages,
secrets scrubbed from any text, and the transport cause (unreachable, timeout, TLS) in words."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import requests

_MAX_DETAIL = 300


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
    """Classify a requests exception: unreachable, timeout, TLS."""
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

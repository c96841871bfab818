"""A connected Zabbix API client: one version read, one login, one error type, call counts.

pyzabbix 1.3.1 does the JSON-RPC; this wrapper adds what it lacks: timeouts and TLS settings
through a ``requests.Session``, a single ``apiinfo.version`` (pyzabbix's ``login`` would read it
again), conversion of every failure to :class:`ZabbixError`, retries for transient HTTP errors,
and per-method call counts for benchmarks. pyzabbix's context manager is never used: it swallows
exceptions.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import requests
from packaging.version import Version
from pyzabbix import ZabbixAPI

from nbzbx_dagster.common.http_errors import display_url
from nbzbx_dagster.zabbix.capabilities import UnsupportedVersion, ZabbixVersion
from nbzbx_dagster.zabbix.errors import ZabbixError, classify, is_transient

log = logging.getLogger(__name__)

MAX_RETRIES = 2


class _NoPayloadLogs(logging.Filter):
    """pyzabbix logs whole requests and answers at DEBUG (passwords, tokens, session ids)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Sending", "Response Body"))


logging.getLogger("pyzabbix.api").addFilter(_NoPayloadLogs())


class ZabbixClient:
    """A logged-in Zabbix API client. Build it with :meth:`connect`."""

    def __init__(
        self,
        api: ZabbixAPI,
        *,
        url: str,
        version: ZabbixVersion,
        timeout: float,
        secrets: tuple[str, ...],
        uses_password: bool,
        retry_backoff: float = 0.5,
    ) -> None:
        self._api = api
        self.url = url
        self.zabbix_version = version
        self.timeout = timeout
        self._secrets = secrets
        self._uses_password = uses_password
        self.retry_backoff = retry_backoff
        self.calls: Counter[str] = Counter()
        self._calls_lock = threading.Lock()  # concurrent host.get batches share the client

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        token: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        verify: bool = True,
        ca_bundle: str | None = None,
        session: requests.Session | None = None,
        retry_backoff: float = 0.5,
    ) -> ZabbixClient:
        """Read the version once and log in once (API token, or user and password).

        ``url`` is the frontend base URL or the full ``.../api_jsonrpc.php`` URL. ``session``
        lets tests plug in a fake transport.
        """
        shown = display_url(url or "")
        if urlsplit(url or "").scheme not in ("http", "https"):
            raise ZabbixError(shown or "<no url>", "the URL must start with http:// or https://")
        if not token and not (user and password):
            raise ZabbixError(shown, "no credentials: give an API token, or a user and a password")
        if ca_bundle and not os.path.isfile(ca_bundle):
            raise ZabbixError(shown, f"CA bundle {ca_bundle} is not a file")

        session = session or requests.Session()
        session.verify = ca_bundle if (verify and ca_bundle) else verify
        api = ZabbixAPI(url, session=session, timeout=timeout, detect_version=False)
        client = cls(
            api,
            url=shown,
            version=ZabbixVersion((0, 0, 0)),
            timeout=timeout,
            secrets=tuple(s for s in (token, password) if s),
            uses_password=not token,
            retry_backoff=retry_backoff,
        )
        client._handshake(token=token, user=user, password=password)
        return client

    def _handshake(self, *, token: str | None, user: str | None, password: str | None) -> None:
        raw = self.call("apiinfo.version")
        try:
            self.zabbix_version = ZabbixVersion.from_string(str(raw))
        except UnsupportedVersion as exc:
            raise ZabbixError(self.url, str(exc)) from None
        except ValueError:
            raise ZabbixError(
                self.url, "not a Zabbix API: apiinfo.version gave no version", kind="protocol"
            ) from None
        # pyzabbix sends the Bearer header when this is >= 6.4.0, else body "auth" (which 7.2
        # refuses): give it the release numbers, so that a pre-release such as 6.4.0rc1 counts
        # as its release, as uses_bearer_header does.
        self._api.version = Version(self.zabbix_version.release)
        if token:
            self._guarded("login", lambda: self._api.login(api_token=token))
            # A token is not checked until it is used: use it once so a bad one fails here.
            try:
                self.call("user.get", {"output": ["userid"], "limit": 1})
            except ZabbixError as exc:
                raise self._token_refused(exc) from None
        else:
            self._guarded("user.login", lambda: self._api.login(user=user, password=password))
            self.calls["user.login"] += 1
            self._secrets = (*self._secrets, self._api.auth)
        log.info("connected to Zabbix %s at %s", self.zabbix_version, self.url)

    def _token_refused(self, exc: ZabbixError) -> ZabbixError:
        """A refused token, with its likely causes where the token travels in a header: a web
        server in front of PHP (Apache with php-fpm) may drop it, and Zabbix then answers "Not
        authorized." to a token that is good."""
        if exc.kind != "auth" or not self.zabbix_version.uses_bearer_header:
            return exc
        return ZabbixError(
            self.url,
            f"{exc.cause}: the API token is wrong, expired or disabled, or the web server in "
            f"front of Zabbix {self.zabbix_version} dropped the Authorization header the token "
            "travels in (Apache with php-fpm does by default): pass the header through to PHP "
            '(Apache: CGIPassAuth On, or SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1)',
            kind="auth",
            code=exc.code,
            data=exc.data,
        )

    @property
    def version(self) -> tuple[int, int, int]:
        return self.zabbix_version.version

    @property
    def version_str(self) -> str:
        return str(self.zabbix_version)

    def call(self, method: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
        """Run one API method and return its ``result``; any failure becomes a ZabbixError."""
        with self._calls_lock:
            self.calls[method] += 1
        attempt = 0
        while True:
            try:
                response = self._api.do_request(method, params)
                return response["result"]
            except Exception as exc:
                if attempt < MAX_RETRIES and is_transient(exc):
                    attempt += 1
                    delay = self.retry_backoff * 2 ** (attempt - 1)
                    log.warning(
                        "Zabbix %s: transient error on %s, retry %d in %.1fs",
                        self.url,
                        method,
                        attempt,
                        delay,
                    )
                    time.sleep(delay)
                    continue
                raise self._error(exc, method) from None

    def _guarded(self, method: str, action: Any) -> Any:
        try:
            return action()
        except Exception as exc:
            raise self._error(exc, method) from None

    def _error(self, exc: BaseException, method: str) -> ZabbixError:
        return classify(
            exc, url=self.url, method=method, timeout=self.timeout, secrets=self._secrets
        )

    def close(self) -> None:
        """Log out a password session (tokens need none). Safe to call twice."""
        if self._uses_password and self._api.auth:
            try:
                self.call("user.logout", [])
            finally:
                self._api.auth = ""

    def __repr__(self) -> str:
        return f"ZabbixClient({self.url!r}, version={self.version_str})"

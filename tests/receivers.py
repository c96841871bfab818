"""Real receivers for the notification tests, on 127.0.0.1: an SMTP server (aiosmtpd) and an
HTTP server (http.server) that record what reached them. Either can be stopped and started again
on its port, to play a target that is down."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Post:
    path: str
    body: dict[str, Any]


class WebhookReceiver:
    """Records each POST's path and JSON body; answers ``status``."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.status = 200
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.posts.append(Post(self.path, json.loads(self.rfile.read(length))))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                """Quiet: the tests read ``posts``."""

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, secret: str = "T000/B000/SECRETxyz") -> str:
        """A Slack-like URL whose path is its secret."""
        return f"http://127.0.0.1:{self.port}/hooks/{secret}"

    @property
    def texts(self) -> list[str]:
        return [p.body["text"] for p in self.posts]


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    subject: str
    body: str


@dataclass
class _Handler:
    mails: list[Mail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content)
        payload = parsed.get_payload(decode=True)
        self.mails.append(
            Mail(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                str(parsed["Subject"]),
                payload.decode() if isinstance(payload, bytes) else str(payload),
            )
        )
        return "250 OK"


class SmtpReceiver:
    """An SMTP server; with ``password`` set it takes AUTH LOGIN/PLAIN for ``user`` only."""

    def __init__(self, user: str = "nbzbx", password: str | None = None) -> None:
        self.handler = _Handler()
        self.user, self.password = user, password
        self.port = 0
        self._controller: Controller | None = None

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.user
            and data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        auth: dict[str, Any] = {}
        if self.password is not None:
            auth = {"authenticator": self._authenticate, "auth_require_tls": False}
        self.port = self.port or free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **auth)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def mails(self) -> list[Mail]:
        return self.handler.mails

"""An HTTP relay in front of a lab service that can be healthy, refused, slow, or answer 500."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

MODES = ("healthy", "refused", "slow", "http500")
FORWARDED = ("content-type", "authorization", "accept")
# set by the relay itself, or not true of the decoded body it sends on
NOT_RETURNED = ("content-length", "content-encoding", "transfer-encoding", "connection")


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (its timeout, a killed run) is part of the test, not an error."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class ChaosRelay:
    """Forwards every request to ``target`` (a base URL) as ``mode`` says, on 127.0.0.1 only;
    ``refused`` closes the listening socket, so connections are refused, not dropped."""

    def __init__(
        self, target: str, slow_seconds: float = 3.0, forwarded: tuple[str, ...] = FORWARDED
    ) -> None:
        self.target = target.rstrip("/")
        self.slow_seconds = slow_seconds
        self.forwarded = forwarded
        self.mode = "healthy"
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_mode(self, mode: str) -> None:
        assert mode in MODES, mode
        with self._lock:
            self.mode = mode
            if mode == "refused":
                self._close()
            elif self._server is None:
                self._open()

    def __enter__(self) -> "ChaosRelay":
        with self._lock:
            self._open()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._close()

    def _open(self) -> None:
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                if relay.mode == "slow":
                    time.sleep(relay.slow_seconds)
                if relay.mode == "http500":
                    self._answer(
                        500, b"relay: internal server error", {"Content-Type": "text/plain"}
                    )
                    return
                answer = requests.request(
                    self.command,
                    relay.target + self.path,
                    data=body or None,
                    headers={k: v for k, v in self.headers.items() if k.lower() in relay.forwarded},
                    timeout=60,
                )
                headers = {k: v for k, v in answer.headers.items() if k.lower() not in NOT_RETURNED}
                self._answer(answer.status_code, answer.content, headers)

            def _answer(self, status: int, content: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():  # NetBox's API-Version among them
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _relay

            def log_message(self, *args: Any) -> None:
                pass

        server = QuietServer(("127.0.0.1", self.port), Handler)
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server

    def _close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

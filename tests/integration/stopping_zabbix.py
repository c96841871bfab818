"""A Zabbix that stops in the middle of a run: an HTTP relay in front of a lab Zabbix."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


class StoppingZabbix:
    """An HTTP proxy in front of the lab Zabbix that forwards ``limit`` requests, then drops
    every connection without an answer, as a Zabbix stopping in the middle of a run would."""

    def __init__(self, target: str, limit: int) -> None:
        self.target = target
        self.limit = limit
        self.forwarded: list[str] = []
        self.dropped: list[str] = []
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                method = json.loads(body).get("method", "?")
                with lock:
                    forward = len(outer.forwarded) < outer.limit
                    (outer.forwarded if forward else outer.dropped).append(method)
                if not forward:
                    self.close_connection = True
                    return
                answer = requests.post(
                    outer.target,
                    data=body,
                    headers={
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() in ("content-type", "authorization")
                    },
                    timeout=30,
                )
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api_jsonrpc.php"

    def __enter__(self) -> "StoppingZabbix":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

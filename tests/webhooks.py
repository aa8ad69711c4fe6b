"""A local group-robot server for the tests (no internet): it records every call as 企业微信 or
钉钉 would receive it, checks DingTalk's signature, and can fail a delivery's first calls or hold
its answer (the crash window of a worker killed after the robot took the message)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Call:
    path: str
    delivery: str
    body: dict[str, Any]
    at: float
    signed_ok: bool | None


@dataclass
class RobotServer:
    """`fail_first`: calls per delivery answered with an error before one succeeds; `errcode`
    answers HTTP 200 with that errcode instead of HTTP 500; `delay`: seconds to hold each
    answer; `secrets`: path → DingTalk secret whose signature is checked."""

    fail_first: int = 0
    errcode: bool = False
    delay: float = 0.0
    secrets: dict[str, str] = field(default_factory=dict)
    # Paths answered 404 (a robot deleted in the group).
    gone: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    failures: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def deliveries(self) -> Counter[str]:
        """Successful calls by X-Tracker-Delivery."""
        with self.lock:
            return Counter(call.delivery for call in self.calls)

    def paths(self) -> set[str]:
        with self.lock:
            return {call.path for call in self.calls}


def _verify(secret: str, query: dict[str, list[str]]) -> bool:
    timestamp = query.get("timestamp", [""])[0]
    sign = query.get("sign", [""])[0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3_600_000
    return fresh and hmac.compare_digest(sign, expected)


def _handler(robot: RobotServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            parsed = urlparse(self.path)
            if parsed.path in robot.gone:
                self.send_response(404)
                self.end_headers()
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            secret = robot.secrets.get(parsed.path)
            signed_ok = _verify(secret, parse_qs(parsed.query)) if secret else None
            call = Call(
                parsed.path,
                self.headers.get("X-Tracker-Delivery", ""),
                body,
                time.monotonic(),
                signed_ok,
            )
            with robot.lock:
                earlier = sum(
                    1 for f in robot.failures if f.delivery == call.delivery and f.path == call.path
                )
                fail = earlier < robot.fail_first or signed_ok is False
                (robot.failures if fail else robot.calls).append(call)
            if robot.delay and not fail:
                time.sleep(robot.delay)
            if fail and not robot.errcode:
                self.send_response(500)
                self.end_headers()
                return
            answer = {
                "errcode": 310000 if fail else 0,
                "errmsg": "sign not match" if fail else "ok",
            }
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def robot_server(robot: RobotServer, port: int = 0) -> Iterator[RobotServer]:
    server = ThreadingHTTPServer(("127.0.0.1", port or robot.port), _handler(robot))
    robot.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield robot
    finally:
        server.shutdown()
        server.server_close()

"""Shared test data for the review tests: the draft with one QC error, and a plain HTTP client."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass

from pipeline.subtitles.cue import Cue

# One cue breaks a QC error rule (line_length: 20 characters on a line), one is markup that must
# stay text.
DRAFT = (
    Cue(0, 1500, ("我是王建华",)),
    Cue(1600, 2600, ("这一行字幕写得实在太长太长超过了十六个字",)),
    Cue(2700, 3900, ("<script>alert(1)</script>",)),
)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Client:
    """Plain http.client requests, so tests control every header (Host included)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self,
        method: str,
        path: str,
        body=None,
        *,
        headers=None,
        host: str | None = None,
        content_type: str | None = "application/json",
    ) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
            data = b""
            if body is not None:
                data = (
                    body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
                )
                if content_type:
                    conn.putheader("Content-Type", content_type)
            if method == "POST":
                conn.putheader("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                conn.putheader(key, value)
            conn.endheaders(data or None)
            response = conn.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body, **kwargs) -> Answer:
        return self.request("POST", path, body, **kwargs)

    def wait_for_proxy(self, clip_id: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.get(f"/api/clips/{clip_id}/proxy").json()
            if state["state"] == "ready":
                return
            assert state["state"] != "failed", state["message"]
            time.sleep(0.1)
        raise AssertionError(f"proxy of {clip_id} not ready after {timeout} s")

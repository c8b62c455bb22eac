"""The review server: a small threaded HTTP server on loopback, for one project.

Standard library only (`http.server`): the page is a handful of static files and a JSON API,
and nothing here needs more. Safe by default: it listens on 127.0.0.1, answers only requests
whose Host header names this server (a web page on another site cannot reach it through DNS
rebinding), and the browser never names a file: clips are looked up in the footage index.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError
from pipeline.i18n import _
from pipeline.project.model import load_project
from pipeline.review.handler import ReviewHandler, ReviewSite
from pipeline.review.proxy import ProxyMaker
from pipeline.subtitles.store import interview_clip_ids

log = logging.getLogger("pipeline.review")

LOOPBACK = "127.0.0.1"
_LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")


class ReviewServerError(PipelineError):
    """The review server cannot start."""


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open keep-alive connection must not hold up Ctrl-C

    def __init__(self, project_root: Path, host: str = LOOPBACK, port: int = 0) -> None:
        self.project_root = project_root.resolve()
        self.edit_lock = threading.Lock()  # saves and approvals of this project, one at a time
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.bound_host = host
        try:
            super().__init__((host, port), ReviewHandler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ReviewServerError(
                    _(
                        "port {port} on {host} is already in use; choose another with --port, or leave --port out to get a free one"
                    ).format(port=port, host=host)
                ) from None
            raise ReviewServerError(
                _(
                    "cannot listen on {host}:{port} ({problem}); check --host (leave it out for this computer only)"
                ).format(host=host, port=port, problem=exc.strerror or exc)
            ) from None
        self.proxies = ProxyMaker(self.project_root)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        host = self.bound_host
        if _is_wildcard(host) or host == "localhost":
            host = LOOPBACK
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    @property
    def loopback_only(self) -> bool:
        return _is_loopback(self.bound_host)

    def host_allowed(self, header: str | None) -> bool:
        """True when a request's Host (or an Origin's host part) names this server.

        A name other than localhost could be an attacker's domain re-pointed at 127.0.0.1 (DNS
        rebinding); an IP address cannot, so the address the server is bound to is accepted too.
        """
        if not header:
            return False
        name, colon, port = header.strip().lower().rpartition(":")
        if not colon or port != str(self.port):
            return False
        if name in _LOCAL_NAMES:
            return True
        try:
            address = ipaddress.ip_address(name.removeprefix("[").removesuffix("]"))
        except ValueError:
            return False
        if _is_wildcard(self.bound_host):
            return True
        try:
            return address == ipaddress.ip_address(self.bound_host)
        except ValueError:
            return False

    def serve_until_stopped(self) -> None:
        """Serve until Ctrl-C (or `shutdown()` from another thread), then release everything."""
        try:
            self.serve_forever(poll_interval=0.5)
        except KeyboardInterrupt:
            log.debug("review server interrupted")
        finally:
            self.close()

    def close(self) -> None:
        self.proxies.close()
        self.server_close()


def open_review(project_dir: Path, host: str = LOOPBACK, port: int = 0) -> ReviewServer:
    """A review server for the project at `project_dir`, bound and ready to `serve_until_stopped`.

    `port` 0 picks a free port. The project is checked first: it must load and have interview clips.
    """
    project = load_project(project_dir)
    interview_clip_ids(project)  # refuses a project with nothing to review, with the fix
    if not 0 <= port <= 65535:
        raise ReviewServerError(
            _("port {port} is not a port number; give 1024-65535, or leave --port out").format(port=port)
        )
    return ReviewServer(project.root, host, port)


def _is_wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if TYPE_CHECKING:  # mypy: the server gives the handler what its protocol declares
    _serves: type[ReviewSite] = ReviewServer

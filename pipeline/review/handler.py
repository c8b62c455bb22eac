"""One HTTP request to the review server: check it is ours, route it, answer in JSON or bytes.

Routes (clip ids are looked up in the footage index, never joined into a path):

    GET  /                          the page
    GET  /static/<name>             a file of the package's static folder (by name, from a fixed list)
    GET  /api/project               titles, QC limits, glossary
    GET  /api/clips                 interview clips with approval status and QC counts
    GET  /api/clips/<id>            the clip's cues, draft, findings, version; starts its proxy
    GET  /api/clips/<id>/proxy      how far the proxy is
    POST /api/clips/<id>/lint       {cues} -> findings, nothing saved
    POST /api/clips/<id>/save       {version, cues} -> the producers' file written (409 when stale)
    POST /api/clips/<id>/approve    {version, by} -> approved as `subs approve` does (409 while errors remain)
    GET  /video/<id>.mp4            the proxy, with Range support
    GET  /draft                     a page playing the latest draft of each platform (drafts.js
                                    swaps in each new pass of `render --draft --watch`)
    GET  /api/drafts                each platform's latest draft version (its mtime), for drafts.js
    GET  /draft/<platform>.mp4      that draft, with Range support

POSTs must be `Content-Type: application/json` (an HTML form on another site cannot send that)
and, when the browser sends an Origin, come from this server's own page.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

from pipeline.errors import PipelineError
from pipeline.project.footage import clips_by_role
from pipeline.project.glossary import project_glossary
from pipeline.project.model import Project, load_project
from pipeline.render.outputs import video_path
from pipeline.review import wire
from pipeline.review.proxy import READY, ProxyMaker, proxy_path
from pipeline.review.ranges import RangeNotSatisfiable, requested_range
from pipeline.review.workspace import (
    ErrorsRemain,
    StaleVersion,
    UnknownClip,
    approve_clip,
    check_cues,
    current_version,
    list_clips,
    open_clip,
    review_clip,
    save_cues,
)
from pipeline.subtitles.profile import project_profile
from pipeline.subtitles.store import approval_status

log = logging.getLogger("pipeline.review")

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "media-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MAX_BODY = 4 * 1024 * 1024
CHUNK = 256 * 1024
MAX_NAME = 40  # characters in an approver's name

_ID = r"([^/]+)"
ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(f"^{pattern}$"), name)
    for method, pattern, name in (
        ("GET", "/", "page"),
        ("GET", "/static/" + _ID, "static"),
        ("GET", "/api/project", "project_info"),
        ("GET", "/api/clips", "clips"),
        ("GET", "/api/clips/" + _ID, "clip"),
        ("GET", "/api/clips/" + _ID + "/proxy", "proxy"),
        ("POST", "/api/clips/" + _ID + "/lint", "lint"),
        ("POST", "/api/clips/" + _ID + "/save", "save"),
        ("POST", "/api/clips/" + _ID + "/approve", "approve"),
        ("GET", "/video/" + _ID + r"\.mp4", "video"),
        ("GET", "/draft", "draft_page"),
        ("GET", "/api/drafts", "draft_versions"),
        ("GET", "/draft/" + _ID + r"\.mp4", "draft_video"),
    )
)


class HttpRefusal(PipelineError):
    """A request refused before it reaches the project: status and a Chinese message for the page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def static_files() -> dict[str, Path]:
    """The files the page may load, by name: only what the package ships."""
    return {p.name: p for p in STATIC_DIR.iterdir() if p.is_file() and p.suffix in STATIC_TYPES}


class ReviewSite(Protocol):
    """What a request needs from the server it came through (`server.ReviewServer` is one).

    Declared here so the handler depends on these four things only, not on the server module
    (which imports the handler to serve it)."""

    @property
    def project_root(self) -> Path: ...

    @property
    def edit_lock(self) -> AbstractContextManager[Any]:  # saves and approvals, one at a time
        ...

    @property
    def proxies(self) -> ProxyMaker: ...

    def host_allowed(self, header: str | None) -> bool: ...


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewSite  # type: ignore[assignment]  # http.server types it as the base server
    protocol_version = "HTTP/1.1"
    server_version = "pipeline-review"
    timeout = 120  # seconds an idle keep-alive connection may hold a thread

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def version_string(self) -> str:
        return self.server_version  # no Python version for whoever asks

    def log_message(self, format: str, *args: Any) -> None:  # library code does not print
        log.debug("%s %s", self.address_string(), format % args)

    # ---- routing ------------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        try:
            if not self.server.host_allowed(self.headers.get("Host")):
                raise HttpRefusal(HTTPStatus.FORBIDDEN, "拒绝访问：地址不是本机审校页")
            path = urlsplit(self.path).path
            for route_method, pattern, name in ROUTES:
                match = pattern.match(path)
                if match and route_method == method:
                    if method == "POST":
                        self._check_post()
                    handler: Callable[..., None] = getattr(self, f"_{name}")
                    handler(*(unquote(g) for g in match.groups()))
                    return
            if any(pattern.match(path) for _, pattern, _ in ROUTES):
                raise HttpRefusal(HTTPStatus.METHOD_NOT_ALLOWED, "不支持这种请求")
            raise HttpRefusal(HTTPStatus.NOT_FOUND, "没有这个页面")
        except ConnectionError:
            self.close_connection = True  # the browser cancelled (it does so often while seeking)
        except HttpRefusal as exc:
            self._refuse(exc.status, {"error": str(exc)})
        except UnknownClip as exc:
            self._refuse(HTTPStatus.NOT_FOUND, {"error": "没有这个片段，请刷新页面", "detail": str(exc)})
        except StaleVersion as exc:
            self._refuse(
                HTTPStatus.CONFLICT,
                {
                    "error": "字幕文件已在别处被修改（另一个窗口或程序），这次操作没有完成。请重新载入后再修改。",
                    "detail": str(exc),
                    "reason": "stale",
                },
            )
        except wire.InvalidCues as exc:
            self._refuse(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
        except PipelineError as exc:
            self._refuse(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": "操作没有完成", "detail": str(exc)})
        except Exception as exc:  # a bug: keep serving, say so, log the traceback
            log.exception("review request %s %s failed", method, self.path)
            self._refuse(
                HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "服务器内部错误", "detail": type(exc).__name__}
            )

    def _check_post(self) -> None:
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise HttpRefusal(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "请求格式不对（需要 JSON）")
        origin = self.headers.get("Origin")
        if origin is not None and not (origin.startswith("http://") and self.server.host_allowed(origin[7:])):
            raise HttpRefusal(HTTPStatus.FORBIDDEN, "拒绝访问：请求来自其他网站")

    def _body(self) -> dict[str, Any]:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise HttpRefusal(HTTPStatus.LENGTH_REQUIRED, "请求缺少长度")
        if int(length) > MAX_BODY:
            raise HttpRefusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "请求过大")
        raw = self.rfile.read(int(length))
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, "请求内容不是有效的 JSON") from None
        if not isinstance(body, dict):
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, "请求内容格式不对")
        return body

    def _project(self) -> Project:
        return load_project(self.server.project_root)  # each request sees the current project.toml

    # ---- the page -----------------------------------------------------------------------------

    def _page(self) -> None:
        self._static("index.html")

    def _static(self, name: str) -> None:
        path = static_files().get(name)
        if path is None:
            raise HttpRefusal(HTTPStatus.NOT_FOUND, "没有这个文件")
        headers = {"Cache-Control": "no-cache"}
        if path.suffix == ".html":
            headers["Content-Security-Policy"] = PAGE_POLICY
        self._send(HTTPStatus.OK, path.read_bytes(), STATIC_TYPES[path.suffix], headers)

    # ---- the API ------------------------------------------------------------------------------

    def _project_info(self) -> None:
        project = self._project()
        self._json(wire.project_json(project, project_profile(project), project_glossary(project)))

    def _clips(self) -> None:
        project = self._project()
        for clip in clips_by_role(
            project, "interview"
        ):  # proxies of the other clips, while the first is read
            self.server.proxies.want(project, clip)
        self._json({"clips": [wire.summary_json(s) for s in list_clips(project)]})

    def _clip(self, clip_id: str) -> None:
        project = self._project()
        opened = open_clip(project, clip_id)
        answer = wire.subtitles_json(opened)
        answer["flags"] = wire.clip_flags_json(project, clip_id)
        answer["proxy"] = wire.proxy_json(
            clip_id, self.server.proxies.want(project, opened.clip, urgent=True)
        )
        self._json(answer)

    def _proxy(self, clip_id: str) -> None:
        project = self._project()
        clip = review_clip(project, clip_id)
        self._json(wire.proxy_json(clip_id, self.server.proxies.want(project, clip, urgent=True)))

    def _lint(self, clip_id: str) -> None:
        body = self._body()
        project = self._project()
        review_clip(project, clip_id)
        cues = wire.cues_from_json(body.get("cues"), for_saving=False)
        findings = check_cues(project, clip_id, cues)
        self._json({"findings": wire.findings_json(findings)})

    def _save(self, clip_id: str) -> None:
        body = self._body()
        project = self._project()
        review_clip(project, clip_id)
        cues = wire.cues_from_json(body.get("cues"), for_saving=True)
        with self.server.edit_lock:
            saved = save_cues(project, clip_id, cues, _version(body))
            status = approval_status(project, clip_id)
        self._json({**wire.saved_json(saved), "status": status})

    def _approve(self, clip_id: str) -> None:
        body = self._body()
        by = body.get("by")
        if not isinstance(by, str) or not by.strip():
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, "请填写审核人姓名")
        if len(by.strip()) > MAX_NAME:
            raise HttpRefusal(HTTPStatus.BAD_REQUEST, f"审核人姓名过长（最多 {MAX_NAME} 字）")
        project = self._project()
        try:
            with self.server.edit_lock:
                approval = approve_clip(project, clip_id, by.strip(), _version(body))
                version = current_version(project, clip_id)
        except ErrorsRemain as exc:
            self._refuse_errors(project, exc)
            return
        self._json(
            {
                "status": approval_status(project, clip_id),
                "version": version,
                "approval": wire.approval_json(approval),
            }
        )

    def _refuse_errors(self, project: Project, exc: ErrorsRemain) -> None:
        findings = wire.findings_json(exc.findings)
        errors = [f for f in findings if f["severity"] == "error"]
        first = errors[0]
        where = f"第 {first['cue']} 条：" if first["cue"] else ""
        self._refuse(
            HTTPStatus.CONFLICT,
            {
                "error": f"还有 {len(errors)} 处错误没有改正（{where}{first['label']}），改正并保存后才能批准。",
                "detail": str(exc),
                "reason": "errors",
                "findings": findings,
            },
        )

    # ---- the video ----------------------------------------------------------------------------

    def _video(self, clip_id: str) -> None:
        project = self._project()
        clip = review_clip(project, clip_id)
        state = self.server.proxies.want(project, clip, urgent=True)
        if state.state != READY:
            raise HttpRefusal(HTTPStatus.SERVICE_UNAVAILABLE, "预览视频还在生成，请稍候")
        self._file(proxy_path(project, clip_id))

    # ---- the latest drafts (`pipeline render DIR --draft [--watch]`) ----------------------------

    def _draft_page(self) -> None:
        """A small page playing each platform's latest draft; drafts.js puts in each new pass."""
        project = self._project()
        found = draft_files(project)
        items = "".join(
            f'<section data-platform="{html.escape(platform)}" data-version="{_draft_version(path)}">'
            f'<h2>{html.escape(platform)}</h2><video controls preload="metadata" '
            f'src="/draft/{quote(platform)}.mp4?v={_draft_version(path)}"></video>'
            '<p class="updated"></p></section>'
            for platform, path in found.items()
        )
        if not items:
            items = f"<p>还没有样片：请运行 <code>pipeline render {html.escape(str(project.root))} --draft --watch</code>，样片渲染好后会自动出现在这里。</p>"
        page = (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>样片</title>'
            '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/review.css">'
            '<script src="/static/drafts.js" defer></script></head>'
            f'<body class="drafts"><header class="topbar"><h1>样片</h1><a class="link" href="/">返回字幕审校</a>'
            f"</header><main>{items}<p>每次重新渲染样片后，本页会自动换上最新的一版，播放位置不变。</p></main></body></html>"
        )
        self._send(
            HTTPStatus.OK,
            page.encode("utf-8"),
            STATIC_TYPES[".html"],
            {"Cache-Control": "no-store", "Content-Security-Policy": PAGE_POLICY},
        )

    def _draft_versions(self) -> None:
        self._json(
            {platform: _draft_version(path) for platform, path in draft_files(self._project()).items()}
        )

    def _draft_video(self, platform: str) -> None:
        path = draft_files(self._project()).get(platform)
        if path is None:
            raise HttpRefusal(HTTPStatus.NOT_FOUND, "还没有这个平台的样片，请先渲染样片")
        self._file(path)

    def _file(self, path: Path) -> None:
        """A video file, with Range support (the player seeks by asking for byte ranges)."""
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            try:
                part = requested_range(self.headers.get("Range"), size)
            except RangeNotSatisfiable:
                self._send(
                    HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    b"",
                    "text/plain; charset=utf-8",
                    {"Content-Range": f"bytes */{size}"},
                )
                return
            start, length = (part.start, part.length) if part else (0, size)
            headers = {"Accept-Ranges": "bytes", "Cache-Control": "no-cache"}
            if part is not None:
                headers["Content-Range"] = part.content_range(size)
            self._start(HTTPStatus.PARTIAL_CONTENT if part else HTTPStatus.OK, "video/mp4", length, headers)
            fh.seek(start)
            _copy(fh, self.wfile, length)

    # ---- answering ----------------------------------------------------------------------------

    def _json(self, data: Any, status: int = HTTPStatus.OK) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", {"Cache-Control": "no-store"})

    def _refuse(self, status: int, data: dict[str, Any]) -> None:
        # the request body may be unread: do not let it be taken for the next request
        self.close_connection = True
        try:
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self._send(
                status,
                body,
                "application/json; charset=utf-8",
                {"Cache-Control": "no-store", "Connection": "close"},
            )
        except ConnectionError:
            pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self._start(status, content_type, len(body), headers)
        self.wfile.write(body)

    def _start(self, status: int, content_type: str, length: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()


def draft_files(project: Project) -> dict[str, Path]:
    """The latest draft of each platform that has one, by platform name."""
    found = {}
    base = project.exports_dir / "draft"
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            path = video_path(project, folder.name, draft=True)
            if path.is_file():
                found[folder.name] = path
    return found


def _draft_version(path: Path) -> str:
    """Changes with every render pass (the draft is renamed into place, so its mtime is new)."""
    return str(path.stat().st_mtime_ns)


def _version(body: dict[str, Any]) -> str:
    version = body.get("version")
    if not isinstance(version, str):
        raise HttpRefusal(HTTPStatus.BAD_REQUEST, "请求缺少版本号，请刷新页面")
    return version


def _copy(source, target, length: int) -> None:
    remaining = length
    while remaining > 0:
        chunk = source.read(min(CHUNK, remaining))
        if not chunk:
            break
        target.write(chunk)
        remaining -= len(chunk)

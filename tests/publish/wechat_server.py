"""A local server that speaks the documented WeChat official-account protocol, strictly.

It checks what the real API checks (and what its documentation requires of the caller): POST only,
the stable token's JSON body, a valid unexpired `access_token` on every other call, multipart shapes
(`media` with a file name and type, the video `description` JSON), file formats and size limits,
`draft/add` field limits and that the thumb and the article's pictures were uploaded here. It answers
with the documented error codes, and on demand with any code, an HTTP 500 or a dropped connection.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MB = 1024 * 1024
APPID = "wx0123456789abcdef"
SECRET = "s3cr3t-0f-the-account-9f8e7d6c5b4a"
CROP = re.compile(r"^(0(\.\d+)?|1(\.0+)?)_(0(\.\d+)?|1(\.0+)?)_(0(\.\d+)?|1(\.0+)?)_(0(\.\d+)?|1(\.0+)?)$")


def image_kind(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:3] == b"GIF":
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    return ""


@dataclass
class FakeWechat:
    appid: str = APPID
    secret: str = SECRET
    publish_polls: int = 2  # freepublish/get answers "publishing" this many times first
    final_status: int = 0
    tokens: dict[str, bool] = field(default_factory=dict)  # token -> still valid
    materials: dict[str, dict] = field(default_factory=dict)
    images: set[str] = field(default_factory=set)
    drafts: dict[str, dict] = field(default_factory=dict)
    jobs: dict[str, dict] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    failures: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    requests_seen: list[tuple[str, str, bytes]] = field(default_factory=list)  # (path, query, body)

    # on demand
    def fail(self, endpoint: str, what, times: int = 1) -> None:
        """Make the next `times` calls of `endpoint` fail: an errcode (int), an HTTP status ("500",
        "502", "404", ...), "drop" (the connection closed without an answer) or "truncated" (an answer
        that breaks off)."""
        self.failures[endpoint] += [what] * times

    def expire_tokens(self, code: int = 42001) -> None:
        for token in self.tokens:
            self.tokens[token] = False
        self._expired_code = code

    def count(self, endpoint: str) -> int:
        return sum(1 for c in self.calls if c == endpoint)

    # the protocol
    def handle(self, path: str, query: dict, headers, body: bytes):
        endpoint = path.lstrip("/")
        self.calls.append(endpoint)
        queued = self.failures.get(endpoint)
        if queued:
            what = queued.pop(0)
            if isinstance(what, str):
                return what
            return {"errcode": what, "errmsg": f"forced error {what}"}
        if endpoint == "cgi-bin/stable_token":
            return self.stable_token(headers, body)
        token = query.get("access_token", [""])[0]
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        if token not in self.tokens:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if not self.tokens[token]:
            code = getattr(self, "_expired_code", 42001)
            return {"errcode": code, "errmsg": "access_token expired"}
        handler = {
            "cgi-bin/material/add_material": self.add_material,
            "cgi-bin/media/uploadimg": self.uploadimg,
            "cgi-bin/draft/add": self.draft_add,
            "cgi-bin/draft/update": self.draft_update,
            "cgi-bin/freepublish/submit": self.submit,
            "cgi-bin/freepublish/get": self.publish_get,
        }.get(endpoint)
        if handler is None:
            return {"errcode": 404, "errmsg": "unknown api"}
        return handler(query, headers, body)

    def stable_token(self, headers, body):
        if headers.get_content_type() != "application/json":
            return {"errcode": 47001, "errmsg": "data format error"}
        data = _json(body)
        if not isinstance(data, dict) or data.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if "force_refresh" in data and not isinstance(data["force_refresh"], bool):
            return {"errcode": 47001, "errmsg": "force_refresh must be a boolean"}
        if data.get("force_refresh"):
            return {"errcode": 45009, "errmsg": "this client must never force a refresh"}
        if data.get("appid") != self.appid:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if data.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        valid = [t for t, ok in self.tokens.items() if ok]
        token = valid[0] if valid else f"TOKEN-{next(self.counter)}-{'x' * 40}"
        self.tokens[token] = True
        return {"access_token": token, "expires_in": 7200}

    def _form(self, headers, body):
        if headers.get_content_type() != "multipart/form-data" or not headers.get_param("boundary"):
            return None
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body
        )
        parts = {}
        for part in message.iter_parts():
            if part.get_content_disposition() != "form-data":
                return None
            name = part.get_param("name", header="content-disposition")
            parts[name] = (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        return parts

    def add_material(self, query, headers, body):
        kind = query.get("type", [""])[0]
        if kind not in ("image", "voice", "video", "thumb"):
            return {"errcode": 40004, "errmsg": "invalid media type"}
        form = self._form(headers, body)
        if form is None:
            return {"errcode": 40035, "errmsg": "invalid args: not multipart/form-data"}
        if "media" not in form or not form["media"][0]:
            return {"errcode": 41005, "errmsg": "media data missing"}
        _, _, data = form["media"]
        if not data:
            return {"errcode": 44001, "errmsg": "empty media data"}
        entry = {"type": kind, "size": len(data)}
        if kind == "image":
            if image_kind(data) not in ("jpg", "png", "gif", "bmp"):
                return {"errcode": 40005, "errmsg": "invalid file type"}
            if len(data) > 10 * MB:
                return {"errcode": 40009, "errmsg": "invalid image size"}
        elif kind == "video":
            if data[4:8] != b"ftyp":
                return {"errcode": 40005, "errmsg": "invalid file type, mp4 only"}
            if len(data) > 10 * MB:
                return {"errcode": 40011, "errmsg": "invalid video size"}
            if "description" not in form:
                return {"errcode": 40035, "errmsg": "video needs description"}
            # "description object 否 素材描述信息，上传视频素材时需要": title and introduction, both strings,
            # each optional
            description = _json(form["description"][2])
            if (
                not isinstance(description, dict)
                or not set(description) <= {"title", "introduction"}
                or not all(isinstance(v, str) for v in description.values())
            ):
                return {"errcode": 40035, "errmsg": "description must be JSON {title, introduction}"}
            entry["description"] = description
        media_id = f"MEDIA-{kind}-{next(self.counter)}"
        self.materials[media_id] = entry
        answer = {"media_id": media_id}
        if kind == "image":
            answer["url"] = f"http://mmbiz.qpic.cn/material/{media_id}/0"
        return answer

    def uploadimg(self, query, headers, body):
        form = self._form(headers, body)
        if form is None or "media" not in form or not form["media"][0]:
            return {"errcode": 41005, "errmsg": "media data missing"}
        data = form["media"][2]
        if image_kind(data) not in ("jpg", "png"):
            return {"errcode": 40005, "errmsg": "invalid file type"}
        if len(data) >= MB:
            return {"errcode": 40009, "errmsg": "invalid image size"}
        url = f"http://mmbiz.qpic.cn/mmbiz_jpg/img{next(self.counter)}/0"
        self.images.add(url)
        return {"url": url, "errcode": 0, "errmsg": "ok"}

    def _article_problem(self, article) -> dict | None:
        if not isinstance(article, dict):
            return {"errcode": 40035, "errmsg": "article must be an object"}
        title, author, digest = article.get("title", ""), article.get("author", ""), article.get("digest", "")
        content = article.get("content", "")
        if not title or len(title) > 32:
            return {"errcode": 45003, "errmsg": "title size out of limit"}
        if len(author) > 16:
            return {"errcode": 45110, "errmsg": "author size out of limit"}
        if len(digest) > 128:
            return {"errcode": 45004, "errmsg": "description size out of limit"}
        if not content:
            return {"errcode": 44003, "errmsg": "empty news data"}
        if len(content) >= 20000 or len(content.encode()) >= MB:
            return {"errcode": 45002, "errmsg": "content size out of limit"}
        thumb = self.materials.get(article.get("thumb_media_id", ""))
        if thumb is None or thumb["type"] not in ("image", "thumb"):
            return {"errcode": 40007, "errmsg": "invalid media_id"}
        for key in ("need_open_comment", "only_fans_can_comment"):
            if article.get(key, 0) not in (0, 1):
                return {"errcode": 40035, "errmsg": f"invalid {key}"}
        for key in ("pic_crop_235_1", "pic_crop_1_1"):
            value = article.get(key)
            if value is not None:
                if not CROP.match(value):
                    return {"errcode": 40035, "errmsg": f"invalid {key}"}
                x1, y1, x2, y2 = map(float, value.split("_"))
                if not (x1 < x2 and y1 < y2):
                    return {"errcode": 40035, "errmsg": f"invalid {key}"}
        for src in re.findall(r'<img[^>]*src="([^"]+)"', content):
            if src not in self.images:
                return {"errcode": 40035, "errmsg": "images must come from media/uploadimg"}
        if "<script" in content.lower():
            return {"errcode": 40035, "errmsg": "scripts are removed"}
        return None

    def draft_add(self, query, headers, body):
        data = _json(body)
        if not isinstance(data, dict) or not isinstance(data.get("articles"), list) or not data["articles"]:
            return {"errcode": 40035, "errmsg": "articles missing"}
        for article in data["articles"]:
            problem = self._article_problem(article)
            if problem:
                return problem
        media_id = f"DRAFT-{next(self.counter)}"
        self.drafts[media_id] = {"articles": data["articles"], "updates": 0}
        return {"media_id": media_id}

    def draft_update(self, query, headers, body):
        # {media_id, index (0 for the first article), articles: ONE article object, not a list}
        data = _json(body)
        if not isinstance(data, dict) or data.get("media_id") not in self.drafts:
            return {"errcode": 40007, "errmsg": "invalid media_id"}
        draft = self.drafts[data["media_id"]]
        index = data.get("index")
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(draft["articles"]):
            return {"errcode": 40035, "errmsg": "invalid index"}
        problem = self._article_problem(data.get("articles"))
        if problem:
            return problem
        draft["articles"][index] = data["articles"]
        draft["updates"] += 1
        return {"errcode": 0, "errmsg": "ok"}

    def submit(self, query, headers, body):
        data = _json(body)
        if not isinstance(data, dict) or data.get("media_id") not in self.drafts:
            return {"errcode": 40007, "errmsg": "invalid media_id"}
        # the answer's publish_id is a number (documented as int; "publish_id": 2247483655 in
        # answers people post), while freepublish/get takes it as a string
        publish_id = 2247483000 + next(self.counter)
        self.jobs[str(publish_id)] = {"draft": data["media_id"], "polls": 0}
        return {"errcode": 0, "errmsg": "ok", "publish_id": publish_id, "msg_data_id": str(publish_id)}

    def publish_get(self, query, headers, body):
        data = _json(body)
        if not isinstance(data, dict) or not isinstance(data.get("publish_id"), str):
            return {"errcode": 40035, "errmsg": "publish_id must be a string"}
        job = self.jobs.get(data["publish_id"])
        if job is None:
            return {"errcode": 40035, "errmsg": "invalid publish_id"}
        job["polls"] += 1
        publish_id = data["publish_id"]
        if job["polls"] <= self.publish_polls:
            return {"publish_id": publish_id, "publish_status": 1}
        answer = {"publish_id": publish_id, "publish_status": self.final_status}
        if self.final_status == 0:
            self.drafts.pop(job["draft"], None)  # a published draft leaves the draft box
            answer["article_id"] = f"ART-{publish_id}"
            answer["article_detail"] = {
                "count": 1,
                "item": [{"idx": 1, "article_url": f"https://mp.weixin.qq.com/s/{publish_id}"}],
            }
        else:
            answer["fail_idx"] = [1]
        return answer


def _json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        self._answer(200, {"errcode": 43002, "errmsg": "require POST method"})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        fake: FakeWechat = self.server.fake  # type: ignore[attr-defined]
        with self.server.lock:  # type: ignore[attr-defined]
            fake.requests_seen.append((parts.path, parts.query, body))
            answer = fake.handle(parts.path, parse_qs(parts.query), self.headers, body)
        if answer == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if answer == "truncated":  # the answer breaks off after its headers promised more
            self.send_response(200)
            self.send_header("Content-Type", "application/json; encoding=utf-8")
            self.send_header("Content-Length", "400")
            self.end_headers()
            self.wfile.write(b'{"media_id": "MEDIA-')
            self.wfile.flush()
            self.close_connection = True
            self.connection.close()
            return
        if isinstance(answer, str):  # an HTTP status on demand
            self._answer(int(answer), {"error": f"HTTP {answer}"})
            return
        self._answer(200, answer)

    def _answer(self, status: int, answer) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; encoding=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002
        pass


class WechatServer:
    def __init__(self, fake: FakeWechat) -> None:
        self.fake = fake
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.fake = fake  # type: ignore[attr-defined]
        self.httpd.lock = threading.Lock()  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> WechatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

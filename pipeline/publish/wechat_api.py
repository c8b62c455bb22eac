"""The WeChat official-account API calls `publish` uses, behind a small protocol.

`HttpWechatApi` speaks the documented protocol (developers.weixin.qq.com, 公众号 API):

- `POST /cgi-bin/stable_token` JSON {grant_type, appid, secret, force_refresh}: a token valid for
  `expires_in` s (7200); cached in memory until 5 minutes before that, fetched again (normal mode,
  never force_refresh, which invalidates the token for every other user of the account) once when a
  call answers 40001/42001;
- `POST /cgi-bin/material/add_material?access_token=&type=image|video`, multipart/form-data with the
  file as `media` (and for a video a `description` field, JSON {title, introduction});
- `POST /cgi-bin/media/uploadimg?access_token=`, multipart `media`: a picture for the article body;
- `POST /cgi-bin/draft/add` {articles: [...]}, `POST /cgi-bin/draft/update` {media_id, index, articles};
- `POST /cgi-bin/freepublish/submit` {media_id}, `POST /cgi-bin/freepublish/get` {publish_id}.

Every answer with a non-zero `errcode` becomes a `WechatApiError` whose message is one line with the
code, its meaning and what to do. Network failures (no connection, a timeout, a broken answer, HTTP
5xx, errcode -1) are retried with exponential backoff. URLs are logged with the token replaced by
`***`; the secret is only ever in the stable_token request body, never in a URL. Every text that
comes from outside (WeChat's errmsg, a proxy's, an exception's) is scrubbed of the secret and of every
token this client has held before it reaches a message or a log line.
"""

from __future__ import annotations

import http.client
import json
import logging
import mimetypes
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import PublishError
from pipeline.i18n import _
from pipeline.publish.credentials import Credentials
from pipeline.publish.wechat_errors import describe

log = logging.getLogger("pipeline.publish.wechat")

TOKEN_MARGIN_S = 300  # fetch a new token this long before the old one expires
# the token was refused (40001 invalid or not the latest, 40014 invalid, 42001 expired): fetch it
# again once (normal mode) and repeat the call
TOKEN_ERRORS = (40001, 40014, 42001)
BUSY = -1
# calls that make something once: when the connection broke after the request went out (a timeout,
# a dropped answer), WeChat may have done it, so they are not sent again (a second draft, a second
# publication); a refused connection or an HTTP 5xx means it was not done, and those are retried
SENT_ONCE = frozenset({"cgi-bin/draft/add", "cgi-bin/freepublish/submit"})
# a gateway's answers meaning "the server behind me did not answer in time / answered badly": the
# request may have reached WeChat, so a call made once is not sent again after them
GATEWAY = frozenset({502, 504})


class WechatApiError(PublishError):
    def __init__(self, code: int, errmsg: str, call: str) -> None:
        super().__init__(describe(code, errmsg, call))
        self.code = code


@dataclass(frozen=True, slots=True)
class Material:
    media_id: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """One `articles` item of draft/add (article_type news)."""

    title: str
    author: str
    digest: str
    content: str
    thumb_media_id: str
    need_open_comment: int
    only_fans_can_comment: int
    pic_crop_235_1: str
    pic_crop_1_1: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PublishState:
    status: int  # publish_status: 0 published, 1 publishing, 2-6 failed or removed
    article_url: str = ""
    fail_idx: tuple[int, ...] = ()


class WechatApi(Protocol):
    def add_material(self, kind: str, file: Path, *, title: str = "", introduction: str = "") -> Material: ...

    def upload_image(self, file: Path) -> str: ...

    def add_draft(self, article: Article) -> str: ...

    def update_draft(self, media_id: str, article: Article) -> None: ...

    def submit(self, draft_media_id: str) -> str: ...

    def publish_state(self, publish_id: str) -> PublishState: ...


def redact(url: str) -> str:
    return re.sub(r"(access_token=)[^&\s\"']*", r"\1***", url)


def multipart_body(fields: dict[str, str], files: dict[str, Path]) -> tuple[bytes, str]:
    """multipart/form-data (RFC 7578) with text fields and files; returns (body, content type)."""
    boundary = f"----pipeline{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()
        )
    for name, path in files.items():
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # an ASCII file name: some servers mangle others, and WeChat names the material by its title
        filename = f"{name}{path.suffix.lower()}"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        )
        parts.append(head.encode() + path.read_bytes())
    body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class HttpWechatApi:
    """The real client (stdlib urllib): one instance per run; the token is kept in memory only."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout_s: float = 60.0,
        retries: int = 3,
        backoff_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = credentials
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._clock = clock
        self._sleep = sleep
        self._token = ""
        self._expires_at = 0.0
        self._held: set[str] = set()  # every token this client was given: scrubbed from any text

    def __repr__(self) -> str:  # never the token or the secret
        return f"HttpWechatApi({self.base_url!r})"

    # the calls
    def add_material(self, kind: str, file: Path, *, title: str = "", introduction: str = "") -> Material:
        fields = {}
        if kind == "video":
            fields["description"] = json.dumps(
                {"title": title, "introduction": introduction}, ensure_ascii=False
            )
        answer = self._call("cgi-bin/material/add_material", {"type": kind}, form=(fields, {"media": file}))
        return Material(
            self._field(answer, "media_id", "cgi-bin/material/add_material"), str(answer.get("url", ""))
        )

    def upload_image(self, file: Path) -> str:
        answer = self._call("cgi-bin/media/uploadimg", {}, form=({}, {"media": file}))
        return self._field(answer, "url", "cgi-bin/media/uploadimg")

    def add_draft(self, article: Article) -> str:
        answer = self._call("cgi-bin/draft/add", {}, json_body={"articles": [article.to_json()]})
        return self._field(answer, "media_id", "cgi-bin/draft/add")

    def update_draft(self, media_id: str, article: Article) -> None:
        self._call(
            "cgi-bin/draft/update",
            {},
            json_body={"media_id": media_id, "index": 0, "articles": article.to_json()},
        )

    def submit(self, draft_media_id: str) -> str:
        answer = self._call("cgi-bin/freepublish/submit", {}, json_body={"media_id": draft_media_id})
        return self._field(answer, "publish_id", "cgi-bin/freepublish/submit")

    def publish_state(self, publish_id: str) -> PublishState:
        answer = self._call("cgi-bin/freepublish/get", {}, json_body={"publish_id": publish_id})
        status = answer.get("publish_status")
        if not isinstance(status, int):
            raise PublishError(
                _("WeChat's answer to cgi-bin/freepublish/get has no publish_status: {answer}").format(
                    answer=answer
                )
            )
        items = (answer.get("article_detail") or {}).get("item") or []
        url = next((str(i.get("article_url", "")) for i in items if isinstance(i, dict)), "")
        return PublishState(status, url, tuple(int(i) for i in answer.get("fail_idx") or ()))

    # the token
    def token(self) -> str:
        if self._token and self._clock() < self._expires_at:
            return self._token
        body = {
            "grant_type": "client_credential",
            "appid": self._credentials.appid,
            "secret": self._credentials.secret,
            "force_refresh": False,
        }
        answer = self._send("cgi-bin/stable_token", {}, json.dumps(body).encode(), "application/json")
        token = self._field(answer, "access_token", "cgi-bin/stable_token")
        self._held.add(token)
        expires_in = answer.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 7200.0
        self._token = token
        self._expires_at = self._clock() + max(0.0, lifetime - TOKEN_MARGIN_S)
        return token

    def _call(
        self,
        endpoint: str,
        query: dict[str, str],
        *,
        json_body: dict[str, Any] | None = None,
        form: tuple[dict[str, str], dict[str, Path]] | None = None,
    ) -> dict[str, Any]:
        if form is not None:
            body, content_type = multipart_body(*form)
        else:
            # UTF-8 as is: draft/add wants the characters, not \\u escapes
            body, content_type = json.dumps(json_body, ensure_ascii=False).encode(), "application/json"
        for attempt in (1, 2):
            try:
                return self._send(endpoint, {"access_token": self.token(), **query}, body, content_type)
            except WechatApiError as exc:
                if exc.code not in TOKEN_ERRORS or attempt == 2:
                    raise
                log.debug("%s: token rejected (%d), fetching a new one", endpoint, exc.code)
                self._token, self._expires_at = "", 0.0
        raise AssertionError("unreachable")

    def _send(self, endpoint: str, query: dict[str, str], body: bytes, content_type: str) -> dict[str, Any]:
        url = f"{self.base_url}/{endpoint}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": content_type}
        )
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff_s * 2 ** (attempt - 1)
                log.debug("%s: %s; retrying in %.1f s", endpoint, problem, delay)
                self._sleep(delay)
            log.debug("POST %s (%d bytes)", redact(url), len(body))
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    raw = response.read()
            except urllib.error.HTTPError as exc:
                # never shown: its url (and .filename) carries the access token
                problem = f"HTTP {exc.code}"
                if exc.code >= 500:
                    if endpoint in SENT_ONCE and exc.code in GATEWAY:
                        raise self._maybe_done(endpoint, problem) from None
                    continue
                raise PublishError(
                    _(
                        "{endpoint}: the WeChat API answered HTTP {code}; check {base_url} (PIPELINE_WECHAT_API) and try again"
                    ).format(endpoint=endpoint, code=exc.code, base_url=self.base_url)
                ) from None
            except (http.client.InvalidURL, ValueError):  # a bad port, a space: the address is unusable
                raise PublishError(
                    _(
                        "{endpoint}: {base_url} is not a usable address for the WeChat API; check PIPELINE_WECHAT_API (or unset it)"
                    ).format(endpoint=endpoint, base_url=self.base_url)
                ) from None
            except (OSError, http.client.HTTPException) as exc:
                # URLError, timeouts, resets, TLS failures; a truncated or garbled answer
                problem = self.scrub(_reason(exc))
                if endpoint in SENT_ONCE and not _never_arrived(exc):
                    raise self._maybe_done(endpoint, problem) from None
                continue
            answer = _decode(raw, endpoint, self.base_url)
            code = answer.get("errcode", 0)
            if code == BUSY:
                problem = "WeChat busy (-1)"
                continue
            if isinstance(code, int) and code != 0:
                raise WechatApiError(code, self.scrub(str(answer.get("errmsg", ""))), endpoint)
            return answer
        raise PublishError(
            _(
                "{endpoint}: could not reach the WeChat API at {base_url} after {tries} tries ({problem}); check the network (and PIPELINE_WECHAT_API) and run again: what was done is recorded"
            ).format(endpoint=endpoint, base_url=self.base_url, tries=self.retries + 1, problem=problem)
        )

    def _maybe_done(self, endpoint: str, problem: str) -> PublishError:
        return PublishError(
            _(
                "{endpoint}: the connection to {base_url} broke before WeChat answered ({problem}), so WeChat may have done it; look in 公众平台 (草稿箱 / 发表记录) before running again, and delete a duplicate there if the rerun makes one"
            ).format(endpoint=endpoint, base_url=self.base_url, problem=problem)
        )

    def scrub(self, text: str) -> str:
        """`text` with the secret, every token held and any `access_token=` value replaced by ***."""
        for secret in (self._credentials.secret, *self._held):
            if secret:
                text = text.replace(secret, "***")
        return redact(text)

    @staticmethod
    def _field(answer: dict[str, Any], key: str, endpoint: str) -> str:
        value = answer.get(key)
        if not isinstance(value, str | int) or value == "":
            raise PublishError(
                _("{endpoint}: WeChat's answer has no {key}; try again, and report it if it persists").format(
                    endpoint=endpoint, key=key
                )
            )
        return str(value)


def _never_arrived(exc: BaseException) -> bool:
    """True when the request cannot have reached the server: refused, or the name did not resolve."""
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    return str(reason) or type(reason).__name__


def _decode(raw: bytes, endpoint: str, base: str) -> dict[str, Any]:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        raise PublishError(
            _(
                "{endpoint}: the answer from {base} is not WeChat's JSON; check PIPELINE_WECHAT_API (or a proxy)"
            ).format(endpoint=endpoint, base=base)
        )
    return answer

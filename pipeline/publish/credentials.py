"""WeChat credentials: `WECHAT_APPID` / `WECHAT_APPSECRET`, or a TOML file only its owner can read.

The secret lives in memory only: `Credentials.__repr__` hides it, and nothing writes it anywhere.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import PublishError
from pipeline.i18n import _

DEFAULT_API = "https://api.weixin.qq.com"
API_ENV = "PIPELINE_WECHAT_API"


@dataclass(frozen=True, slots=True)
class Credentials:
    appid: str
    secret: str = field(repr=False)


def api_base() -> str:
    base = os.environ.get(API_ENV, "").strip() or DEFAULT_API
    if not base.startswith(("https://", "http://")):
        raise PublishError(
            _(
                "{API_ENV}={base!r} is not an http(s) address; unset it, or give e.g. https://api.weixin.qq.com"
            ).format(API_ENV=API_ENV, base=base)
        )
    return base.rstrip("/")


def load_credentials(file: Path | None = None) -> Credentials:
    """From the environment when both variables are set, else from `file` (TOML: appid, secret)."""
    appid = os.environ.get("WECHAT_APPID", "").strip()
    secret = os.environ.get("WECHAT_APPSECRET", "").strip()
    if appid and secret:
        return Credentials(appid, secret)
    if file is None:
        missing = _(" and ").join(
            n for n, v in (("WECHAT_APPID", appid), ("WECHAT_APPSECRET", secret)) if not v
        )
        raise PublishError(
            _(
                "{missing} not set; export the account's AppID and AppSecret (公众平台 → 设置与开发 → 基本配置), or give --credentials FILE"
            ).format(missing=missing)
        )
    return _from_file(file)


def _from_file(file: Path) -> Credentials:
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise PublishError(
            _("{file}: credentials file not found; check the path").format(file=file)
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PublishError(
            _(
                "{file}: other users can read this credentials file; make it private with `chmod 600 {file}`"
            ).format(file=file)
        )
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # the parser's message may quote the file's content, the secret included: never show it
        raise PublishError(
            _(
                '{file}: not a readable TOML file; write it as two lines: appid = "..." and secret = "..."'
            ).format(file=file)
        ) from None
    appid, secret = data.get("appid"), data.get("secret")
    if not isinstance(appid, str) or not appid.strip() or not isinstance(secret, str) or not secret.strip():
        raise PublishError(
            _('{file}: needs appid = "..." and secret = "..." (quoted strings)').format(file=file)
        )
    return Credentials(appid.strip(), secret.strip())

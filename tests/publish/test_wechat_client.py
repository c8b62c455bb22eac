"""`HttpWechatApi` on its own against the local server: the token's lifetime, and what it sends."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from wechat_server import APPID, SECRET

from pipeline.cli import cli
from pipeline.errors import PublishError
from pipeline.publish.credentials import Credentials
from pipeline.publish.wechat_api import HttpWechatApi, WechatApiError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client(server, clock=None, **kw) -> HttpWechatApi:
    return HttpWechatApi(
        server.url, Credentials(APPID, SECRET), clock=clock or Clock(), sleep=lambda s: None, **kw
    )


def test_the_token_is_kept_until_five_minutes_before_it_expires(server, fake, tmp_path):
    clock = Clock()
    api = client(server, clock)
    picture = tmp_path / "p.png"
    from PIL import Image

    Image.new("RGB", (8, 8)).save(picture)

    api.upload_image(picture)
    clock.now += 7200 - 300 - 1
    api.upload_image(picture)
    assert fake.count("cgi-bin/stable_token") == 1
    clock.now += 2
    api.upload_image(picture)
    assert fake.count("cgi-bin/stable_token") == 2

    (_, _, body) = next(r for r in fake.requests_seen if r[0] == "/cgi-bin/stable_token")
    assert json.loads(body) == {
        "grant_type": "client_credential",
        "appid": APPID,
        "secret": SECRET,
        "force_refresh": False,
    }
    assert SECRET not in repr(api)


def test_wrong_credentials_and_a_server_that_is_not_wechat(server, fake, tmp_path):
    api = HttpWechatApi(server.url, Credentials(APPID, "wrong"), sleep=lambda s: None)
    with pytest.raises(WechatApiError) as err:
        api.token()
    assert err.value.code == 40125
    assert str(err.value) == (
        "WeChat error 40125 on cgi-bin/stable_token: invalid AppSecret (WeChat said: invalid appsecret); "
        "check WECHAT_APPSECRET, or reset it in 公众平台 → 设置与开发 → 基本配置"
    )
    fake.fail("cgi-bin/stable_token", "500", times=3)
    with pytest.raises(PublishError) as err:
        client(server, retries=2).token()
    assert str(err.value) == (
        f"cgi-bin/stable_token: could not reach the WeChat API at {server.url} after 3 tries (HTTP 500); "
        "check the network (and PIPELINE_WECHAT_API) and run again: what was done is recorded"
    )


def test_dry_run_without_credentials_checks_and_says_what_a_real_run_needs(episode_dir, monkeypatch):
    monkeypatch.delenv("WECHAT_APPID", raising=False)
    monkeypatch.delenv("WECHAT_APPSECRET", raising=False)

    result = CliRunner().invoke(cli, ["publish", str(episode_dir), "--to", "wechat", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Note: WECHAT_APPID and WECHAT_APPSECRET not set;" in result.stderr
    assert "dry run: nothing was sent" in result.stdout
    assert not (episode_dir / "published.json").exists()


def test_a_broken_off_answer_is_retried_and_a_gateway_error_on_draft_add_is_not(server, fake, tmp_path):
    from PIL import Image

    picture = tmp_path / "p.png"
    Image.new("RGB", (8, 8)).save(picture)
    api = client(server)
    fake.fail("cgi-bin/media/uploadimg", "truncated")

    assert api.upload_image(picture).startswith("http://mmbiz.qpic.cn/")
    assert fake.count("cgi-bin/media/uploadimg") == 2

    # a proxy's 504 may come after WeChat made the draft: not sent again, and the error says so
    fake.fail("cgi-bin/draft/add", "504")
    from pipeline.publish.wechat_api import Article

    article = Article("标题", "作者", "摘要", "<p>正文</p>", "THUMB", 0, 0, "0_0_1_1", "0_0_1_1")
    with pytest.raises(PublishError) as err:
        api.add_draft(article)
    assert str(err.value).startswith(
        f"cgi-bin/draft/add: the connection to {server.url} broke before WeChat answered (HTTP 504), "
        "so WeChat may have done it;"
    )
    assert fake.count("cgi-bin/draft/add") == 1


def test_an_unusable_api_address_is_one_error_not_a_traceback(episode_dir, monkeypatch):
    monkeypatch.setenv("PIPELINE_WECHAT_API", "http://127.0.0.1:notaport")
    monkeypatch.setenv("WECHAT_APPID", APPID)
    monkeypatch.setenv("WECHAT_APPSECRET", SECRET)

    result = CliRunner().invoke(cli, ["publish", str(episode_dir), "--to", "wechat"])

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: cgi-bin/stable_token: http://127.0.0.1:notaport is not a usable address for the WeChat API; "
        "check PIPELINE_WECHAT_API (or unset it)"
    )


@pytest.mark.parametrize("code", [40001, 40014, 42001])
def test_a_refused_token_is_fetched_again_once_and_the_call_repeated(server, fake, tmp_path, code):
    from PIL import Image

    picture = tmp_path / "p.png"
    Image.new("RGB", (8, 8)).save(picture)
    api = client(server)
    api.upload_image(picture)
    fake.expire_tokens(code)

    assert api.upload_image(picture).startswith("http://mmbiz.qpic.cn/")
    assert fake.count("cgi-bin/stable_token") == 2
    assert fake.count("cgi-bin/media/uploadimg") == 3

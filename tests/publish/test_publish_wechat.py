"""`pipeline publish EPISODE --to wechat` against the local server that speaks WeChat's protocol."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from wechat_server import SECRET

from pipeline.cli import cli

FAST = ["--poll-interval", "0.01", "--retry-backoff", "0.01"]


def publish(episode: Path, *args: str, debug: bool = False):
    prefix = ["--debug"] if debug else []
    return CliRunner().invoke(cli, [*prefix, "publish", str(episode), "--to", "wechat", *FAST, *args])


def record(episode: Path) -> dict:
    return json.loads((episode / "published.json").read_text("utf-8"))


def uploads(fake) -> dict[str, int]:
    return {
        e: fake.count(e)
        for e in (
            "cgi-bin/material/add_material",
            "cgi-bin/media/uploadimg",
            "cgi-bin/draft/add",
            "cgi-bin/draft/update",
        )
    }


def test_full_draft_flow_records_every_id_and_prints_the_manual_step(episode_dir, server, fake):
    result = publish(episode_dir)

    assert result.exit_code == 0, result.output
    done = record(episode_dir)["wechat"]
    assert fake.materials[done["cover"]["media_id"]]["type"] == "image"
    video = fake.materials[done["video"]["media_id"]]
    assert video["type"] == "video"
    assert video["description"] == {
        "title": "《我是党员》驻村路上",
        "introduction": "王建华，驻村工作队队员（邹城市石墙镇）。我叫王建华，是一名驻村工作队队员。",
    }
    assert len(done["stills"]) == 3 and all(s["url"] in fake.images for s in done["stills"])
    (article,) = fake.drafts[done["draft"]["media_id"]]["articles"]
    assert article["title"] == "《我是党员》驻村路上"
    assert article["author"] == "中共示例县委组织部"
    assert article["thumb_media_id"] == done["cover"]["media_id"]
    assert (article["need_open_comment"], article["only_fans_can_comment"]) == (1, 0)
    # the 900x383 cover: 2.35:1 is nearly all of it, the square its centre
    assert article["pic_crop_235_1"] == "0_0.000028_1_0.999972"
    assert article["pic_crop_1_1"] == "0.287222_0_0.712778_1"
    content = article["content"]
    assert "王建华，驻村工作队队员（邹城市石墙镇）" in content
    for paragraph in ("我叫王建华，是一名驻村工作队队员。", "现在路修好了，大棚也建起来了"):
        assert paragraph in content
    assert content.count("<img") == 3
    assert "摄像：张 &amp; &lt;李&gt;" in content  # credits escaped
    assert "草稿箱" in result.output and "从素材库选择视频“《我是党员》驻村路上”插入" in result.output
    assert "视频号" in result.output and "channels" in result.output
    assert fake.count("cgi-bin/freepublish/submit") == 0  # nothing reaches followers without --submit
    assert fake.count("cgi-bin/stable_token") == 1  # one token, cached for the run


def test_rerun_uploads_nothing_again_and_makes_no_second_draft(episode_dir, server, fake):
    assert publish(episode_dir).exit_code == 0
    before, first = uploads(fake), record(episode_dir)

    again = publish(episode_dir)

    assert again.exit_code == 0, again.output
    assert uploads(fake) == before
    assert len(fake.drafts) == 1
    assert record(episode_dir)["wechat"]["draft"] == first["wechat"]["draft"]
    assert "already uploaded" in again.output


def test_a_changed_cover_is_uploaded_again_and_the_one_draft_updated(episode_dir, server, fake):
    from outbox_episode import STEM, cover

    assert publish(episode_dir).exit_code == 0
    old = record(episode_dir)["wechat"]["cover"]["media_id"]
    cover(episode_dir / f"wechat/{STEM}-cover-2.35x1.jpg", (900, 383), colour="#225")

    result = publish(episode_dir)

    assert result.exit_code == 0, result.output
    done = record(episode_dir)
    assert done["wechat"]["cover"]["media_id"] != old and done["wechat"]["cover"]["replaces"] == old
    assert any("changed since it was uploaded" in line for line in done["history"])
    assert len(fake.drafts) == 1 and fake.count("cgi-bin/draft/update") == 1
    (article,) = next(iter(fake.drafts.values()))["articles"]
    assert article["thumb_media_id"] == done["wechat"]["cover"]["media_id"]
    assert fake.count("cgi-bin/media/uploadimg") == 3  # the stills were not touched


@pytest.mark.parametrize(
    ("endpoint", "nth", "recorded"),
    [
        ("cgi-bin/material/add_material", 1, set()),
        ("cgi-bin/material/add_material", 2, {"cover"}),
        ("cgi-bin/media/uploadimg", 2, {"cover", "video", "stills"}),
        ("cgi-bin/draft/add", 1, {"cover", "video", "stills"}),
    ],
)
def test_a_failure_at_any_step_records_only_what_was_done_and_the_rerun_resumes(
    episode_dir, server, fake, endpoint, nth, recorded
):
    original = fake.handle

    def failing(path, query, headers, body):
        if path.lstrip("/") == endpoint and fake.count(endpoint) == nth - 1:
            fake.fail(endpoint, 45009)
        return original(path, query, headers, body)

    fake.handle = failing
    result = publish(episode_dir)

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: WeChat error 45009 on {endpoint}: the account's daily quota for this call is used up "
        "(WeChat said: forced error 45009); run again tomorrow (the quota resets every day); what was done "
        "is recorded and the rerun continues"
    )
    done = record(episode_dir)["wechat"] if (episode_dir / "published.json").exists() else {}
    assert {k for k, v in done.items() if v} == recorded
    fake.handle = original
    materials_before = len(fake.materials)

    assert publish(episode_dir).exit_code == 0
    assert len(fake.drafts) == 1
    assert len(fake.materials) - materials_before == 2 - len(recorded & {"cover", "video"})
    assert len(fake.images) == 3  # stills uploaded before the failure were not uploaded again


def test_an_expired_token_is_fetched_again_once(episode_dir, server, fake):
    original = fake.handle  # the token expires between the cover and the video

    def expiring(path, query, headers, body):
        if path.endswith("add_material") and fake.count("cgi-bin/material/add_material") == 1:
            fake.expire_tokens()
        return original(path, query, headers, body)

    fake.handle = expiring
    result = publish(episode_dir)

    assert result.exit_code == 0, result.output
    assert fake.count("cgi-bin/stable_token") == 2
    assert fake.count("cgi-bin/material/add_material") == 3  # the video call was made twice


def test_a_token_rejected_twice_is_an_error_not_a_loop(episode_dir, server, fake):
    fake.fail("cgi-bin/material/add_material", 40001, times=2)

    result = publish(episode_dir)

    assert result.exit_code == 1
    assert "WeChat error 40001 on cgi-bin/material/add_material" in result.output
    assert fake.count("cgi-bin/stable_token") == 2


def test_ip_not_on_the_whitelist_says_where_to_add_it(episode_dir, server, fake):
    fake.fail("cgi-bin/stable_token", 40164)

    result = publish(episode_dir)

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: WeChat error 40164 on cgi-bin/stable_token: this machine's IP address is not on the "
        "account's IP whitelist (WeChat said: forced error 40164); add the address WeChat names to "
        "微信公众平台 → 设置与开发 → 基本配置 → IP白名单 (an administrator confirms by scanning), "
        "wait about 5 minutes and run again"
    )
    assert not (episode_dir / "published.json").exists()


def test_network_failures_are_retried_then_reported(episode_dir, server, fake, monkeypatch):
    fake.fail("cgi-bin/media/uploadimg", "drop")
    fake.fail("cgi-bin/draft/add", "500")

    assert publish(episode_dir).exit_code == 0  # one failure each: retried
    assert len(fake.drafts) == 1

    with socket.socket() as closed:  # a port nobody listens on: every try is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("PIPELINE_WECHAT_API", f"http://127.0.0.1:{port}")
    result = publish(episode_dir, "--submit")
    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(
        f"Error: cgi-bin/stable_token: could not reach the WeChat API at http://127.0.0.1:{port} after 4 tries ("
    )
    assert line.endswith(
        "check the network (and PIPELINE_WECHAT_API) and run again: what was done is recorded"
    )
    assert "publish" not in record(episode_dir)["wechat"]


def test_a_submit_whose_answer_was_lost_is_not_sent_again(episode_dir, server, fake):
    assert publish(episode_dir).exit_code == 0
    fake.fail("cgi-bin/freepublish/submit", "drop")

    result = publish(episode_dir, "--submit")

    assert result.exit_code == 1
    assert fake.count("cgi-bin/freepublish/submit") == 1
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(
        f"Error: cgi-bin/freepublish/submit: the connection to {server.url} broke before WeChat answered ("
    )
    assert line.endswith(
        "look in 公众平台 (草稿箱 / 发表记录) before running again, and delete a duplicate there if the rerun makes one"
    )
    assert "publish" not in record(episode_dir)["wechat"]


def test_submit_polls_until_published_and_a_rerun_does_not_submit_again(episode_dir, server, fake):
    fake.publish_polls = 3

    result = publish(episode_dir, "--submit")

    assert result.exit_code == 0, result.output
    job = record(episode_dir)["wechat"]["publish"]
    assert job["status"] == 0 and job["article_url"].startswith("https://mp.weixin.qq.com/s/")
    assert fake.count("cgi-bin/freepublish/get") == 4
    assert job["article_url"] in result.output

    again = publish(episode_dir, "--submit")
    assert again.exit_code == 0 and "already published" in again.output
    assert fake.count("cgi-bin/freepublish/submit") == 1
    plain = publish(episode_dir)  # without --submit: no manual step left to print
    assert plain.exit_code == 0 and "already published" in plain.output and "草稿箱" not in plain.output


def test_after_publication_a_changed_file_is_not_uploaded_and_the_record_says_so(episode_dir, server, fake):
    from outbox_episode import STEM, cover

    fake.publish_polls = 0
    assert publish(episode_dir, "--submit").exit_code == 0
    before, first = uploads(fake), record(episode_dir)["wechat"]
    cover(episode_dir / f"wechat/{STEM}-cover-2.35x1.jpg", (900, 383), colour="#225")

    result = publish(episode_dir)

    assert result.exit_code == 0, result.output
    assert uploads(fake) == before  # no new material, no draft/update of a draft that has left the box
    done = record(episode_dir)
    assert done["wechat"]["cover"] == first["cover"]  # the record still names what the article uses
    assert any(
        f"wechat/{STEM}-cover-2.35x1.jpg changed after the article was published" in h
        for h in done["history"]
    )
    assert "changed after publication; nothing was sent" in result.output
    assert "草稿箱" not in result.output  # no manual step for a published article


def test_a_refused_publication_is_one_error_line(episode_dir, server, fake):
    fake.publish_polls, fake.final_status = 0, 4

    result = publish(episode_dir, "--submit")

    assert result.exit_code == 1
    publish_id = record(episode_dir)["wechat"]["publish"]["publish_id"]
    assert result.output.strip().splitlines()[-1] == (
        f"Error: WeChat publish job {publish_id}: refused by WeChat's review (平台审核不通过); "
        "open the draft in 公众平台 to see why"
    )


def test_polling_gives_up_after_the_timeout_and_the_rerun_polls_the_same_job(episode_dir, server, fake):
    fake.publish_polls = 10**6

    result = publish(episode_dir, "--submit", "--poll-timeout", "0.05")

    assert result.exit_code == 1 and "still publishing" in result.output
    fake.publish_polls = 0
    assert publish(episode_dir, "--submit").exit_code == 0
    assert fake.count("cgi-bin/freepublish/submit") == 1


def test_dry_run_sends_nothing(episode_dir, server, fake):
    result = publish(episode_dir, "--dry-run")

    assert result.exit_code == 0, result.output
    assert fake.calls == []
    assert not (episode_dir / "published.json").exists()
    assert "dry run: nothing was sent" in result.output


def test_limits_are_checked_before_uploading(episode_dir, server, fake):
    from outbox_episode import STEM

    big = episode_dir / f"wechat/{STEM}-api.mp4"
    big.unlink()
    big.write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * (10 * 1024 * 1024))

    result = publish(episode_dir)

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {big.resolve()}: is 10.0 MB; WeChat's video material takes at most 10 MB; "
        "render the wechat platform again (its size-capped variant)"
    )
    assert fake.calls == []


def test_the_secret_and_the_token_appear_in_no_output_and_no_file(episode_dir, server, fake, tmp_path):
    fake.fail("cgi-bin/draft/add", 40007)
    outputs = [publish(episode_dir, debug=True).output]
    outputs.append(publish(episode_dir, "--submit", debug=True).output)
    fake.fail("cgi-bin/freepublish/get", "500", times=9)
    outputs.append(publish(episode_dir, debug=True).output)

    tokens = list(fake.tokens)
    assert tokens
    for secret in (SECRET, *tokens):
        for text in outputs:
            assert secret not in text
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path
    # the secret travels only in the stable_token body, never in a query string
    assert all(SECRET not in query for _, query, _ in fake.requests_seen)


def test_missing_credentials_and_a_readable_credentials_file(episode_dir, server, monkeypatch, tmp_path):
    monkeypatch.delenv("WECHAT_APPSECRET")
    result = publish(episode_dir)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: WECHAT_APPSECRET not set; export the account's AppID and AppSecret (公众平台 → 设置与开发 → "
        "基本配置), or give --credentials FILE"
    )
    file = tmp_path / "wechat.toml"
    file.write_text(f'appid = "wx0123456789abcdef"\nsecret = "{SECRET}"\n', "utf-8")
    os.chmod(file, 0o644)
    result = publish(episode_dir, "--credentials", str(file))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {file}: other users can read this credentials file; make it private with `chmod 600 {file}`"
    )
    os.chmod(file, 0o600)
    assert publish(episode_dir, "--credentials", str(file)).exit_code == 0


def test_a_folder_that_is_not_an_outbox_episode(tmp_path, server):
    result = publish(tmp_path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {tmp_path / 'publish.json'}: not found; give an episode folder under "
        "ROOT/outbox/<week>/ made by `pipeline batch`"
    )


def test_a_title_over_the_limit_is_refused_before_anything_is_sent(outbox_root, clip, server, fake):
    from outbox_episode import build_outbox_episode

    episode = build_outbox_episode(outbox_root, clip, title="题" * 33)

    result = publish(episode)

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {episode.resolve() / 'publish.json'}: the title has 33 characters, WeChat allows 32; "
        "fix project.toml and run `pipeline batch` again"
    )
    assert fake.calls == []


def test_a_second_publish_of_the_same_episode_at_once_is_refused(episode_dir, server, fake):
    from pipeline.project.lock import exclusive

    with exclusive(episode_dir / ".publish.lock", what="test", where=episode_dir):
        result = publish(episode_dir)

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {episode_dir.resolve()}: another pipeline publish is running on it (pid {os.getpid()}); "
        "wait for it to finish, or stop it, and run again"
    )
    assert fake.calls == []


def test_text_that_echoes_the_token_or_the_secret_is_scrubbed_in_errors_and_debug_logs(
    episode_dir, server, fake, caplog
):
    """A proxy (or WeChat) whose errmsg quotes the request URL, the token and the secret: the Error
    line and the --debug log show *** instead."""
    import logging

    caplog.set_level(logging.DEBUG, logger="pipeline")
    original = fake.handle

    def echoing(path, query, headers, body):
        if path.endswith("draft/add"):
            fake.calls.append(path.lstrip("/"))
            token = query["access_token"][0]
            return {
                "errcode": 40007,
                "errmsg": f"invalid media_id for POST {path}?access_token={token} (token {token}, {SECRET})",
            }
        return original(path, query, headers, body)

    fake.handle = echoing
    fake.fail("cgi-bin/media/uploadimg", "truncated")  # a retry: its reason goes to the debug log
    result = publish(episode_dir, debug=True)

    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("Error: WeChat error 40007 on cgi-bin/draft/add: invalid media id")
    assert "access_token=*** (token ***, ***)" in line
    assert "access_token=***" in caplog.text and "retrying" in caplog.text  # the debug log was captured
    tokens = list(fake.tokens)
    assert tokens
    for secret in (SECRET, *tokens):
        assert secret not in result.output
        assert secret not in caplog.text
        assert secret not in (episode_dir / "published.json").read_text("utf-8")


def test_the_manual_step_names_the_title_the_video_material_was_uploaded_with(episode_dir, server, fake):
    assert publish(episode_dir).exit_code == 0
    package = json.loads((episode_dir / "publish.json").read_text("utf-8"))
    package["title"] = "《我是党员》新的标题"
    (episode_dir / "publish.json").write_text(json.dumps(package, ensure_ascii=False), "utf-8")

    result = publish(episode_dir)

    assert result.exit_code == 0, result.output
    (video,) = [m for m in fake.materials.values() if m["type"] == "video"]  # not uploaded again
    assert video["description"]["title"] == "《我是党员》驻村路上"
    assert "打开草稿《《我是党员》新的标题》" in result.output
    assert "从素材库选择视频“《我是党员》驻村路上”插入" in result.output
    (article,) = next(iter(fake.drafts.values()))["articles"]
    assert article["title"] == "《我是党员》新的标题" and fake.count("cgi-bin/draft/update") == 1


def test_a_still_over_the_limit_names_the_video_it_was_taken_from(episode_dir, server, fake, monkeypatch):
    from outbox_episode import STEM

    from pipeline.publish import wechat

    monkeypatch.setattr(wechat, "STILL_MAX", 100)  # every frame is over it

    result = publish(episode_dir)

    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: {(episode_dir / f'web/{STEM}.mp4').resolve()}: the still taken at ")
    assert line.endswith(
        "KB (JPEG); media/uploadimg takes JPG/PNG under 1 MB; render the web platform again, and report "
        "it if it persists"
    )
    assert fake.count("cgi-bin/media/uploadimg") == 0

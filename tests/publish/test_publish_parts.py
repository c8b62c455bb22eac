"""The publish stage's pure parts (argument lists, crops, limits, multipart, redaction) and the
stills measured on a real extraction."""

from __future__ import annotations

import email.parser
import email.policy
import json
import os
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from pipeline.errors import PublishError
from pipeline.publish.article import article_problems, centre_crop
from pipeline.publish.credentials import Credentials, load_credentials
from pipeline.publish.stills import extract_still, still_args, still_times_ms
from pipeline.publish.wechat_api import multipart_body, redact
from pipeline.publish.wechat_errors import describe


def test_still_args_golden():
    assert still_args(Path("/o/web/片.mp4"), 1500, Path("/t/still-1.jpg")) == [
        "-y",
        "-v",
        "error",
        "-ss",
        "1.500",
        "-i",
        "/o/web/片.mp4",
        "-frames:v",
        "1",
        "-vf",
        "scale='min(1080,iw)':-2",
        "-q:v",
        "4",
        "-f",
        "image2",
        "/t/still-1.jpg",
    ]
    assert still_times_ms(240_000) == (60_000, 120_000, 180_000)
    assert still_times_ms(240_000, 2) == (60_000, 120_000)


def test_a_still_is_a_jpg_of_the_frame_asked_for(clip, tmp_path):
    still = extract_still(clip, 1500, tmp_path / "still.jpg")
    with Image.open(still) as image:
        assert (image.format, image.size) == ("JPEG", (320, 180))  # never enlarged past the source
        # testsrc2 moves: frames at different times differ
        first = image.convert("L").tobytes()
    with Image.open(extract_still(clip, 300, tmp_path / "other.jpg")) as other:
        assert other.convert("L").tobytes() != first
    assert still.stat().st_size < 1024 * 1024


@pytest.mark.parametrize(
    ("size", "aspect", "crop"),
    [
        ((1920, 1080), Fraction(235, 100), "0_0.121749_1_0.878251"),
        ((1920, 1080), Fraction(1), "0.21875_0_0.78125_1"),
        ((900, 900), Fraction(235, 100), "0_0.287234_1_0.712766"),
        ((900, 900), Fraction(1), "0_0_1_1"),
    ],
)
def test_centre_crop_is_normalised_x1_y1_x2_y2(size, aspect, crop):
    assert centre_crop(*size, aspect) == crop
    x1, y1, x2, y2 = map(float, crop.split("_"))
    assert abs((x2 - x1) * size[0] / ((y2 - y1) * size[1]) - float(aspect)) < 1e-4


def test_article_limits_are_the_documented_ones():
    assert article_problems("题" * 32, "作" * 16, "摘" * 128, "<p>x</p>") == []
    assert article_problems("题" * 33, "作" * 17, "摘" * 129, "x" * 20_000) == [
        "the title has 33 characters, WeChat allows 32",
        "the author has 17 characters, WeChat allows 16",
        "the digest has 129 characters, WeChat allows 128",
        "the article has 20000 characters, WeChat needs fewer than 20,000",
    ]
    assert article_problems("t", "", "", "字" * 350_000)[-1] == "the article is over 1 MB, WeChat needs less"


def test_multipart_body_is_valid_form_data(tmp_path):
    video = tmp_path / "我是党员-01-api.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42\r\n--not-a-boundary\r\n")
    description = json.dumps({"title": "《我是党员》驻村路上", "introduction": "简介"}, ensure_ascii=False)

    body, content_type = multipart_body({"description": description}, {"media": video})

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
    assert set(parts) == {"description", "media"}
    assert json.loads(parts["description"].get_payload(decode=True)) == json.loads(description)
    assert parts["media"].get_filename() == "media.mp4"
    assert parts["media"].get_content_type() == "video/mp4"
    assert parts["media"].get_payload(decode=True) == video.read_bytes()


def test_tokens_are_redacted_from_urls_and_codes_explained():
    assert (
        redact("https://api/x?access_token=ABC.def-1&type=image")
        == "https://api/x?access_token=***&type=image"
    )
    assert describe(45009, "reach max api daily quota limit", "cgi-bin/draft/add").startswith(
        "WeChat error 45009 on cgi-bin/draft/add: the account's daily quota for this call is used up"
    )
    assert describe(99999, "", "cgi-bin/x") == (
        "WeChat error 99999 on cgi-bin/x: an error this tool does not know; "
        "look the code up in WeChat's global return codes"
    )


def test_credentials_never_show_the_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("WECHAT_APPID", raising=False)
    monkeypatch.delenv("WECHAT_APPSECRET", raising=False)
    assert "hush" not in repr(Credentials("wx1", "hush"))
    broken = tmp_path / "wechat.toml"
    broken.write_text('appid = "wx1"\nsecret = hush-unquoted\n', "utf-8")
    os.chmod(broken, 0o600)
    with pytest.raises(PublishError) as err:
        load_credentials(broken)
    assert "hush" not in str(err.value)
    monkeypatch.setenv("WECHAT_APPID", "wx-env")
    monkeypatch.setenv("WECHAT_APPSECRET", "from-env")
    assert load_credentials(broken) == Credentials("wx-env", "from-env")  # the environment wins

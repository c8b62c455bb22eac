"""The main job, end to end: `pipeline demo` builds the sample project and runs every stage.

Slow (a full 1080p render of a 3-4 minute episode for three platforms), and run on every CI run
because it is what the README's first command does.
"""

from __future__ import annotations

import json

import av
import pytest
from click.testing import CliRunner

from pipeline.cli import cli


@pytest.mark.slow
def test_demo_makes_every_platform_of_the_sample_episode(tmp_path):
    root = tmp_path / "sample"
    result = CliRunner().invoke(cli, ["demo", str(root)])
    assert result.exit_code == 0, result.output + result.stderr
    manifest = json.loads((root / "exports" / "manifest.json").read_text("utf-8"))
    outputs = {(o["platform"], o["variant"]): o for o in manifest["outputs"]}
    assert set(outputs) >= {("web", "main"), ("wechat", "main"), ("wechat", "api"), ("channels", "main")}
    for entry in outputs.values():
        assert entry["problems"] == []
        assert 180 <= entry["duration_s"] <= 300  # the first-person template's 3-5 minutes
        assert abs(entry["loudness_lufs"] - (-15.0)) <= 1.0
        with av.open(str(root / entry["path"])) as container:
            video = container.streams.video[0]
            assert float(video.duration * video.time_base) == pytest.approx(entry["duration_s"], abs=0.1)
    assert (outputs[("channels", "main")]["width"], outputs[("channels", "main")]["height"]) == (1080, 1920)
    assert outputs[("wechat", "api")]["size_bytes"] <= 10_000_000
    assert (root / "cut.md").read_text("utf-8").count(
        "\n    broll broll-"
    ) >= 3  # cutaways proposed, rendered
    web_srt = next((root / "exports" / "web").glob("*.srt")).read_text("utf-8")
    assert "王建华" in web_srt
    # packaged, published to a website folder, and checked against WeChat's limits without sending
    assert (root / "site" / "index.html").is_file() and (root / "site" / "feed.xml").is_file()
    (package,) = [p.parent for p in (root / "outbox" / "2026-W48").glob("*/publish.json")]
    assert set(json.loads((package / "published.json").read_text("utf-8"))) == {"version", "site"}
    assert "dry run: nothing was sent" in result.output

    approved = {p.name: p.read_bytes() for p in (root / "subtitles").glob("int-*[0-9].srt")}
    again = CliRunner().invoke(cli, ["render", str(root)])
    assert again.exit_code == 0
    assert "rendered" not in again.output  # nothing changed: every output is up to date
    assert {p.name: p.read_bytes() for p in (root / "subtitles").glob("int-*[0-9].srt")} == approved

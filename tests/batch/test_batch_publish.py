"""`pipeline batch ROOT --week W --publish site --site DIR [--publish wechat]`: what was packaged is
published; one episode's failed publish does not stop the others."""

import json

from batch_projects import SLUGS, WEEK
from click.testing import CliRunner

from pipeline.cli import cli


def test_batch_publishes_every_packaged_episode_to_the_site(week_root, tmp_path):
    site = tmp_path / "site"

    result = CliRunner().invoke(
        cli, ["batch", str(week_root), "--week", WEEK, "--publish", "site", "--site", str(site)]
    )

    assert result.exit_code == 0, result.output
    data = json.loads((site / "site.json").read_text("utf-8"))
    assert sorted(e["id"] for e in data["episodes"]) == [f"{WEEK}-01", f"{WEEK}-02", f"{WEEK}-03"]
    for slug in SLUGS:
        published = json.loads((week_root / "outbox" / WEEK / slug / "published.json").read_text("utf-8"))
        assert published["site"]["dir"] == str(site.resolve())
    page = (site / "episodes" / f"{WEEK}-02" / "index.html").read_text("utf-8")
    assert "大棚是我们的希望" in page  # the story, from the approved subtitles

    # the episodes render web only: WeChat's dry run says what is missing, for each, and exits 1
    again = CliRunner().invoke(
        cli, ["batch", str(week_root), "--week", WEEK, "--publish", "wechat", "--dry-run"]
    )
    assert again.exit_code == 1
    errors = [line for line in again.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 4
    assert errors[0].startswith(f"Error: {SLUGS[0]}: publishing to wechat failed: ")
    assert errors[0].endswith(
        "publish.json: the package has no size-capped WeChat video (wechat/…-api.mp4); "
        "render the wechat platform and run `pipeline batch` again"
    )
    assert errors[-1] == "Error: 3 publish step(s) failed (see the lines above); run the command again"


def test_publish_is_refused_for_drafts_and_site_needs_a_folder(week_root):
    draft = CliRunner().invoke(cli, ["batch", str(week_root), "--draft", "--publish", "site", "--site", "x"])
    assert draft.exit_code == 2
    assert "--publish cannot be used with --draft" in draft.output
    no_site = CliRunner().invoke(cli, ["batch", str(week_root), "--week", WEEK, "--publish", "site"])
    assert no_site.exit_code == 1
    assert no_site.stderr == (
        "Error: publishing to the website needs --site DIR, the folder the website is kept in\n"
    )
    assert not (week_root / "outbox").exists()  # refused before anything was rendered

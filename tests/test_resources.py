"""Shipped presets and assets, and an office's own presets folder ($PIPELINE_PRESETS) on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import resources
from pipeline.errors import PresetError
from pipeline.presets import available, preset_path
from pipeline.project.glossary import load_office_glossary
from pipeline.render.platforms import load_platform
from pipeline.subtitles.profile import load_qc_profile

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def office(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "office presets"
    monkeypatch.setenv(resources.PRESETS_ENV, str(folder))
    return folder


def test_a_checkout_reads_the_repository_folders(monkeypatch):
    monkeypatch.delenv(resources.PRESETS_ENV, raising=False)
    assert resources.shipped_presets_dir() == REPO / "presets"
    assert resources.assets_dir() == REPO / "assets"
    assert preset_path("platforms", "web") == REPO / "presets" / "platforms" / "web.toml"
    assert available("platforms") == tuple(
        sorted(p.stem for p in (REPO / "presets" / "platforms").glob("*.toml"))
    )
    assert {"web", "wechat", "channels"} <= set(available("platforms"))


def test_an_office_file_wins_and_the_rest_comes_from_the_shipped_presets(office):
    shipped_web = (REPO / "presets" / "platforms" / "web.toml").read_text("utf-8")
    assert "crf = 20" in shipped_web
    (office / "platforms").mkdir(parents=True)
    (office / "platforms" / "web.toml").write_text(shipped_web.replace("crf = 20", "crf = 23"), "utf-8")
    assert load_platform("web").video.crf == 23
    assert preset_path("platforms", "web") == office / "platforms" / "web.toml"
    assert load_platform("wechat") == load_platform("wechat", {})  # not overridden: shipped
    assert preset_path("platforms", "wechat") == REPO / "presets" / "platforms" / "wechat.toml"
    assert load_qc_profile("zh-CN").max_chars_per_line > 0


def test_an_office_adds_a_preset_and_a_profile_extends_a_shipped_one(office):
    (office / "qc").mkdir(parents=True)
    (office / "qc" / "county.toml").write_text('extends = "zh-CN"\nmax_chars_per_second = 6.0\n', "utf-8")
    assert available("qc") == ("county", "zh-CN", "zh-CN-vertical")
    county, shipped = load_qc_profile("county"), load_qc_profile("zh-CN")
    assert county.max_chars_per_second == 6.0 != shipped.max_chars_per_second
    assert county.max_chars_per_line == shipped.max_chars_per_line


def test_the_office_glossary_is_replaced_as_a_whole(office):
    assert "第一书记" in load_office_glossary().terms  # no office copy yet: the shipped one
    office.mkdir()
    (office / "glossary.toml").write_text('terms = ["石墙镇"]\n[wrong_forms]\n"十墙镇" = "石墙镇"\n', "utf-8")
    glossary = load_office_glossary()
    assert glossary.terms == ("石墙镇",)
    assert glossary.wrong_forms == (("十墙镇", "石墙镇"),)


def test_a_broken_office_file_is_named(office):
    (office / "platforms").mkdir(parents=True)
    (office / "platforms" / "web.toml").write_text("[video\n", "utf-8")
    with pytest.raises(PresetError, match=r"office presets/platforms/web\.toml: invalid TOML"):
        load_platform("web")

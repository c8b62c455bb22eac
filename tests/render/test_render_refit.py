"""The size-capped variant: re-encoded once, smaller, when one-pass ABR overshoots the cap."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import av
import media

from pipeline.render.encode import CappedSize
from pipeline.render.platforms import load_platform
from pipeline.render.refit import refit_capped


def test_an_oversized_capped_file_is_re_encoded_under_the_cap(tmp_path: Path):
    wechat = load_platform("wechat")
    wechat = dataclasses.replace(wechat, size_cap=dataclasses.replace(wechat.size_cap, max_mb=0.08))
    main = media.make_clip(tmp_path / "main.mp4", size="640x360", duration=2.0, extra=("-b:v", "2M"))
    capped = tmp_path / "main-api.mp4"
    shutil.copyfile(main, capped)  # as if the ABR encode had come out at the main file's size
    assert capped.stat().st_size > 80_000
    size = CappedSize(320, 180, 300, "64k")
    note = refit_capped(capped, main, wechat, size, "wechat (API-sized)")
    assert "re-encoded at" in note and "over the cap" in note
    assert capped.stat().st_size <= 80_000
    with av.open(str(capped)) as container:
        assert (
            container.streams.video[0].codec_context.width,
            container.streams.video[0].codec_context.height,
        ) == (320, 180)
    assert refit_capped(capped, main, wechat, size, "wechat (API-sized)") == ""  # now it fits: left alone

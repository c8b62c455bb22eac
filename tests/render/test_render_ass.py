"""Burned-in subtitles: ASS sizes in output pixels, the CJK font by name, text shown literally."""

from __future__ import annotations

import re

from render_scenes import NASTY

from pipeline.edit.timeline import Style
from pipeline.render.ass import (
    ass_colour,
    ass_document,
    ass_time,
    escape_text,
    laid_out,
    line_height_ratio,
    subtitle_look,
)
from pipeline.render.platforms import load_platform
from pipeline.subtitles.cue import Cue
from pipeline.subtitles.profile import load_qc_profile


def look_for(name: str):
    preset = load_platform(name)
    return subtitle_look(preset.subtitles, preset.picture.width, preset.picture.height, Style())


def test_play_resolution_is_the_output_size_and_the_font_is_named():
    doc = ass_document((Cue(0, 1000, ("你好",)),), look_for("channels"))
    assert "PlayResX: 1080\nPlayResY: 1920\n" in doc
    assert "WrapStyle: 2" in doc  # we break lines; libass must not
    style = next(line for line in doc.splitlines() if line.startswith("Style: "))
    assert style.split(",")[1] == "Noto Sans CJK SC"


def test_text_height_and_margin_come_from_the_preset():
    wechat, channels = look_for("wechat"), look_for("channels")
    ratio = line_height_ratio()
    assert 1.3 < ratio < 1.6  # Noto Sans CJK: ascent + descent = 1.448 em
    assert wechat.font_size == round(1080 * 0.05 * ratio)  # 5% of 1080 px
    assert wechat.margin_v == round(1080 * 0.06)
    assert channels.font_size == round(1920 * 0.034 * ratio)
    assert channels.margin_v == round(1920 * 0.22)  # above the Channels UI
    style = next(line for line in ass_document((), wechat).splitlines() if line.startswith("Style: ")).split(
        ","
    )
    assert (style[2], style[3], style[18], style[21]) == (
        str(wechat.font_size),
        "&H00FFFFFF",
        "2",
        str(wechat.margin_v),
    )


def test_braces_and_backslashes_show_literally():
    assert escape_text("{\\b1}") == "\\{\\\u200bb1\\}"
    assert escape_text("a\\Nb") == "a\\\u200bNb"  # not a line break
    doc = ass_document((Cue(1000, 2000, (NASTY,)),), look_for("wechat"))
    event = doc.splitlines()[-1]
    text = event.split(",,", 1)[1].split(",,", 1)[1] if event.count(",,") >= 2 else event
    assert '"引号" 10%: [括号] \\\u200b \\{\\}' in event
    # no unescaped override block and no live backslash code remains
    assert not re.search(r"(?<!\\)\{", text) and not re.search(r"\\(?![\u200b{}N])", text)


def test_lines_join_with_ass_line_breaks_and_times_are_centiseconds():
    doc = ass_document((Cue(61_234, 63_995, ("第一行", "第二行")),), look_for("wechat"))
    assert doc.splitlines()[-1] == "Dialogue: 0,0:01:01.23,0:01:04.00,Default,,0,0,0,,第一行\\N第二行"
    assert ass_time(3_600_000 + 5) == "1:00:00.01"


def test_cues_past_the_end_are_clipped_and_empty_ones_dropped():
    doc = ass_document(
        (Cue(0, 1000, ("",)), Cue(500, 9000, ("末尾",)), Cue(9000, 9500, ("外",))),
        look_for("web"),
        duration_ms=8000,
    )
    events = [line for line in doc.splitlines() if line.startswith("Dialogue:")]
    assert events == ["Dialogue: 0,0:00:00.50,0:00:08.00,Default,,0,0,0,,末尾"]


def test_colours_are_ass_bgr_with_alpha():
    assert ass_colour("#C8161D") == "&H001D16C8"
    assert ass_colour("#000000", 0x64) == "&H64000000"


def test_vertical_layout_is_one_line_of_at_most_13_characters():
    profile = load_qc_profile("zh-CN-vertical")
    cue = Cue(0, 6000, ("我们村里的年轻人都出去打工了", "留下的都是老人和孩子"))
    cues = laid_out((cue,), profile.max_chars_per_line, profile.max_lines, gap_ms=profile.min_gap_ms)
    assert len(cues) >= 2
    assert all(len(c.lines) == 1 and len(c.lines[0]) <= 13 for c in cues)
    assert "".join(c.flat for c in cues).replace(" ", "") == cue.flat
    assert cues[0].start_ms == 0 and cues[-1].end_ms == 6000


def test_burned_text_is_the_preset_height_above_the_preset_margin(tmp_path):
    """Draw one subtitle with libass at 1920x1080 and measure the white glyphs."""
    import numpy as np
    from PIL import Image

    from pipeline.media.runner import run_ffmpeg
    from pipeline.render.ass import fonts_folder
    from pipeline.render.filters import f, text

    look = look_for("wechat")  # text 5% of 1080 = 54 px, bottom margin 6% = 65 px
    ass = tmp_path / "one.ass"
    ass.write_text(ass_document((Cue(0, 2000, ("国国国国",)),), look), "utf-8")
    out = tmp_path / "frame.png"
    vf = f("ass", filename=text(ass), fontsdir=text(fonts_folder(tmp_path / "fonts")))
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=1920x1080:d=0.1",
            "-vf",
            vf,
            "-frames:v",
            "1",
            "-update",
            "1",
            str(out),
        ],
        outputs=[out],
    )
    pixels = np.asarray(Image.open(out).convert("L")) > 128
    rows = np.flatnonzero(pixels.any(axis=1))
    glyph_height = rows[-1] - rows[0] + 1
    assert 0.8 * 54 <= glyph_height <= 54  # a CJK glyph fills ~88% of its em box
    assert 65 <= 1080 - rows[-1] <= 65 + 0.3 * 54  # the line's descent sits on the margin


def test_the_fonts_folder_holds_only_the_subtitle_font(tmp_path):
    from pipeline.media.fonts import find_cjk_font
    from pipeline.render.ass import fonts_folder

    folder = fonts_folder(tmp_path / "fonts")
    assert [p.name for p in folder.iterdir()] == [find_cjk_font().regular.name]
    assert fonts_folder(tmp_path / "fonts") == folder  # idempotent

"""Cards, lower thirds and covers: drawn at the right size, any text, cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from render_scenes import NASTY

from pipeline.edit.timeline import Card, Overlay, Style
from pipeline.render.graphics import (
    Canvas,
    card_image,
    cover_jpeg,
    draw_cover,
    lower_third_image,
    split_title,
)


def test_title_and_credits_cards_with_nasty_text(tmp_path: Path):
    title = card_image(
        Card("title", ("我是党员", f"驻村路上 {NASTY}", "王建华")), Style(), Canvas(1920, 1080), tmp_path
    )
    credits = card_image(
        Card("credits", ("出品  县党员教育中心", f"剪辑  {NASTY}")), Style(), Canvas(640, 360), tmp_path
    )
    for path, size in ((title, (1920, 1080)), (credits, (640, 360))):
        with Image.open(path) as image:
            assert image.size == size and image.mode == "RGB"

    # the title card: series name in the accent colour from 30 % down, a thin rule under it, then
    # the episode title large and the subject's name smaller, in the text colour, all centred
    series, rule = _bands(_ink(title, ACCENT))
    assert abs(series[0] - 0.30 * 1080) <= 4 and series[1] < rule[0] and rule[1] - rule[0] <= 12
    heading, name = _bands(_ink(title, TEXT))
    assert rule[1] < heading[0] < heading[1] < name[0]
    assert heading[1] - heading[0] > 2 * (name[1] - name[0])  # the title is the largest text
    assert abs(_centre_x(_ink(title, ACCENT)) - 960) <= 8 and abs(_centre_x(_ink(title, TEXT)) - 960) <= 8
    margin = int(1920 * 0.07)  # titles are fitted to 86 % of the width
    assert not _ink(title, TEXT)[:, :margin].any() and not _ink(title, TEXT)[:, -margin:].any()

    # the credits card: two lines as one block, centred both ways
    first, second = _bands(_ink(credits, TEXT))
    assert abs((first[0] + second[1]) / 2 - 180) <= 8
    assert abs(_centre_x(_ink(credits, TEXT)) - 320) <= 8


TEXT, ACCENT = (0xFF, 0xFF, 0xFF), (0xC8, 0x16, 0x1D)  # Style()'s text and accent colours


def _ink(path: Path, colour: tuple[int, int, int]) -> np.ndarray:
    """Where the image is (nearly) `colour`: glyph cores, not their anti-aliased edges."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    return np.abs(pixels - np.array(colour)).sum(axis=2) < 60


def _bands(ink: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) of each run of rows holding ink: one per line of text or rule."""
    rows = np.flatnonzero(ink.any(axis=1))
    breaks = np.flatnonzero(np.diff(rows) > 1)
    starts = [rows[0], *rows[breaks + 1]]
    ends = [*rows[breaks], rows[-1]]
    return [(int(a), int(b) + 1) for a, b in zip(starts, ends)]


def _centre_x(ink: np.ndarray) -> float:
    columns = np.flatnonzero(ink.any(axis=0))
    return (columns[0] + columns[-1]) / 2


def test_cards_are_cached_by_content_and_size(tmp_path: Path):
    card = Card("title", ("我是党员", "驻村路上"))
    first = card_image(card, Style(), Canvas(1920, 1080), tmp_path)
    stamp = first.stat().st_mtime_ns
    assert card_image(card, Style(), Canvas(1920, 1080), tmp_path) == first
    assert first.stat().st_mtime_ns == stamp  # not drawn again
    assert card_image(card, Style(), Canvas(640, 360), tmp_path) != first
    assert card_image(card, Style(accent_colour="#003399"), Canvas(1920, 1080), tmp_path) != first
    assert (
        card_image(Card("title", ("我是党员", "驻村路上!")), Style(), Canvas(1920, 1080), tmp_path) != first
    )


def test_lower_third_is_a_translucent_bar_placed_clear_of_subtitles(tmp_path: Path):
    overlay = Overlay("lower_third", 0, 5000, ("王建华", f"驻村工作队队员 {NASTY}"))
    placed = lower_third_image(overlay, Style(), Canvas(1920, 1080), tmp_path)
    with Image.open(placed.path) as bar:
        assert bar.mode == "RGBA"
        assert bar.getpixel((bar.width - 2, 2))[3] == 215  # the accent bar, see-through
        assert placed.x >= 0 and placed.x + bar.width <= 1920
        assert placed.y + bar.height <= 1080 * 0.8  # above two subtitle lines at 6% margin
    again = lower_third_image(overlay, Style(), Canvas(1920, 1080), tmp_path)
    assert again == placed


def test_vertical_lower_third_sits_inside_the_channels_safe_area(tmp_path: Path):
    placed = lower_third_image(
        Overlay("lower_third", 0, 5000, ("王建华", "驻村工作队队员")),
        Style(),
        Canvas(1080, 1920, "vertical"),
        tmp_path,
    )
    with Image.open(placed.path) as bar:
        top, bottom = placed.y, placed.y + bar.height
    safe_top, safe_bottom = (1920 - 1260) // 2, (1920 + 1260) // 2
    assert safe_top <= top and bottom <= safe_bottom
    assert bottom < 1920 * (1 - 0.22) - 1920 * 0.034  # above the vertical subtitles


def test_covers_fill_their_size_and_fit_a_byte_limit(tmp_path: Path):
    frame = tmp_path / "frame.png"
    Image.effect_noise((1920, 1080), 90).convert("RGB").save(frame)  # a hard-to-compress picture
    for width, height in ((1920, 1080), (900, 383), (900, 900), (1080, 1260)):
        image = draw_cover("我是党员", f"驻村路上 {NASTY}", Style(), width, height, frame)
        assert image.size == (width, height)
    thumb = cover_jpeg(draw_cover("我是党员", "驻村路上", Style(), 900, 383, frame), max_kb=64)
    assert len(thumb) <= 64_000 and thumb[:2] == b"\xff\xd8"
    plain = draw_cover("我是党员", "驻村路上", Style(), 900, 900, None)  # no footage: the title card design
    assert plain.size == (900, 900)


def test_long_titles_break_after_punctuation_near_the_middle():
    assert split_title("驻村路上：一位老党员的坚守") == ("驻村路上：", "一位老党员的坚守")
    assert split_title("一二三四五六") == ("一二三", "四五六")

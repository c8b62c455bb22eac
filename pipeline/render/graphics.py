"""Title cards, credits cards, lower thirds and covers, drawn with Pillow.

Text is drawn as pixels, so it shows literally whatever it contains (quotes, colons, `%`,
brackets, backslashes): nothing goes through ffmpeg's drawtext escaping. Every graphic is drawn at
the size it is shown at and cached in `.cache/graphics/`, named by a hash of everything that shapes
it (text, style, logo contents, size, this module's version), so a rerun finds it and draws nothing.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.edit.timeline import Card, Overlay, Style
from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.media.fonts import CjkFont, find_cjk_font
from pipeline.project.digest import content_key, sha256_file
from pipeline.project.files import atomic_write_bytes
from pipeline.render.video import PlacedImage

GRAPHICS_VERSION = 2  # bump when the drawing changes, so cached images are redrawn
BAR_ALPHA = 215  # the lower third's bar: accent colour, slightly see-through
BREAK_AFTER = "：:，,、；;—-·| "  # a title is broken into two lines after one of these when it can


@dataclass(frozen=True, slots=True)
class Canvas:
    width: int
    height: int
    layout: str = "landscape"  # lower thirds sit differently in a vertical frame


def cache_key(kind: str, lines: tuple[str, ...], style: Style, canvas: Canvas, extra: str = "") -> str:
    logo = ""
    if style.logo is not None:
        try:
            logo = sha256_file(Path(style.logo))
        except OSError:
            raise RenderError(
                _("{path}: the logo cannot be read; check [assets] logo in project.toml").format(
                    path=style.logo
                )
            ) from None
    return content_key(
        [
            GRAPHICS_VERSION,
            kind,
            lines,
            style.font,
            style.text_colour,
            style.accent_colour,
            style.background_colour,
            logo,
            canvas.width,
            canvas.height,
            canvas.layout,
            extra,
        ]
    )[:16]


def _cached(cache_dir: Path, name: str, draw) -> Path:
    path = cache_dir / name
    if not path.exists():
        buffer = io.BytesIO()
        draw().save(buffer, format="PNG")
        atomic_write_bytes(path, buffer.getvalue())
    return path


def card_image(card: Card, style: Style, canvas: Canvas, cache_dir: Path) -> Path:
    """The title or credits card as an RGB PNG at `canvas` size (cached)."""
    key = cache_key(card.kind, card.lines, style, canvas)
    painter = draw_title_card if card.kind == "title" else draw_credits_card
    return _cached(
        cache_dir,
        f"{card.kind}-{canvas.width}x{canvas.height}-{key}.png",
        lambda: painter(card.lines, style, canvas),
    )


def lower_third_image(overlay: Overlay, style: Style, canvas: Canvas, cache_dir: Path) -> PlacedImage:
    """The lower third as an RGBA PNG of the bar alone, and where it goes on the `canvas` (cached,
    with its position in a small JSON file beside it)."""
    key = cache_key(overlay.kind, overlay.lines, style, canvas)
    path = cache_dir / f"{overlay.kind}-{canvas.width}x{canvas.height}-{key}.png"
    where = path.with_suffix(".json")
    try:
        x, y = json.loads(where.read_text("utf-8"))
        if path.exists():
            return PlacedImage(path, int(x), int(y))
    except (OSError, ValueError, TypeError):
        pass
    image, x, y = draw_lower_third(overlay.lines, style, canvas)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue())
    atomic_write_bytes(where, json.dumps([x, y]).encode("utf-8"))
    return PlacedImage(path, x, y)


# drawing ------------------------------------------------------------------------------------------


def _font(size: int, *, bold: bool = False, font: CjkFont | None = None) -> ImageFont.FreeTypeFont:
    font = font or find_cjk_font()
    path, index = (font.bold, font.bold_index) if bold else (font.regular, font.regular_index)
    return ImageFont.truetype(str(path), size=max(8, int(size)), index=index)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.strip().lstrip("#")
    if len(value) != 6:
        raise RenderError(
            _("colour {colour} is not #RRGGBB; fix the template's style colours").format(colour=repr(colour))
        )
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        raise RenderError(
            _("colour {colour} is not #RRGGBB; fix the template's style colours").format(colour=repr(colour))
        ) from None


def _width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont) -> int:
    left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
    return int(right - left)


def split_title(text: str) -> tuple[str, str]:
    """Two balanced lines, broken after punctuation near the middle when there is some."""
    middle = len(text) / 2
    candidates = [i + 1 for i, c in enumerate(text[:-1]) if c in BREAK_AFTER]
    at = min(candidates, key=lambda i: abs(i - middle)) if candidates else round(middle)
    if not 0 < at < len(text) or abs(at - middle) > len(text) / 3:
        at = round(middle)
    return text[:at].rstrip(), text[at:].lstrip()


def fit_lines(
    draw: ImageDraw.ImageDraw,
    text: str,
    size: int,
    max_width: int,
    *,
    bold: bool = False,
    min_size: int = 12,
    wrap: bool = True,
) -> tuple[tuple[str, ...], ImageFont.FreeTypeFont]:
    """`text` at the largest size up to `size` that fits `max_width`, on two lines if one will not do."""
    font = _font(size, bold=bold)
    if _width(draw, text, font) <= max_width:
        return (text,), font
    if wrap and len(text) > 3:
        lines = split_title(text)
        widest = max(lines, key=lambda line: _width(draw, line, font))
        scale = min(1.0, max_width / max(1, _width(draw, widest, font)))
        single_scale = max_width / max(1, _width(draw, text, font))
        if scale > single_scale * 1.25:  # two lines only when that keeps the text clearly larger
            return lines, _font(max(min_size, int(size * scale)), bold=bold)
    scale = max_width / max(1, _width(draw, text, font))
    return (text,), _font(max(min_size, int(size * scale)), bold=bold)


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: tuple[str, ...],
    font,
    centre_x: int,
    top: int,
    fill,
    spacing: float = 1.25,
) -> int:
    """Centred lines from `top`; returns the y below the last line."""
    step = int(font.size * spacing)
    for i, line in enumerate(lines):
        draw.text((centre_x, top + i * step), line, font=font, fill=fill, anchor="mt")
    return top + len(lines) * step


def draw_title_card(lines: tuple[str, ...], style: Style, canvas: Canvas) -> Image.Image:
    """Series name in the accent colour over a rule, the episode title large, an optional third line."""
    w, h = canvas.width, canvas.height
    image = Image.new("RGB", (w, h), _rgb(style.background_colour))
    draw = ImageDraw.Draw(image)
    series, title, rest = (lines + ("", "", ""))[0], (lines + ("", ""))[1], lines[2:]
    unit = min(h, w * 9 / 16)  # sizes follow the 16:9 height, whatever the canvas
    y = int(h * 0.30)
    if series:
        s_lines, s_font = fit_lines(draw, series, int(unit * 0.065), int(w * 0.8), bold=True, wrap=False)
        y = _draw_lines(draw, s_lines, s_font, w // 2, y, _rgb(style.accent_colour))
    rule_w = int(w * 0.12)
    draw.rectangle(
        [w // 2 - rule_w // 2, y + int(unit * 0.02), w // 2 + rule_w // 2, y + int(unit * 0.028)],
        fill=_rgb(style.accent_colour),
    )
    y += int(unit * 0.07)
    if title:
        t_lines, t_font = fit_lines(draw, title, int(unit * 0.11), int(w * 0.86), bold=True)
        y = _draw_lines(draw, t_lines, t_font, w // 2, y, _rgb(style.text_colour), spacing=1.2)
    for extra in rest:
        e_lines, e_font = fit_lines(draw, extra, int(unit * 0.045), int(w * 0.8), wrap=False)
        y = _draw_lines(draw, e_lines, e_font, w // 2, y + int(unit * 0.03), _rgb(style.text_colour))
    _paste_logo(image, style, unit)
    return image


def draw_credits_card(lines: tuple[str, ...], style: Style, canvas: Canvas) -> Image.Image:
    """One credit per line (出品  XX), centred as a block."""
    w, h = canvas.width, canvas.height
    image = Image.new("RGB", (w, h), _rgb(style.background_colour))
    draw = ImageDraw.Draw(image)
    unit = min(h, w * 9 / 16)
    size = int(unit * 0.05)
    if lines:
        widest = max(lines, key=len)
        _lines, font = fit_lines(draw, widest, size, int(w * 0.8), wrap=False)
        step = int(font.size * 1.7)
        top = (h - step * len(lines)) // 2
        for i, line in enumerate(lines):
            draw.text((w // 2, top + i * step), line, font=font, fill=_rgb(style.text_colour), anchor="mt")
    _paste_logo(image, style, unit)
    return image


def _paste_logo(image: Image.Image, style: Style, unit: float) -> None:
    if style.logo is None:
        return
    try:
        with Image.open(style.logo) as opened:
            logo = opened.convert("RGBA")
    except OSError as exc:
        raise RenderError(
            _("{path}: the logo is not a readable image ({reason}); use a PNG").format(
                path=style.logo, reason=exc
            )
        ) from None
    target_h = int(unit * 0.1)
    logo = logo.resize((max(1, int(logo.width * target_h / logo.height)), target_h), Image.Resampling.LANCZOS)
    margin = int(unit * 0.05)
    image.paste(logo, (image.width - logo.width - margin, margin), logo)


def draw_lower_third(lines: tuple[str, ...], style: Style, canvas: Canvas) -> tuple[Image.Image, int, int]:
    """Name (bold) over role on a bar in the accent colour; returns the bar image and its position.

    Landscape: lower left, clear of the subtitles. Vertical: just under the framed 16:9 picture,
    inside the Channels safe area.
    """
    w, h = canvas.width, canvas.height
    vertical = canvas.layout == "vertical"
    # vertical frames are sized by their width, a little smaller: the bar must fit between the
    # framed picture and the subtitles (22% up from the bottom, above the Channels UI)
    unit = w * 0.9 if vertical else h
    name, role = (lines + ("", ""))[0], (lines + ("", ""))[1]
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    pad = int(unit * 0.018)
    max_text = int(w * (0.86 if vertical else 0.6))
    _name_lines, name_font = fit_lines(probe, name, int(unit * 0.05), max_text, bold=True, wrap=False)
    _role_lines, role_font = (
        fit_lines(probe, role, int(unit * 0.033), max_text, wrap=False) if role else (None, None)
    )
    name_h = int(name_font.size)
    role_h = int(role_font.size) if role_font else 0
    text_w = max(_width(probe, name, name_font), _width(probe, role, role_font) if role_font else 0)
    bar_w = min(w, text_w + 3 * pad)
    bar_h = pad * 2 + name_h + (int(pad * 0.6) + role_h if role else 0) + pad // 2
    image = Image.new("RGBA", (bar_w, bar_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, bar_w - 1, bar_h - 1], fill=(*_rgb(style.accent_colour), BAR_ALPHA))
    draw.rectangle([0, 0, max(2, pad // 3), bar_h - 1], fill=(*_rgb(style.text_colour), 255))
    text_x = int(pad * 1.5)
    draw.text((text_x, pad), name, font=name_font, fill=(*_rgb(style.text_colour), 255), anchor="lt")
    if role:
        draw.text(
            (text_x, pad + name_h + int(pad * 0.6)),
            role,
            font=role_font,
            fill=(*_rgb(style.text_colour), 235),
            anchor="lt",
        )
    if vertical:
        picture_bottom = (h + w * 9 / 16) / 2
        x, y = (w - bar_w) // 2, int(picture_bottom + unit * 0.012)
    else:
        x, y = int(w * 0.06), int(h * 0.78) - bar_h
    return image, x, y


# covers -------------------------------------------------------------------------------------------


def draw_cover(
    series: str, title: str, style: Style, width: int, height: int, frame: Path | None
) -> Image.Image:
    """A cover: a frame of the programme filling the picture, darkened at the bottom, with the
    series and the title over it; the title card design when there is no frame."""
    if frame is None:
        return draw_title_card((series, title), style, Canvas(width, height))
    with Image.open(frame) as opened:
        picture = opened.convert("RGB")
    scale = max(width / picture.width, height / picture.height)
    picture = picture.resize(
        (max(width, round(picture.width * scale)), max(height, round(picture.height * scale))),
        Image.Resampling.LANCZOS,
    )
    left, top = (picture.width - width) // 2, (picture.height - height) // 2
    image = picture.crop((left, top, left + width, top + height))
    shade = Image.new("L", (1, height))
    for y in range(height):  # a vertical gradient (one column, stretched): not a per-pixel loop
        shade.putpixel((0, y), int(200 * max(0.0, (y / height - 0.35) / 0.65)))
    image.paste(Image.new("RGB", (width, height), (0, 0, 0)), (0, 0), shade.resize((width, height)))
    draw = ImageDraw.Draw(image)
    unit = min(height, width * 0.75)  # tall covers (6:7, 1:1) get larger text than 16:9 would
    t_lines, t_font = fit_lines(draw, title, int(unit * 0.13), int(width * 0.88), bold=True)
    s_lines, s_font = fit_lines(draw, series, int(unit * 0.08), int(width * 0.8), bold=True, wrap=False)
    block = int(s_font.size * 1.3) + int(t_font.size * 1.2) * len(t_lines)
    y = height - int(unit * 0.08) - block
    y = _draw_lines(draw, s_lines, s_font, width // 2, y, _rgb(style.accent_colour), spacing=1.3)
    _draw_lines(draw, t_lines, t_font, width // 2, y, _rgb(style.text_colour), spacing=1.2)
    return image


def cover_jpeg(image: Image.Image, *, max_kb: float | None = None, where: Path | str = "cover") -> bytes:
    """JPEG bytes of `image`, lowering the quality until it fits `max_kb` (1 KB = 1000 bytes)."""
    for quality in (90, 85, 80, 75, 70, 60, 50, 40, 30):
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=False)
        data = buffer.getvalue()
        if max_kb is None or len(data) <= max_kb * 1000:
            return data
    raise RenderError(
        _("{path}: the cover does not fit {limit} KB even at JPEG quality 30; use a plainer frame").format(
            path=where, limit=f"{max_kb:g}"
        )
    )

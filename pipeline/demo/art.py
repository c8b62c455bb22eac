"""Stand-in pictures for the sample project, drawn once with Pillow (ffmpeg then animates them).

They only need to read as "an interview", "a village road", "a greenhouse", "a meeting" when an
editor looks at a frame of the demo output.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from pipeline.media.fonts import find_cjk_font


def interview_frame(path: Path, *, size: tuple[int, int], shade: int, label: str) -> Path:
    """A seated subject in front of a bookshelf, framed left of centre (room for B-roll titles)."""
    w, h = size
    img = Image.new("RGB", size, (58 + shade, 52 + shade, 48 + shade))
    d = ImageDraw.Draw(img)
    # bookshelf and wall
    for row in range(4):
        y = int(h * (0.12 + row * 0.18))
        d.rectangle([int(w * 0.55), y, int(w * 0.95), y + 8], fill=(92, 70, 50))
        for i in range(14):
            x = int(w * 0.56) + i * int(w * 0.027)
            colour = ((150 + 37 * i) % 200 + 40, (90 + 53 * i) % 160 + 40, (60 + 71 * i) % 140 + 50)
            d.rectangle([x, y - int(h * 0.12), x + int(w * 0.02), y], fill=colour)
    d.rectangle([0, int(h * 0.82), w, h], fill=(70, 55, 45))  # desk
    # the subject: head, neck, shoulders in a dark jacket with a party badge
    cx, top = int(w * 0.36), int(h * 0.22)
    r = int(h * 0.11)
    d.rectangle([cx - r // 3, top + 2 * r - 10, cx + r // 3, top + int(2.4 * r)], fill=(214, 170, 140))
    d.ellipse([cx - int(r * 0.85), top, cx + int(r * 0.85), top + 2 * r], fill=(224, 182, 150))
    d.chord(
        [cx - int(r * 0.9), top - int(r * 0.15), cx + int(r * 0.9), top + int(r * 1.1)],
        180,
        360,
        fill=(30, 28, 28),
    )
    d.pieslice([cx - 3 * r, top + int(2.2 * r), cx + 3 * r, top + int(7.2 * r)], 180, 360, fill=(35, 40, 55))
    d.polygon(
        [(cx - r // 3, top + int(2.3 * r)), (cx + r // 3, top + int(2.3 * r)), (cx, top + int(3.3 * r))],
        fill=(235, 235, 235),
    )
    d.ellipse(
        [cx + int(1.2 * r), top + int(3.0 * r), cx + int(1.45 * r), top + int(3.25 * r)], fill=(200, 30, 30)
    )
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    _caption(img, label)
    img.save(path)
    return path


def landscape_frame(path: Path, *, size: tuple[int, int], scene: str) -> Path:
    """A wide picture for panning B-roll: 'road' (new village road), 'greenhouse', 'meeting'."""
    w, h = size
    img = Image.new("RGB", size, (140, 190, 235))
    d = ImageDraw.Draw(img)
    horizon = int(h * 0.45)
    if scene == "meeting":
        img.paste((225, 215, 195), (0, 0, w, h))
        d.rectangle([0, int(h * 0.1), w, int(h * 0.2)], fill=(180, 20, 30))  # banner
        d.rectangle([int(w * 0.1), int(h * 0.55), int(w * 0.9), int(h * 0.7)], fill=(120, 80, 50))  # table
        for i in range(9):
            x = int(w * (0.14 + i * 0.09))
            d.ellipse(
                [x, int(h * 0.38), x + int(h * 0.09), int(h * 0.38) + int(h * 0.09)], fill=(220, 180, 150)
            )
            d.rectangle([x - 10, int(h * 0.46), x + int(h * 0.09) + 10, int(h * 0.58)], fill=(40, 45, 60))
    else:
        d.rectangle([0, horizon, w, h], fill=(96, 150, 70))
        for i in range(12):  # hills
            x = int(w * i / 11)
            d.ellipse(
                [x - int(w * 0.12), horizon - int(h * 0.12), x + int(w * 0.12), horizon + int(h * 0.1)],
                fill=(70 + 5 * i, 120 + 3 * i, 80),
            )
        if scene == "road":
            d.polygon(
                [(int(w * 0.47), horizon), (int(w * 0.53), horizon), (int(w * 0.8), h), (int(w * 0.2), h)],
                fill=(150, 150, 150),
            )
            for k in range(8):
                y0 = horizon + int((h - horizon) * k / 8)
                d.rectangle(
                    [int(w * 0.497), y0, int(w * 0.503), y0 + int((h - horizon) / 20)], fill=(245, 245, 245)
                )
        if scene == "greenhouse":
            for k in range(5):
                x0 = int(w * (0.05 + k * 0.19))
                d.chord(
                    [x0, horizon - int(h * 0.08), x0 + int(w * 0.17), horizon + int(h * 0.4)],
                    180,
                    360,
                    fill=(225, 235, 240),
                    outline=(180, 190, 200),
                    width=6,
                )
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    img.save(path)
    return path


def consent_form(path: Path, *, name: str, date: str) -> Path:
    """A phone photo of the signed portrait-use consent form (肖像使用授权书), as JPEG."""
    from PIL import ImageFont

    font = find_cjk_font()
    img = Image.new("RGB", (1240, 1754), (246, 244, 236))
    d = ImageDraw.Draw(img)
    title = ImageFont.truetype(str(font.regular), size=64, index=font.regular_index)
    body = ImageFont.truetype(str(font.regular), size=36, index=font.regular_index)
    d.text((620, 160), "肖像使用授权书", font=title, fill=(20, 20, 20), anchor="mm")
    lines = (
        f"本人{name}同意县党员教育中心在《我是党员》节目中",
        "使用本人的肖像、声音和讲述内容，用于网站、微信公众号",
        "和视频号的发布，不另收取费用。",
        "",
        f"授权人签名：{name}",
        f"日期：{date}",
    )
    for i, line in enumerate(lines):
        d.text((140, 320 + i * 70), line, font=body, fill=(30, 30, 30))
    d.line([(430, 705), (700, 690)], fill=(20, 40, 120), width=5)  # the signature's stroke
    img = img.rotate(1.2, expand=False, fillcolor=(120, 110, 100)).filter(ImageFilter.GaussianBlur(0.6))
    img.save(path, quality=85)
    return path


def _caption(img: Image.Image, text: str) -> None:
    from PIL import ImageFont

    font = find_cjk_font()
    face = ImageFont.truetype(str(font.regular), size=max(16, img.height // 40), index=font.regular_index)
    ImageDraw.Draw(img).text((img.width // 12, img.height // 12), text, font=face, fill=(200, 200, 200))

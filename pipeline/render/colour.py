"""Colour: every source brought to the one look every output has, SDR BT.709 limited range.

Pure (filter strings only). Three kinds of source need work; the rest pass untouched and are only
tagged:

- **HDR phones** (HLG `arib-std-b67`, iPhone's default; PQ `smpte2084`, HDR10 on Android), BT.2020,
  10-bit. Converted inside the render graph with `zscale` (transfer and primaries, in linear light
  and 32-bit float) and `tonemap`:

  - *Reference white at 203 cd/m2* (`npl=203`). ITU-R BT.2408 places SDR's 100% (diffuse white,
    faces, paper) at 203 cd/m2 in both HLG (75% signal) and PQ (58%). Linearising with that as 1.0
    makes everything a camera records inside the SDR range come back at its SDR level: a BT.709
    colour recorded in HLG returns the same colour, not darkened (with the common `npl=100`,
    diffuse white would sit at 2.03 and the tone curve would pull the whole picture down).
  - *Peak 1000 cd/m2* (`peak` = 1000/203 in those units): the HLG reference display of BT.2100, and
    what phones master HDR10 to. The true peak of PQ could be 10000; assuming that would squeeze
    the highlights of real phone footage into almost nothing.
  - *Operator `mobius` with its knee at 0.9*: linear (unchanged) up to 90% of SDR white, then a
    smooth roll-off that reaches white exactly at the peak: highlights (sky, windows, lamps)
    compress instead of clipping, and the SDR-range picture keeps its contrast and colour.
    `hable` and `reinhard` bend the whole range (mid-tones darken, faces go grey); `clip` cuts
    highlights hard. `desat=0`: no extra desaturation of bright colours (mobius keeps hue, and the
    phones' highlights are rarely saturated).
  - Primaries BT.2020 -> BT.709 in linear light; colours outside BT.709 are clipped (rare in the
    scenes this office films).

- **SD (BT.601)** material (DV, old DVDs, SD camcorders): its YUV matrix is BT.601 (untagged SD is
  assumed BT.601, as every SD decoder does); converted to the BT.709 matrix while scaling.
- **Full-range** sources (`yuvj420p` from some phones and DSLRs): squeezed to limited range while
  scaling.

Every segment leaves the graph tagged BT.709 / limited (`setparams`), and every encoder writes
those tags into the stream and the container (`encoder_tags`).
"""

from __future__ import annotations

from fractions import Fraction

from pipeline.media.probe import VideoFacts
from pipeline.render.filters import f, number

SDR_WHITE_NITS = 203  # BT.2408 reference white: SDR 100% in HLG and PQ
HDR_PEAK_NITS = 1000  # BT.2100 HLG reference display; phones' HDR10 mastering peak
MOBIUS_KNEE = 0.9  # below this (of SDR white) the picture is not touched
HDR_PEAK = Fraction(HDR_PEAK_NITS, SDR_WHITE_NITS)  # in tonemap's units (reference white = 1)

BT709_TAGS = f("setparams", color_primaries="bt709", color_trc="bt709", colorspace="bt709", range="tv")

# ffmpeg's names (probe) -> zscale's, for the inputs an HDR clip may carry
_ZSCALE_TRANSFER = {"arib-std-b67": "arib-std-b67", "smpte2084": "smpte2084"}
_ZSCALE_MATRIX = {"bt2020nc": "2020_ncl", "bt2020c": "2020_cl", "bt709": "709"}
_ZSCALE_PRIMARIES = {"bt2020": "2020", "bt709": "709", "smpte432": "smpte432"}
# swscale's matrix names for the YUV matrices an SDR source may carry
_SWS_MATRIX = {"bt470bg": "bt601", "smpte170m": "bt601", "bt709": "bt709", "smpte240m": "smpte240m"}


def is_hdr(video: VideoFacts) -> bool:
    return video.hdr in ("HLG", "PQ")


def scale_colour_options(video: VideoFacts | None) -> dict[str, str]:
    """swscale options that bring an SDR source's matrix and range to BT.709 limited while it scales
    (empty when there is nothing to convert). HDR sources are converted by `hdr_to_sdr` instead."""
    if video is None or is_hdr(video):
        return {}
    options: dict[str, str] = {}
    matrix = _SWS_MATRIX.get(video.matrix, "bt709")
    if matrix != "bt709":
        options.update(in_color_matrix=matrix, out_color_matrix="bt709")
    if video.color_range == "pc":
        options.update(in_range="pc", out_range="tv")
    return options


def hdr_to_sdr(video: VideoFacts) -> tuple[str, ...]:
    """HLG or PQ (BT.2020) to SDR BT.709 limited, 8-bit 4:2:0 (see the module text for the choices)."""
    transfer = _ZSCALE_TRANSFER[video.color_transfer]
    return (
        f(
            "zscale",
            tin=transfer,
            pin=_ZSCALE_PRIMARIES.get(video.color_primaries, "2020"),
            min=_ZSCALE_MATRIX.get(video.color_matrix, "2020_ncl"),
            rin="full" if video.color_range == "pc" else "limited",
            t="linear",
            npl=SDR_WHITE_NITS,
        ),
        f("format", "gbrpf32le"),
        f("zscale", p="709"),
        f("tonemap", tonemap="mobius", param=number(MOBIUS_KNEE), peak=number(HDR_PEAK), desat=0),
        f("zscale", t="709", m="709", r="limited"),
        f("format", "yuv420p"),
    )


def encoder_tags() -> list[str]:
    """Encoder options: BT.709 primaries, transfer and matrix, limited range, in the stream's VUI
    and (MP4 `colr` box) the container."""
    return ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv"]


def still_filters(video: VideoFacts | None) -> list[str]:
    """One frame of a source as a square-pixel SDR BT.709 picture at its display size (cover
    stills): deinterlaced, widened by its pixel aspect, tone-mapped when HDR."""
    if video is None:
        return []
    steps = [f("bwdif", mode="send_frame")] if video.interlaced else []
    width, height = video.display_size
    options = scale_colour_options(video)
    if video.pixel_aspect != 1 or options:
        steps.append(f("scale", w=width, h=height, **options))
    if is_hdr(video):
        steps += hdr_to_sdr(video)
    steps += ["setsar=1", BT709_TAGS]
    return steps

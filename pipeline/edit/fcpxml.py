"""What the FCPXML adapter leaves out, added to its document: real formats and the dissolves.

OpenTimelineIO's `fcpx_xml` writer names formats by frame rate only (and asks a system `ffprobe`
for the size, which is usually absent), and drops transitions. Finishing needs both: a `<format>`
per source shape with width, height and frameDuration (a 1440x1080 anamorphic HDV clip is not a
1920x1080 one, a 30 fps phone clip is not 25 fps), and each crossfade as a `<transition>` in the
spine, centred where the render puts it (starting at the cut, running into the incoming shot).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from pipeline.edit.timeline import Timeline
from pipeline.errors import EditError
from pipeline.i18n import _
from pipeline.media.probe import MediaFacts

PROGRAMME_SIZE = (1920, 1080)  # the sequence and the card stills (the render's programme picture)
DOCTYPE = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n'


def frame_duration(rate: Fraction) -> str:
    """FCPXML's frame duration as a rational number of seconds: 25 -> "1/25s", 30000/1001 -> "1001/30000s"."""
    step = 1 / Fraction(rate)
    return f"{step.numerator}/{step.denominator}s"


def seconds(value: Fraction) -> str:
    value = Fraction(value)
    return f"{value.numerator}/{value.denominator}s" if value.denominator != 1 else f"{value.numerator}s"


def _path_of(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


class _Formats:
    def __init__(self, resources: ElementTree.Element) -> None:
        self.resources = resources
        self.ids = {e.get("id") for e in resources}
        self.by_shape: dict[tuple[int, int, str], str] = {}

    def get(self, width: int, height: int, rate: Fraction, name: str = "") -> str:
        key = (width, height, frame_duration(rate))
        if key not in self.by_shape:
            number = 1
            while f"r{number}" in self.ids:
                number += 1
            format_id = f"r{number}"
            self.ids.add(format_id)
            attributes = {
                "id": format_id,
                "frameDuration": key[2],
                "width": str(width),
                "height": str(height),
            }
            if name:
                attributes["name"] = name
            self.resources.insert(0, ElementTree.Element("format", attributes))
            self.by_shape[key] = format_id
        return self.by_shape[key]


def fcpxml_finish(
    xml: str,
    document: otio.schema.Timeline,
    facts: Mapping[Path, MediaFacts],
    timeline: Timeline,
    programme: tuple[int, int] = PROGRAMME_SIZE,
) -> str:
    root = ElementTree.fromstring(xml.split("<!DOCTYPE fcpxml>", 1)[-1].strip())
    resources = root.find("resources")
    if resources is None:  # the adapter always writes one; anything else is not its output
        raise EditError(_("the FCPXML writer produced no <resources>; try --format otio"))
    formats = _Formats(resources)
    # the sequence (and whatever the adapter made by frame rate): the programme's size
    for element in list(resources.findall("format")):
        element.set("width", str(programme[0]))
        element.set("height", str(programme[1]))
    for asset in resources.findall("asset"):
        source = facts.get(_path_of(asset.get("src", "")))
        if source is None or source.video is None:
            continue
        video = source.video
        name = f"{video.width}x{video.height} SAR {video.sar} {video.frame_rate} fps"
        format_id = formats.get(video.width, video.height, video.fps, name)
        asset.set("format", format_id)
        for clip in root.iter("asset-clip"):
            if clip.get("ref") == asset.get("id"):
                clip.set("format", format_id)
    _add_dissolves(root, document, timeline)
    ElementTree.indent(root, space="    ")
    return DOCTYPE + ElementTree.tostring(root, encoding="unicode") + "\n"


def _add_dissolves(root: ElementTree.Element, document: otio.schema.Timeline, timeline: Timeline) -> None:
    spine = root.find(".//sequence/spine")
    if spine is None:
        return
    video = next((t for t in document.tracks if t.kind == otio.schema.TrackKind.Video), None)
    if video is None:
        return
    rate = Fraction(timeline.fps)
    children = list(spine)
    for index, item in enumerate(video):
        if not isinstance(item, otio.schema.Transition):
            continue
        cut = video.range_of_child_at_index(index + 1).start_time
        start = Fraction(round(cut.value)) / rate
        length = Fraction(round(item.out_offset.value + item.in_offset.value)) / rate
        transition = ElementTree.Element(
            "transition", {"name": "Cross Dissolve", "offset": seconds(start), "duration": seconds(length)}
        )
        following = next((c for c in children if _offset(c.get("offset", "")) == start), None)
        position = list(spine).index(following) if following is not None else len(spine)
        spine.insert(position, transition)


def _offset(text: str) -> Fraction | None:
    if not text.endswith("s"):
        return None
    try:
        return Fraction(text[:-1])
    except (ValueError, ZeroDivisionError):
        return None

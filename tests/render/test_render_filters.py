"""The filter-graph builder: escaping, labels, inputs; one real ffmpeg run proves the escaping."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pipeline.media.fonts import find_cjk_font
from pipeline.media.runner import run_ffmpeg
from pipeline.render.filters import FilterGraph, InputSpec, escape_value, f, number, rate, seconds, text


def test_numbers_read_as_ffmpeg_expects():
    assert [number(4), number(0.3), number(Fraction(1, 3)), number(-0.0), number(Fraction(50, 1))] == [
        "4",
        "0.3",
        "0.333333",
        "0",
        "50",
    ]
    assert seconds(12_345) == "12.345" and seconds(40) == "0.04" and seconds(0) == "0"
    assert rate(Fraction(25)) == "25" and rate(Fraction(30000, 1001)) == "30000/1001"


def test_filter_text_with_options():
    assert f("scale", w=1920, h=1080) == "scale=w=1920:h=1080"
    assert f("split", 3) == "split=3"
    assert f("fade", t="in", st=None, d="0.3") == "fade=t=in:d=0.3"
    assert f("anull") == "anull"


def test_values_are_escaped_for_both_parsing_levels():
    # level 1 (option value): \ ' :   level 2 (graph): \ ' [ ] , ;
    assert escape_value("/a b/c.ass") == "/a b/c.ass"
    assert escape_value("C:/x") == "C\\\\:/x"
    assert escape_value("it's[1],2;3") == "it\\\\\\'s\\[1\\]\\,2\\;3"
    assert escape_value("a\\b") == "a\\\\\\\\b"


def test_labels_are_unique_and_readable():
    graph = FilterGraph()
    first = graph.chain(("0:v",), ("null",), "seg")
    second = graph.chain(("0:v",), ("null",), "seg")
    outs = graph.fan_out(second, 3, ("a", "b"))
    assert (first, second, outs) == ("seg", "seg1", ("a", "b", "b1"))
    assert graph.fan_out("x", 1, ("y",)) == ("x",)
    assert graph.description() == "[0:v]null[seg];[0:v]null[seg1];[seg1]split=3[a][b][b1]"


def test_the_same_input_is_opened_once():
    graph = FilterGraph()
    spec = InputSpec(Path("/m/a.mp4"), ("-ss", "1", "-t", "2"))
    assert graph.input(spec) == 0
    assert graph.input(InputSpec(Path("/m/b.mp4"))) == 1
    assert graph.input(InputSpec(Path("/m/a.mp4"), ("-ss", "1", "-t", "2"))) == 0
    assert graph.args()[:5] == ["-ss", "1", "-t", "2", "-i"]


def test_escaped_paths_reach_libass(tmp_path: Path):
    """An ASS file and fonts folder whose names contain every special character still load."""
    nasty = tmp_path / "it's [a], b; c: d"
    nasty.mkdir()
    ass = nasty / "sub's:1.ass"
    ass.write_text(
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 64\nPlayResY: 36\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
        "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, "
        "MarginR, MarginV, Encoding\nStyle: Default,Noto Sans CJK SC,30,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,"
        "0,0,0,0,100,100,0,0,1,0,0,5,0,0,0,1\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,国\n",
        "utf-8",
    )
    graph = FilterGraph()
    graph.chain(
        (),
        (
            "color=c=black:s=64x36:d=0.2",
            f("ass", filename=text(ass), fontsdir=text(find_cjk_font().folder)),
            "signalstats,metadata=mode=print:key=lavfi.signalstats.YMAX",
        ),
        "out",
    )
    out = tmp_path / "frame.png"
    result = run_ffmpeg(
        [*graph.args(), "-map", "[out]", "-frames:v", "1", "-update", "1", str(out)], outputs=[out]
    )
    assert "Added subtitle file" in result.stderr or out.exists()
    ymax = [int(line.rsplit("=", 1)[1]) for line in result.stderr.splitlines() if "YMAX=" in line]
    assert ymax and ymax[0] > 200, "the glyph was drawn (white pixels on black)"

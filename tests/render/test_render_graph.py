"""Timeline + presets -> ffmpeg arguments: golden lists and the graph's pieces (pure: nothing runs)."""

from __future__ import annotations

import os
import re
from fractions import Fraction
from pathlib import Path

import pytest
from render_scenes import (
    AVCHD,
    BROLL_4K,
    FAKE_FACTS,
    FONTS,
    INTERVIEW,
    PHONE,
    fake_artwork,
    fake_loudness,
    media_facts,
    small_timeline,
    video_facts,
)

from pipeline.edit.timeline import AudioPiece, Card, Shot, SourceSpan, Timeline
from pipeline.errors import RenderError
from pipeline.render.encode import CappedSize
from pipeline.render.graph import OutputPlan, loudness_args, programme_size, render_args
from pipeline.render.loudness import Measurement, Normalisation
from pipeline.render.platforms import load_platform
from pipeline.render.sources import PRE_ROLL_MS, frame_at
from pipeline.render.video import segment_steps

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PIPELINE_UPDATE_GOLDEN") == "1"


def plans(*names: str, capped: bool = False) -> list[OutputPlan]:
    out = []
    for name in names:
        preset = load_platform(name)
        subtitles = Path(f"/cache/{name}.ass") if preset.subtitles.burn_in else None
        out.append(OutputPlan(name, preset, Path(f"/out/{name}.mp4"), subtitles=subtitles))
        if capped and preset.size_cap is not None:
            out.append(
                OutputPlan(
                    f"{name}_api",
                    preset,
                    Path(f"/out/{name}-api.mp4"),
                    subtitles=subtitles,
                    capped=CappedSize(640, 360, 250, "64k"),
                )
            )
    return out


def args_for(*names: str, capped: bool = False, timeline: Timeline | None = None) -> list[str]:
    timeline = timeline or small_timeline()
    return render_args(
        timeline,
        plans(*names, capped=capped),
        facts=FAKE_FACTS,
        artwork=fake_artwork(timeline),
        loudness=fake_loudness(*names),
        fonts_dir=FONTS,
    )


def graph_of(args: list[str]) -> list[str]:
    """The chains of every `-filter_complex` (picture and sound are separate graphs)."""
    return [chain for i, a in enumerate(args) if a == "-filter_complex" for chain in args[i + 1].split(";")]


def inputs_of(args: list[str]) -> list[tuple[str, ...]]:
    """Each `-i` with the options before it (since the previous input)."""
    found, start = [], 1  # args[0] is -y
    for i, arg in enumerate(args):
        if arg == "-i":
            found.append(tuple(args[start : i + 2]))
            start = i + 2
        if arg == "-filter_complex":
            break
    return found


GRAPH_INDENT = "    "


def golden_text(args: list[str]) -> str:
    """The golden layout: one argument per line, and each `-filter_complex` value one chain per
    line (indented), so a diff shows which input, option or chain changed."""
    lines = []
    for i, arg in enumerate(args):
        assert "\n" not in arg and not arg.startswith(" "), f"argument {arg!r} cannot be stored one per line"
        if i and args[i - 1] == "-filter_complex":
            lines.extend(GRAPH_INDENT + chain for chain in arg.split(";"))
        else:
            lines.append(arg)
    return "\n".join(lines) + "\n"


def parse_golden(text: str) -> list[str]:
    """The exact argument list back from `golden_text`: indented lines are the chains of one graph."""
    args: list[str] = []
    chains: list[str] = []
    for line in text.removesuffix("\n").split("\n"):
        if line.startswith(GRAPH_INDENT):
            chains.append(line.removeprefix(GRAPH_INDENT))
            continue
        if chains:
            args.append(";".join(chains))
            chains = []
        args.append(line)
    if chains:
        args.append(";".join(chains))
    return args


def check_golden(name: str, args: list[str]) -> None:
    path = GOLDEN / f"{name}.args"
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(golden_text(args), "utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written; check it and rerun")
    stored = path.read_text("utf-8")
    # the text first: on failure `pytest -vv` shows the changed lines (an input, an option, a chain);
    # then the exact argument list the text stands for
    assert golden_text(args) == stored, (
        f"arguments differ from {path.name} (PIPELINE_UPDATE_GOLDEN=1 rewrites)"
    )
    assert args == parse_golden(stored)


def test_golden_layout_round_trips():
    args = [
        "-y",
        "-i",
        "a b.mp4",
        "-filter_complex",
        "[0:v]null[v];[0:a]anull[a]",
        "-filter_complex",
        "x",
        "",
    ]
    args += ["-map", "[v]", "-filter_complex", "[1:v]drawbox=c=red@0.5[w];", "out.mp4"]
    assert parse_golden(golden_text(args)) == args
    assert golden_text(["-filter_complex", "a;b", "-c"]) == "-filter_complex\n    a\n    b\n-c\n"


@pytest.mark.parametrize("name", ["web", "wechat", "channels"])
def test_golden_single_platform(name):
    check_golden(f"render-{name}", args_for(name))


def test_golden_all_platforms_together():
    check_golden("render-all", args_for("web", "wechat", "channels", capped=True))


def test_all_platforms_share_one_decode():
    together = args_for("web", "wechat", "channels", capped=True)
    sources = [i for i in inputs_of(together) if i[-1].startswith("/media/")]
    assert len(sources) == len(set(sources)), "a source span is opened twice"
    # every platform reads the same source spans: nothing per platform but a lower-third image
    alone = [i for i in inputs_of(args_for("web")) if i[-1].startswith("/media/")]
    assert sources == alone
    graph = graph_of(together)
    assert sum(1 for chain in graph if "concat=n=4:v=1" in chain) == 1, (
        "the programme picture is composed once"
    )
    assert sum(1 for chain in graph if chain.startswith("[run]split=2")) == 1, (
        "split into landscape and vertical"
    )
    assert sum(1 for chain in graph if "loudnorm=" in chain) == 1, "one loudness branch for one target"
    assert together.count("-map") == 8  # four outputs, picture and sound each
    assert [a for a in together if a.endswith(".mp4") and a.startswith("/out/")] == [
        "/out/web.mp4",
        "/out/wechat.mp4",
        "/out/wechat-api.mp4",
        "/out/channels.mp4",
    ]


def test_every_output_is_high_profile_yuv420p_with_a_fixed_gop():
    args = args_for("web", "wechat", "channels")
    assert args.count("-pix_fmt") == 3 and all(
        args[i + 1] == "yuv420p" for i, a in enumerate(args) if a == "-pix_fmt"
    )
    assert args.count("high") == 3
    for flag, value in (
        ("-g", "50"),
        ("-keyint_min", "50"),
        ("-sc_threshold", "0"),
        ("-bf", "2"),
        ("-movflags", "+faststart"),
        ("-ar", "48000"),
        ("-ac", "2"),
        ("-c:a", "aac"),
    ):
        assert [args[i + 1] for i, a in enumerate(args) if a == flag] == [value] * 3, flag


def test_segment_frames_add_up_to_the_programme():
    timeline = small_timeline()
    graph = " ".join(graph_of(args_for("web")))
    frames = [int(n) for n in re.findall(r"trim=end_frame=(\d+)", graph)]
    frames += [
        round((float(b) - float(a)) * 25) for a, b in re.findall(r"trim=start=([\d.]+):end=([\d.]+)", graph)
    ]
    frames += [
        int(n) + 1 for n in re.findall(r"loop=loop=(\d+):size=1:start=0,setpts=N/\(25\)/TB\[card", graph)
    ]
    transitions = sum(frame_at(s.transition_ms, Fraction(25)) for s in timeline.shots)
    assert sum(frames) == frame_at(timeline.duration_ms, Fraction(25)) + transitions


def test_crossfades_blend_only_the_two_shots_they_join():
    graph = graph_of(args_for("web"))
    fades = [c for c in graph if "xfade=" in c]
    # only the two shots a crossfade joins go through xfade (blending is per frame: the rest of the
    # programme does not pass through it); the offset counts from the start of the outgoing shot:
    # the title card lasts 2 s, and the last shot starts at 8 s with the credits at 10 s
    assert fades == [
        "[card][seg]xfade=transition=fade:duration=0.4:offset=2[xf]",
        "[seg3][card1]xfade=transition=fade:duration=0.4:offset=2[xf1]",
    ]
    assert "[xf][seg1][seg2][xf1]concat=n=4:v=1:a=0,settb=1/(25)[run]" in graph
    # the outgoing shot is lengthened by the crossfade: the title card holds 2 s + 0.4 s
    assert "loop=loop=59:size=1" in graph[0]


def test_deinterlace_only_interlaced_sources():
    progressive = segment_steps(False, (1920, 1080), (1920, 1080), Fraction(25), 50)
    interlaced = segment_steps(True, (1920, 1080), (1920, 1080), Fraction(25), 50)
    assert not any(s.startswith("bwdif") for s in progressive)
    assert interlaced[0] == "bwdif=mode=send_frame:parity=auto:deint=all"
    assert interlaced[1] == "fps=25"  # 50 fields -> 25 frames, deinterlaced before the rate is fixed


def test_rotated_phone_footage_is_centred_not_rotated_again():
    # ffmpeg applies the display matrix when decoding; the probe's display size is already turned
    steps = segment_steps(False, (360, 640), (1920, 1080), Fraction(25), 50)
    assert not any(s.startswith(("transpose", "rotate")) for s in steps)
    assert "pad=w=1920:h=1080:x=(ow-iw)/2:y=(oh-ih)/2:color=black" in steps
    assert (
        steps.index("fps=25")
        < steps.index("trim=end_frame=50")
        < next(i for i, s in enumerate(steps) if s.startswith("scale="))
    )


def test_variable_and_other_rates_become_the_programme_rate():
    graph = " ".join(graph_of(args_for("web")))
    phone_chain = next(c for c in graph_of(args_for("web")) if c.startswith("[4:v]"))
    assert phone_chain.startswith("[4:v]fps=25,")
    assert graph.count("fps=25") == 4  # every source segment, none for the still cards


def test_4k_broll_is_scaled_once_after_trimming():
    chain = next(c for c in graph_of(args_for("web", "wechat", "channels")) if c.startswith("[2:v]"))
    assert chain.count("scale=") == 1 and chain.index("trim=") < chain.index("scale=w=1920:h=1080")


def test_source_at_its_end_repeats_its_last_frame():
    timeline = Timeline(
        4_000, Fraction(25), (Shot(0, 4_000, source=SourceSpan("broll-001", BROLL_4K, 0, 3_000 + 1_000)),), ()
    )
    with pytest.raises(RenderError):  # longer than the file: the edit is wrong, not padded silently
        args_for(
            "web",
            timeline=Timeline(
                4_000,
                Fraction(25),
                (Shot(0, 4_000, source=SourceSpan("broll-001", BROLL_4K, 3_000, 7_000)),),
                (),
            ),
        )
    chain = graph_of(args_for("web", timeline=timeline))[0]
    assert "tpad=stop_mode=clone:stop=100,trim=end_frame=100" in chain


def test_mpegts_spans_seek_early_and_cut_the_pre_roll():
    args = args_for("web")
    avchd = next(i for i in inputs_of(args) if i[-1] == str(AVCHD))
    assert avchd == ("-ss", "9", "-t", "5.12", "-i", str(AVCHD))  # in point 12 s, pre-roll 3 s
    assert PRE_ROLL_MS == 3000
    graph = graph_of(args)
    assert "trim=start=3:end=5," in next(c for c in graph if c.startswith("[3:v]"))
    assert "atrim=start_sample=144000," in next(c for c in graph if c.startswith("[3:a:0]"))


def test_vertical_framing_blur_and_crop():
    graph = graph_of(args_for("channels"))
    assert "[vertical]" not in " ".join(graph)  # one shape: no split of the programme
    fill = next(c for c in graph if c.startswith("[back]"))
    assert "scale=w=108:h=192,boxblur" in fill  # blurred at a tenth of the size
    assert any(c == "[fore]scale=w=1080:h=-2[framed]" for c in graph)
    assert any(c == "[fill][framed]overlay=x=(W-w)/2:y=(H-h)/2[vert]" for c in graph)
    preset = load_platform("channels", {"platforms": {"channels": {"picture": {"vertical_fill": "crop"}}}})
    timeline = small_timeline()
    args = render_args(
        timeline,
        [OutputPlan("channels", preset, Path("/out/c.mp4"))],
        facts=FAKE_FACTS,
        artwork=fake_artwork(timeline),
        loudness=fake_loudness("channels"),
        fonts_dir=FONTS,
    )
    cropped = " ".join(graph_of(args))
    assert "crop=w=trunc(ih*1080/1920/2)*2:h=ih,scale=w=1080:h=1920" in cropped and "boxblur" not in cropped


def test_programme_size_is_the_largest_landscape_output():
    assert programme_size([load_platform("web"), load_platform("channels")]) == (1920, 1080)
    assert programme_size([load_platform("channels")]) == (1920, 1080)


def test_music_is_looped_faded_and_ducked_under_the_narration():
    args = args_for("web")
    music = next(i for i in inputs_of(args) if i[-1].endswith("music-001.m4a"))
    assert music[:2] == ("-stream_loop", "-1")
    graph = graph_of(args)
    bed = next(c for c in graph if c.endswith("[bed]"))
    assert "volume=-18dB,afade=t=in:d=1,afade=t=out:st=11:d=1" in bed
    assert "[narr]asplit=2[voice][key]" in graph
    assert "[bed][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked]" in graph
    assert "[voice][ducked]amix=inputs=2:duration=first:normalize=0[mix]" in graph


def test_narration_is_sample_exact_with_fades_at_every_cut():
    graph = graph_of(args_for("web"))
    pieces = [c for c in graph if "[piece" in c.split("]")[-2] + "]"]
    assert len(pieces) == 3
    for chain in pieces:
        assert "afade=t=in:d=0.015" in chain and "afade=t=out:st=" in chain
    narration = next(c for c in graph if c.endswith("[narr]"))
    assert narration == "[gap][piece][piece1][piece2][gap1]concat=n=5:v=0:a=1[narr]"
    gaps = [int(n) for c in graph if c.startswith("anullsrc") for n in re.findall(r"end_sample=(\d+)", c)]
    lengths = [int(n) for c in pieces for n in re.findall(r"atrim=end_sample=(\d+)", c)]
    assert sum(gaps) + sum(lengths) == 12_000 * 48


def test_overlapping_narration_is_mixed_not_concatenated():
    base = small_timeline()
    overlapping = Timeline(
        base.duration_ms,
        base.fps,
        base.shots,
        base.audio + (AudioPiece(2_500, SourceSpan("int-001", INTERVIEW, 20_000, 21_000)),),
        music=None,
    )
    graph = " ".join(graph_of(args_for("web", timeline=overlapping)))
    assert "adelay=delays=2500:all=1" in graph and "amix=inputs=4:duration=longest:normalize=0" in graph


def test_each_loudness_target_gets_its_own_branch():
    args = args_for("web", "tv")
    levels = [c for c in graph_of(args) if "loudnorm=" in c]
    assert len(levels) == 2
    assert "loudnorm=I=-15:TP=-1:" in levels[0] and "loudnorm=I=-24:TP=-2:" in levels[1]
    assert all("linear=true" in c and re.search(r",aresample=48000\[level\d*\]$", c) for c in levels)
    assert "[mix]asplit=2[tomix][tomix1]" in graph_of(args)


def test_subtitles_are_burned_per_output_with_the_fonts_folder():
    graph = graph_of(args_for("web", "wechat"))
    burns = [c for c in graph if "ass=" in c]
    assert burns == ["[look1]ass=filename=/cache/wechat.ass:fontsdir=/fonts[subs]"]


def test_size_capped_variant_scales_the_burned_picture():
    args = args_for("wechat", capped=True)
    graph = graph_of(args)
    assert "[wechat_api_pic]scale=w=640:h=360[wechat_api_v]" in graph
    at = args.index("/out/wechat-api.mp4")
    tail = args[args.index("[wechat_api_v]") : at]
    assert ["-b:v", "250k", "-maxrate", "375k", "-bufsize", "500k"] == tail[
        tail.index("-b:v") : tail.index("-b:v") + 6
    ]
    assert tail[tail.index("-b:a") + 1] == "64k" and "-crf" not in tail


def test_loudness_pass_one_reads_only_the_sound():
    args = loudness_args(small_timeline(), facts=FAKE_FACTS, target=load_platform("web").loudness)
    assert args[-5:] == ["-map", "[measured]", "-f", "null", "-"]
    sources = [i[-1] for i in inputs_of(["-y", *args])]
    assert str(BROLL_4K) not in sources and not any(s.endswith(".png") for s in sources)
    graph = args[args.index("-filter_complex") + 1]
    assert "[v]" not in graph and ":v]" not in graph
    assert graph.endswith("[mix]loudnorm=I=-15:TP=-1:LRA=11:print_format=json[measured]")


def test_a_limiter_goes_before_loudnorm_when_planned():
    plan = Normalisation(load_platform("web").loudness, Measurement(-30.0, -2.0, 4.0, -40.0), limit_db=-16.5)
    steps = plan.filters()
    assert steps[0] == "alimiter=limit=0.149624:level=false:attack=5:release=50"
    assert steps[1].startswith("loudnorm=I=-15:TP=-1:LRA=11:measured_I=-30:measured_TP=-2:")


def test_a_shot_shows_exactly_one_of_footage_and_a_card():
    with pytest.raises(ValueError, match=r"exactly one of footage and a card \(shot at 0 ms has neither\)"):
        Shot(0, 2_000)
    span = SourceSpan("x", Path("/media/x.mp4"), 0, 2_000)
    with pytest.raises(ValueError, match=r"has both"):
        Shot(0, 2_000, source=span, card=Card("title", ("我是党员",)))


def test_unknown_source_facts_are_a_clear_error():
    timeline = Timeline(
        2_000, Fraction(25), (Shot(0, 2_000, source=SourceSpan("x", Path("/media/x.mp4"), 0, 2_000)),), ()
    )
    with pytest.raises(RenderError, match="no probe facts"):
        args_for("web", timeline=timeline)


def test_picture_and_sound_are_separate_graphs():
    args = args_for("web", "wechat")
    picture, sound = [args[i + 1] for i, a in enumerate(args) if a == "-filter_complex"]
    assert "concat=n=4:v=1" in picture and "loudnorm" not in picture
    assert "loudnorm" in sound and "xfade" not in sound and ":v]" not in sound


def test_a_clip_without_sound_under_narration_is_silence():
    facts = dict(FAKE_FACTS)
    facts[PHONE] = media_facts(20_000, video_facts(640, 360, "30", vfr=True, rotation=90), audio=False)
    timeline = small_timeline()
    args = render_args(
        timeline,
        plans("web"),
        facts=facts,
        artwork=fake_artwork(timeline),
        loudness=fake_loudness("web"),
        fonts_dir=FONTS,
    )
    assert "[4:a" not in " ".join(graph_of(args))

"""Proxies made from the camera shapes of docs/specs.md: rotation honoured, interlacing removed."""

from __future__ import annotations

import time

from media import avchd_mts, phone_mp4

from pipeline.media.probe import probe
from pipeline.project.footage import find_clip
from pipeline.project.ingest import ingest
from pipeline.review import proxy as proxy_module
from pipeline.review.proxy import MAKING, ProxyMaker, make_proxy, proxy_is_current, proxy_path


def test_a_rotated_phone_clip_comes_out_upright(project, media_dir):
    source = phone_mp4(media_dir / "phone.mp4", duration=1.0)
    clip = ingest(project, [source], role="interview").added[0]
    assert clip.facts.video.rotation and clip.facts.video.display_size == (360, 640)
    path = make_proxy(project, clip)
    facts = probe(path)
    assert (facts.video.width, facts.video.height, facts.video.rotation) == (360, 640, 0)
    assert facts.video.codec == "h264" and facts.audio.codec == "aac"
    assert proxy_is_current(project, clip)


def test_an_interlaced_camcorder_clip_comes_out_progressive(project, media_dir):
    source = avchd_mts(media_dir / "camera.MTS", duration=1.0, full_size=False)
    clip = ingest(project, [source], role="interview").added[0]
    assert clip.facts.video.interlaced
    facts = probe(make_proxy(project, clip))
    assert not facts.video.interlaced and (facts.video.width, facts.video.height) == (640, 360)
    assert abs(facts.duration_ms - clip.facts.duration_ms) < 100


def test_a_proxy_made_from_other_content_is_made_again(project, media_dir):
    source = avchd_mts(media_dir / "camera2.MTS", duration=0.5, full_size=False)
    clip = ingest(project, [source], role="interview").added[0]
    path = make_proxy(project, clip)
    path.with_suffix(".json").write_text('{"source_sha256": "other", "recipe": "old"}', "utf-8")
    assert not proxy_is_current(project, clip)
    before = path.stat().st_mtime_ns
    assert make_proxy(project, clip) == proxy_path(project, clip.clip_id)
    assert path.stat().st_mtime_ns != before and proxy_is_current(project, clip)


def test_closing_the_maker_abandons_the_encode_and_its_partial_file(review_project, monkeypatch):
    # an encode that would take 30 s: lavfi read in real time
    monkeypatch.setattr(
        proxy_module,
        "proxy_args",
        lambda source, target, facts, *routing: [
            "-y",
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=25:duration=30",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-f",
            "mp4",
            str(target),
        ],
    )
    clip = find_clip(review_project, "int-001")
    maker = ProxyMaker(review_project.root)
    try:
        maker.want(review_project, clip, urgent=True)
        folder = proxy_path(review_project, "int-001").parent
        deadline = time.monotonic() + 20
        while not (maker.want(review_project, clip).state == MAKING and list(folder.glob(".*.part.mp4"))):
            assert time.monotonic() < deadline, "the encode never started"
            time.sleep(0.05)
    finally:
        started = time.monotonic()
        maker.close()
    assert time.monotonic() - started < 5
    assert not maker._thread.is_alive()
    assert list(folder.iterdir()) == []  # no partial file, no proxy, no stamp

"""Which sound is the speech: `ingest --audio-channel/--audio-stream`, project.toml's [audio.<clip>],
the warnings for a silent channel or two microphones, and what transcription hears (measured)."""

from __future__ import annotations

import media
import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.media.channels import ChannelLevels, levels_warnings, mono_weights, pan_filter
from pipeline.project.footage import find_clip, speech_audio_path, speech_source
from pipeline.project.model import AudioRouting, load_project
from pipeline.project.toml_edit import set_audio_routing


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def tone_level_db(samples: np.ndarray, rate: int, hz: float) -> float:
    """Level of the `hz` component (Hann-windowed FFT peak near it), dB relative to full scale."""
    window = np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(samples * window)) / (window.sum() / 2)
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    near = (freqs > hz - 15) & (freqs < hz + 15)
    return float(20 * np.log10(max(spectrum[near].max(), 1e-12)))


def wav_samples(path) -> np.ndarray:
    data = path.read_bytes()
    start = data.index(b"data") + 8
    return np.frombuffer(data[start:], dtype="<i2").astype(float) / 32768


@pytest.fixture(scope="module")
def two_mics(tmp_path_factory):
    d = tmp_path_factory.mktemp("mics")
    return {
        "split": media.channels_clip(d / "two mics.mp4", (440, 1000)),
        "silent": media.channels_clip(d / "one mic.mp4", (440, None)),
    }


def test_pan_filters_pick_a_channel_and_downmix_5_1_with_the_centre_at_full_level():
    assert pan_filter(2, 1) == "pan=mono|c0=c0"
    assert pan_filter(2, 2, layout="stereo") == "pan=stereo|c0=c1|c1=c1"
    assert pan_filter(2) == "pan=mono|c0=0.5*c0+0.5*c1"
    weights = mono_weights(6)
    assert weights[2] == 1.0 and weights[3] == 0.0  # centre full, LFE out
    assert weights[0] == weights[1] == 0.5 and weights[4] == pytest.approx(0.3535)
    with pytest.raises(ValueError):
        pan_filter(2, 3)


def test_channel_warnings_name_the_flag():
    silent = levels_warnings("a.mp4", ChannelLevels((-20.0, -80.0), None), 1, "int-001")
    assert len(silent) == 1 and "channel 2 of audio stream 1 is near-silent (-80 dBFS)" in silent[0]
    assert "--audio-channel N" in silent[0] and "[audio.int-001]" in silent[0]
    mics = levels_warnings("a.mp4", ChannelLevels((-20.0, -22.0), 0.05), 1, "int-001")
    assert "look like separate microphones (correlation 0.05)" in mics[0]
    assert levels_warnings("a.mp4", ChannelLevels((-20.0, -21.0), 0.93), 1, "int-001") == []


def test_ingest_warns_for_two_microphones_and_a_silent_channel(project, two_mics):
    result = run("ingest", project.root, two_mics["split"], two_mics["silent"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 2, result.output
    assert (
        "int-001 (two mics.mp4): channels 1 and 2 of audio stream 1 look like separate microphones"
        in warnings[0]
    )
    assert "int-002 (one mic.mp4): channel 2 of audio stream 1 is near-silent" in warnings[1]
    assert all("--audio-channel N" in w for w in warnings)


def test_ingest_audio_channel_is_what_transcription_hears(project, two_mics):
    result = run("ingest", project.root, two_mics["split"], "--audio-channel", "1")
    assert result.exit_code == 0, result.output
    assert "speech: audio stream 1, channel 1 (as [audio.int-001] in project.toml)" in result.output
    assert "Warning" not in result.output
    project = load_project(project.root)
    assert project.audio_routing("int-001") == AudioRouting(1, 1)
    assert "[audio.int-001]" in project.file.read_text("utf-8")
    assert project.file.read_text("utf-8").startswith("# project.toml")  # the comments are kept
    wav = speech_audio_path(project, "int-001")
    samples = wav_samples(wav)
    lavalier, other = tone_level_db(samples, 16000, 440), tone_level_db(samples, 16000, 1000)
    assert lavalier - other >= 40, (lavalier, other)


def test_changing_the_channel_in_project_toml_changes_what_the_transcript_is_made_from(project, two_mics):
    run("ingest", project.root, two_mics["split"])
    clip = find_clip(project, "int-001")
    mixed_source, mixed_wav = speech_source(project, clip), speech_audio_path(project, "int-001")
    project = set_audio_routing(project, "int-001", AudioRouting(1, 2))
    assert speech_source(project, clip) != mixed_source
    assert speech_audio_path(project, "int-001") != mixed_wav
    project = set_audio_routing(project, "int-001", AudioRouting())
    assert speech_source(project, clip) == mixed_source and not project.audio
    assert "\n[audio" not in project.file.read_text("utf-8")


def test_a_channel_the_file_does_not_have_is_refused(project, two_mics):
    result = run("ingest", project.root, two_mics["split"], "--audio-channel", "3")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {two_mics['split']}: audio stream 1 has 2 channel(s), so --audio-channel 3 does not "
        "exist; choose one from 1 to the count shown"
    )
    assert not (project.footage_dir / "index.json").exists()

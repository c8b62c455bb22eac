"""Transcription benchmark: speed and accuracy of the pipeline's engine against bare faster-whisper.

    .venv/bin/python bench/transcribe.py [--model base] [--repeat 2] [--no-glossary | --hotwords]

For each take of tests/data/zh_narration (about 200 s of Mandarin narration with exact texts) it
prints audio seconds, wall time, real-time factor and character error rate (simplified script,
punctuation removed) for

  (a) the pipeline's engine: `WhisperTranscriber` + OpenCC t2s, as `pipeline transcribe` runs it,
  (b) bare faster-whisper: `WhisperModel(...).transcribe(...)` with the same options and model,

then the totals and the pipeline's overhead over bare faster-whisper (it must stay under 10%).
Both run on the same audio, alternately take by take so that a busy machine slows both alike;
with --repeat N each figure is the fastest of N runs. Model loading is not timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from faster_whisper import WhisperModel

from pipeline.project.glossary import project_glossary
from pipeline.project.model import parse_project
from pipeline.transcribe.accuracy import character_errors
from pipeline.transcribe.chinese import has_traditional, simplify_transcription
from pipeline.transcribe.engine import (
    TranscribeOptions,
    WhisperTranscriber,
    model_kwargs,
    seed_sampler,
    whisper_kwargs,
)
from pipeline.transcribe.models import resolve_model
from pipeline.transcribe.step import options_for

TAKES = Path(__file__).resolve().parents[1] / "tests" / "data" / "zh_narration"
# the sample episode's project.toml (`pipeline demo`), as a producer fills it in
SAMPLE_PROJECT = {
    "episode": {"title": "驻村路上"},
    "subject": {"name": "王建华", "role": "驻村工作队队员", "unit": "邹城市石墙镇"},
    "glossary": {
        "terms": ["王建华", "邹城市", "石墙镇", "驻村工作队", "两委", "合作社", "民生代办", "乡村振兴"],
        "wrong_forms": {"驻村工作对": "驻村工作队", "两为": "两委"},
    },
}


@dataclass
class Run:
    wall_s: float = float("inf")
    errors: int = 0
    length: int = 0
    text: str = ""


def time_pipeline(
    engine: WhisperTranscriber, audio: Path, options: TranscribeOptions
) -> tuple[float, float, str, float]:
    """(wall s, of which script conversion s, text, audio s) for the pipeline's engine."""
    started = time.perf_counter()
    raw = engine.transcribe(audio, options)
    converting = time.perf_counter()
    heard = simplify_transcription(raw)
    done = time.perf_counter()
    return (
        done - started,
        done - converting,
        "".join(s.text for s in heard.segments),
        heard.duration_ms / 1000,
    )


def time_bare(model: WhisperModel, audio: Path, options: TranscribeOptions) -> tuple[float, str]:
    """(wall s, text) for bare faster-whisper with the same options."""
    started = time.perf_counter()
    seed_sampler(options.sampling_seed)  # as the engine does, so both decode the same words
    segments, _info = model.transcribe(str(audio), **whisper_kwargs(options))
    text = "".join(s.text for s in segments)  # iterating is what decodes
    return time.perf_counter() - started, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="base", help="model name or CTranslate2 folder (default: base)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per take and engine; the fastest counts")
    parser.add_argument("--no-glossary", action="store_true", help="no initial prompt")
    parser.add_argument(
        "--hotwords", action="store_true", help="also pass the glossary as hotwords (off in the pipeline)"
    )
    args = parser.parse_args()

    resolved = resolve_model(args.model)
    if args.no_glossary:
        options = TranscribeOptions(language="zh")
    else:
        sample = parse_project(Path(tempfile.gettempdir()), SAMPLE_PROJECT)
        options = options_for(project_glossary(sample), "zh", with_hotwords=args.hotwords)
    concrete = options.resolved()
    print(
        f"model {resolved.name} ({resolved.path}), {concrete.device} {concrete.compute_type}, "
        f"{concrete.cpu_threads} threads, beam {concrete.beam_size}, VAD {concrete.vad_filter}, "
        f"condition_on_previous_text {concrete.condition_on_previous_text}"
    )
    print(f"initial prompt: {options.initial_prompt or '-'}")
    print(f"hotwords: {options.hotwords or '-'}")

    pipeline_engine = WhisperTranscriber(resolved)
    bare = WhisperModel(str(resolved.path), **model_kwargs(concrete))
    takes = sorted(TAKES.glob("take*.opus"))
    if not takes:
        print(f"no takes in {TAKES}", file=sys.stderr)
        return 1
    pipeline_engine.transcribe(takes[0], options)  # warm-up: loads the model; not timed
    time_bare(bare, takes[0], concrete)

    header = f"{'take':8} {'audio s':>8} | {'pipeline s':>10} {'RTF':>6} {'CER':>6} | {'bare s':>8} {'RTF':>6} {'CER':>6}"
    print(header)
    print("-" * len(header))
    totals = {"audio": 0.0, "pipeline": Run(0.0), "bare": Run(0.0)}
    traditional = False
    conversion_s = 0.0
    for take in takes:
        reference = take.with_suffix(".txt").read_text("utf-8")
        ours, theirs = Run(), Run()
        audio_s = 0.0
        for attempt in range(args.repeat):
            # alternate which goes first, so neither always meets the busier moment
            for pipeline_turn in (True, False) if attempt % 2 == 0 else (False, True):
                if pipeline_turn:
                    wall_s, convert_s, ours.text, audio_s = time_pipeline(pipeline_engine, take, options)
                    ours.wall_s = min(ours.wall_s, wall_s)
                    conversion_s += convert_s / args.repeat
                else:
                    wall_s, theirs.text = time_bare(bare, take, concrete)
                    theirs.wall_s = min(theirs.wall_s, wall_s)
        ours.errors, ours.length = character_errors(reference, ours.text)
        theirs.errors, theirs.length = character_errors(reference, theirs.text)
        traditional |= has_traditional(ours.text)
        print(
            f"{take.stem:8} {audio_s:8.1f} | {ours.wall_s:10.2f} {ours.wall_s / audio_s:6.3f} "
            f"{ours.errors / ours.length:6.3f} | {theirs.wall_s:8.2f} {theirs.wall_s / audio_s:6.3f} "
            f"{theirs.errors / theirs.length:6.3f}"
        )
        totals["audio"] += audio_s
        for name, run in (("pipeline", ours), ("bare", theirs)):
            total = totals[name]
            total.wall_s += run.wall_s
            total.errors += run.errors
            total.length += run.length

    audio_s, ours, theirs = totals["audio"], totals["pipeline"], totals["bare"]
    print("-" * len(header))
    print(
        f"{'total':8} {audio_s:8.1f} | {ours.wall_s:10.2f} {ours.wall_s / audio_s:6.3f} "
        f"{ours.errors / ours.length:6.3f} | {theirs.wall_s:8.2f} {theirs.wall_s / audio_s:6.3f} "
        f"{theirs.errors / theirs.length:6.3f}"
    )
    print("(bare CER is on its raw output, scored in simplified script; the pipeline's output is simplified)")
    overhead = (ours.wall_s - theirs.wall_s) / theirs.wall_s * 100
    print(
        f"pipeline overhead over bare faster-whisper: {overhead:+.1f}% (limit 10%); of which OpenCC "
        f"and punctuation: {conversion_s * 1000:.0f} ms"
    )
    print(f"traditional characters in the pipeline's output: {'YES' if traditional else 'none'}")
    return 0 if overhead < 10 and not traditional else 1


if __name__ == "__main__":
    sys.exit(main())

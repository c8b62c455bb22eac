"""Transcription benchmark: speed and accuracy of the pipeline's engine against bare faster-whisper.

    .venv/bin/python bench/transcribe.py [--model base] [--repeat 2] [--no-glossary | --hotwords]

For each take of tests/data/zh_narration (about 200 s of Mandarin narration with exact texts) it
prints audio seconds, wall time, real-time factor and character error rate (simplified script,
punctuation removed) for

  (a) the pipeline's engine: `WhisperTranscriber` + OpenCC t2s + numbers and punctuation + the
      correction stage, as `pipeline transcribe` runs it; CER before and after correction,
  (b) bare faster-whisper: `WhisperModel(...).transcribe(...)` with the same options and model,

then the totals, the corrections' precision (changes that fixed an error / all changes; a change
fixed an error when undoing it alone would add errors) and the pipeline's overhead over bare
faster-whisper (it must stay under 10%). Last, the English check: WER of tests/data/real_speech/
jfk.flac with and without the correction stage (which leaves other languages alone).

    .venv/bin/python bench/transcribe.py --false-alarms

instead runs only the correction stage over text that is right as it stands: every translated
message of the system's zh_CN catalogues (/usr/share/locale/zh_CN/LC_MESSAGES/*.mo, some 400,000
characters on Debian), and prints each change it would make there (every one is a false alarm).
Both run on the same audio, alternately take by take so that a busy machine slows both alike;
with --repeat N each figure is the fastest of N runs. Model loading is not timed.
"""

from __future__ import annotations

import argparse
import gettext
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from faster_whisper import WhisperModel

from pipeline.project.glossary import load_office_glossary, project_glossary
from pipeline.project.model import parse_project
from pipeline.transcribe.accuracy import character_errors, word_error_rate
from pipeline.transcribe.chinese import has_traditional, simplify_transcription
from pipeline.transcribe.correct import Corrector, correct_transcript
from pipeline.transcribe.engine import (
    TranscribeOptions,
    WhisperTranscriber,
    model_kwargs,
    seed_sampler,
    whisper_kwargs,
)
from pipeline.transcribe.lexicon import load_lexicon
from pipeline.transcribe.models import resolve_model
from pipeline.transcribe.step import options_for
from pipeline.transcribe.style import style_transcript
from pipeline.transcribe.transcript import Transcript

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
TAKES = DATA / "zh_narration"
JFK = DATA / "real_speech" / "jfk.flac"
JFK_TEXT = (
    "And so, my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
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
    uncorrected_errors: int = 0  # the pipeline's errors without the correction stage
    uncorrected: str = ""
    changes: int = 0  # corrections applied
    fixes: int = 0  # of which fixed an error


@dataclass
class Heard:
    wall_s: float
    after_decoding_s: float  # script conversion, numbers and punctuation, corrections
    transcript: Transcript  # corrected
    uncorrected: Transcript
    audio_s: float


def time_pipeline(engine: WhisperTranscriber, audio: Path, options: TranscribeOptions, glossary) -> Heard:
    """The pipeline's engine and what `pipeline transcribe` does after it, timed."""
    started = time.perf_counter()
    raw = engine.transcribe(audio, options)
    converting = time.perf_counter()
    heard = simplify_transcription(raw)
    transcript = style_transcript(Transcript(audio.stem, heard.language, engine.identity, heard.segments))
    corrected = correct_transcript(transcript, glossary)
    done = time.perf_counter()
    return Heard(done - started, done - converting, corrected, transcript, heard.duration_ms / 1000)


def correction_fixes(reference: str, uncorrected: Transcript, corrected: Transcript) -> int:
    """How many of the corrections fixed an error: applied alone, each must lower the error count."""
    base, _ = character_errors(reference, uncorrected.text)
    fixes = 0
    for c in corrected.corrections:
        segments = []
        for index, segment in enumerate(uncorrected.segments):
            joined = "".join(w.text for w in segment.words)
            if index == c.segment:
                joined = joined[: c.offset] + c.replacement + joined[c.offset + len(c.original) :]
            segments.append(joined)
        errors, _ = character_errors(reference, "".join(segments))
        fixes += errors < base
    return fixes


def time_bare(model: WhisperModel, audio: Path, options: TranscribeOptions) -> tuple[float, str]:
    """(wall s, text) for bare faster-whisper with the same options."""
    started = time.perf_counter()
    seed_sampler(options.sampling_seed)  # as the engine does, so both decode the same words
    segments, _info = model.transcribe(str(audio), **whisper_kwargs(options))
    text = "".join(s.text for s in segments)  # iterating is what decodes
    return time.perf_counter() - started, text


CATALOGUES = Path("/usr/share/locale/zh_CN/LC_MESSAGES")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")


def false_alarms() -> int:
    """The correction stage over correct text: the translated messages of the system's programs."""
    sentences = []
    for catalogue in sorted(CATALOGUES.glob("*.mo")):
        try:
            with catalogue.open("rb") as fh:
                messages = gettext.GNUTranslations(fh)._catalog.values()
        except (OSError, gettext.error, UnicodeDecodeError):
            continue
        sentences.extend(m for m in messages if isinstance(m, str) and HAN_RUN.search(m))
    if not sentences:
        print(f"no zh_CN message catalogues in {CATALOGUES}", file=sys.stderr)
        return 1
    corrector = Corrector(load_office_glossary(), load_lexicon())
    characters = sum(1 for m in sentences for c in m if "\u4e00" <= c <= "\u9fff")
    changes = 0
    started = time.perf_counter()
    for message in sentences:
        for p in corrector.propose(message):
            changes += 1
            context = message[max(0, p.start - 6) : p.end + 6].replace("\n", " ")
            print(f"  {p.original} -> {p.replacement}  ({p.reason}, score {p.score})  {context}")
    print(
        f"{changes} changes in {characters} Chinese characters of correct text ({len(sentences)} messages), "
        f"one per {characters // max(changes, 1)} characters; {time.perf_counter() - started:.0f} s"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="base", help="model name or CTranslate2 folder (default: base)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per take and engine; the fastest counts")
    parser.add_argument("--no-glossary", action="store_true", help="no initial prompt")
    parser.add_argument(
        "--hotwords", action="store_true", help="also pass the glossary as hotwords (off in the pipeline)"
    )
    parser.add_argument(
        "--false-alarms",
        action="store_true",
        help="only count the correction stage's changes to correct text (the system's zh_CN messages)",
    )
    args = parser.parse_args()
    if args.false_alarms:
        return false_alarms()

    resolved = resolve_model(args.model)
    sample = parse_project(Path(tempfile.gettempdir()), SAMPLE_PROJECT)
    glossary = project_glossary(sample)  # the corrections use it even when the prompt does not
    if args.no_glossary:
        options = TranscribeOptions(language="zh")
    else:
        options = options_for(glossary, "zh", with_hotwords=args.hotwords)
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
    started = time.perf_counter()  # the correction stage's dictionaries load once per process, too
    Corrector(glossary, load_lexicon()).propose("转写预热")
    startup_s = time.perf_counter() - started
    time_bare(bare, takes[0], concrete)

    header = (
        f"{'take':8} {'audio s':>8} | {'pipeline s':>10} {'RTF':>6} {'CER':>6} {'uncorr':>6} {'fixed':>7} "
        f"| {'bare s':>8} {'RTF':>6} {'CER':>6}"
    )
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
                    heard = time_pipeline(pipeline_engine, take, options, glossary)
                    ours.text, ours.uncorrected, audio_s = (
                        heard.transcript.text,
                        heard.uncorrected.text,
                        heard.audio_s,
                    )
                    ours.wall_s = min(ours.wall_s, heard.wall_s)
                    conversion_s += heard.after_decoding_s / args.repeat
                else:
                    wall_s, theirs.text = time_bare(bare, take, concrete)
                    theirs.wall_s = min(theirs.wall_s, wall_s)
        ours.errors, ours.length = character_errors(reference, ours.text)
        ours.uncorrected_errors, _ = character_errors(reference, ours.uncorrected)
        ours.changes = len(heard.transcript.corrections)
        ours.fixes = correction_fixes(reference, heard.uncorrected, heard.transcript)
        theirs.errors, theirs.length = character_errors(reference, theirs.text)
        traditional |= has_traditional(ours.text)
        print(
            f"{take.stem:8} {audio_s:8.1f} | {ours.wall_s:10.2f} {ours.wall_s / audio_s:6.3f} "
            f"{ours.errors / ours.length:6.3f} {ours.uncorrected_errors / ours.length:6.3f} "
            f"{ours.fixes:>3}/{ours.changes:<3} | {theirs.wall_s:8.2f} {theirs.wall_s / audio_s:6.3f} "
            f"{theirs.errors / theirs.length:6.3f}"
        )
        for c in heard.transcript.corrections:
            print(f"{'':8}   {c.original} -> {c.replacement}  ({c.reason}, score {c.score})")
        totals["audio"] += audio_s
        for name, run in (("pipeline", ours), ("bare", theirs)):
            total = totals[name]
            total.wall_s += run.wall_s
            total.errors += run.errors
            total.length += run.length
            total.uncorrected_errors += run.uncorrected_errors
            total.changes += run.changes
            total.fixes += run.fixes

    audio_s, ours, theirs = totals["audio"], totals["pipeline"], totals["bare"]
    print("-" * len(header))
    print(
        f"{'total':8} {audio_s:8.1f} | {ours.wall_s:10.2f} {ours.wall_s / audio_s:6.3f} "
        f"{ours.errors / ours.length:6.3f} {ours.uncorrected_errors / ours.length:6.3f} "
        f"{ours.fixes:>3}/{ours.changes:<3} | {theirs.wall_s:8.2f} {theirs.wall_s / audio_s:6.3f} "
        f"{theirs.errors / theirs.length:6.3f}"
    )
    print(
        "(CER: simplified script, punctuation ignored, 15 and 十五 alike; uncorr: the pipeline without "
        "the correction stage; fixed: corrections that fixed an error / all corrections)"
    )
    precision = ours.fixes / ours.changes if ours.changes else 1.0
    print(
        f"CER before correction {ours.uncorrected_errors / ours.length:.3f}, after {ours.errors / ours.length:.3f}; "
        f"correction precision {ours.fixes}/{ours.changes} = {precision:.2f} (target >= 0.9)"
    )
    overhead = (ours.wall_s - theirs.wall_s) / theirs.wall_s * 100
    print(
        f"pipeline overhead over bare faster-whisper: {overhead:+.1f}% (limit 10%); of which OpenCC, "
        f"numbers, punctuation and corrections: {conversion_s * 1000:.0f} ms"
    )
    print(
        f"correction stage start-up, once per run (jieba's dictionary, shared with the drafts, and "
        f"pypinyin): {startup_s:.2f} s, not in the times above"
    )
    print(f"traditional characters in the pipeline's output: {'YES' if traditional else 'none'}")

    english = time_pipeline(pipeline_engine, JFK, TranscribeOptions(language="en"), glossary)
    before = word_error_rate(JFK_TEXT, english.uncorrected.text)
    after = word_error_rate(JFK_TEXT, english.transcript.text)
    print(
        f"English ({JFK.name}): WER {before:.3f} before correction, {after:.3f} after, "
        f"{len(english.transcript.corrections)} corrections"
    )
    return 0 if overhead < 10 and not traditional and after <= before and precision >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Subtitles: one cue model, SRT/VTT, CJK line breaking, QC, fixes, approval.

Along the data flow:

- `cue`: the Cue (integer milliseconds, text as lines).
- `srt_io`: SRT/WebVTT in and out (Windows encodings, stray BOMs, garbage refused with its line).
- `width`, `terms`: display widths (Latin 0.5), traditional characters, glossary wrong forms (the
  OpenCC converter and the merged glossary are `project.glossary`, shared with transcription).
- `profile`: the QC profile from `presets/qc/<name>.toml`.
- `linebreak`: jieba-based `wrap`, `reflow` and punctuation rules.
- `draft`: `draft_cues` from word timings; `timing`: reading time, gaps, durations.
- `qc`: `lint` and its Findings; `fix`: `fix_cues`, the safe automatic fixes.
- `store`: drafts, producers' files and approvals; `checks`: lint and fix a whole project.
"""

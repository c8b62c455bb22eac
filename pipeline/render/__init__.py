"""Render: a Timeline and platform presets to checked files under exports/, incrementally.

Along the data flow (`engine.render_project` drives it):

- `platforms`: the presets; `outputs`: file names, draft presets, the size-capped variant's bitrate.
- `prepare`: which outputs a job makes and their fingerprints (`fingerprint`), after gathering what
  the graph needs, each cached by content: `artwork` (cards, lower thirds, the cover frame, drawn by
  `graphics`), `burn_in` (ASS files, written by `ass`), `loudness_pass` (pass 1 of `loudness`),
  `remux` (seekable copies of unindexed footage).
- `graph`: the pure compile step, Timeline + presets -> ffmpeg arguments, built from `sources`,
  `video`, `audio`, `encode` and `filters`; golden-tested.
- after the one ffmpeg run: `refit` (a capped file over its cap), then `measure`, `checks` and
  `manifest`.
"""

"""Subtitles: one cue model, SRT/VTT/ASS, CJK line breaking, QC, fixes, approval."""

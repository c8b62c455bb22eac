"""Micro-video production pipeline for a party-member education center.

Stages, one subpackage each: project, media, transcribe, subtitles, edit, render, batch, review.
"""

__version__ = "0.1.0"

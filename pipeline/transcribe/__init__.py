"""Transcription: faster-whisper behind a Transcriber protocol, results cached per clip."""

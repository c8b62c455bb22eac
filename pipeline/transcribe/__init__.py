"""Transcription: faster-whisper behind a Transcriber protocol, results cached per clip.

After the engine (`engine`, `models`): simplified script (`chinese`), numbers and punctuation
(`style`), homophone corrections from the glossary, the office lexicon and jieba's dictionary
(`correct`, `lexicon`), and the flags a producer should check (`flags`); `accuracy` scores it all.
"""

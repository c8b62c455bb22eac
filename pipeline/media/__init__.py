"""Media: locating ffmpeg, running it, probing files, ingesting footage."""

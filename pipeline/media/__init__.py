"""Media, a leaf that knows no project: locating ffmpeg, running it, probing files, finding fonts.

Nothing here imports the rest of `pipeline` except `errors`; ingesting footage into a project is
`project.ingest`."""

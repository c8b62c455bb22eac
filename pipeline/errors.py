"""The error hierarchy. Library code raises these; only the CLI turns them into exit codes.

Every message says what went wrong, where (file, key, clip) and what to do about it, in one line.
"""

from __future__ import annotations


class PipelineError(Exception):
    """A problem with the user's data or environment (exit code 1)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProjectError(PipelineError):
    """project.toml or the project folder is missing, unreadable or invalid."""


class PresetError(PipelineError):
    """A preset file under presets/ (or a project override of it) is invalid."""


class MediaError(PipelineError):
    """A media file cannot be used: missing, empty, truncated, not media, wrong streams."""


class FfmpegError(PipelineError):
    """An ffmpeg run failed; carries the command and the tail of its stderr."""

    def __init__(self, message: str, command: list[str] | None = None, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.command = list(command or [])
        self.stderr_tail = stderr_tail


class ModelError(PipelineError):
    """No usable speech model."""


class SubtitleError(PipelineError):
    """A subtitle file cannot be read, or an operation on subtitles is refused."""


class EditError(PipelineError):
    """The cut list or the template cannot be turned into a timeline."""


class RenderError(PipelineError):
    """A render failed or an output misses its preset."""


class BatchError(PipelineError):
    """A batch run cannot start (no projects, no scheduler) or some of its episodes failed."""


class Interrupted(PipelineError):
    """The user pressed Ctrl-C; partial outputs were removed."""


class PublishError(PipelineError):
    """An outbox episode cannot be published: missing files, limits, credentials, a WeChat error."""

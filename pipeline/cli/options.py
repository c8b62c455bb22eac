"""Shared click options and argument types."""

from __future__ import annotations

from pathlib import Path

import click

project_dir = click.argument("project_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))

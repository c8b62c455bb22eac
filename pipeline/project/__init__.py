"""The project folder: project.toml, its layout, atomic writes."""

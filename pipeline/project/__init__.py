"""The project folder: project.toml, its layout, atomic writes, the glossary, ingesting footage."""

"""The bundled sample project and `pipeline demo`."""

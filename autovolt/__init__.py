"""Composition root: settings, the `autovolt` command, service wiring and the HTTP API."""

"""The bundled demo: campus file, history generator and the `autovolt demo` wiring."""

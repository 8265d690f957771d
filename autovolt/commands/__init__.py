"""Sub-commands of the `autovolt` command line, one module per command group."""

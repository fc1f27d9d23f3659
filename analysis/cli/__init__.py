"""The ``frontier-atlas`` command line: :mod:`analysis.cli.main` (entry point), :mod:`analysis.cli.args` (shared
argument types and output) and one module per command group in :mod:`analysis.cli.commands`."""

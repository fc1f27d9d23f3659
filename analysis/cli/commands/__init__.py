"""One module per ``frontier-atlas`` subcommand group; each defines ``register(subparsers)``."""

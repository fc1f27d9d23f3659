"""One module per ``frontier-atlas`` subcommand group; each defines ``register(subparsers)``.

A command module imports the analysis it runs inside its ``run`` function, not at the top: building the parser
(``frontier-atlas --help``, a usage error) then loads no pandas, statsmodels or pandera, and a command pays only
for the layers it uses. Shared options and argument types come from :mod:`analysis.cli.args`.
"""

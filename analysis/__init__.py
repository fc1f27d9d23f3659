"""Frontier Atlas: data and honest uncertainty on the AI race.

The package is organised as pure, tested modules (DataFrame in, DataFrame or frozen dataclass out):
``analysis.data`` (loading and the Epoch AI importer), ``analysis.validate``, ``analysis.trends``,
``analysis.scaling``, ``analysis.compute``, ``analysis.openness``, ``analysis.competition`` and the
report pipeline ``analysis.reports``. The command line lives in ``analysis.cli``.
"""

__version__ = "0.1.0"

"""Frontier Atlas: data and honest uncertainty on the AI race.

Layers, each a package that imports only the layers below it (checked by ``make lint``):

* ``analysis.cli`` (the ``frontier-atlas`` command) and ``analysis.reporting`` (figures, notebooks' helpers, the
  report runner and HTML);
* ``analysis.metrics``: one module per question, DataFrame in, DataFrame or frozen dataclass out;
* ``analysis.data``: schema, loading (``analysis.data.dataset.load``), upstream snapshots, overlay, validation;
* base: ``analysis.constants``, ``analysis.errors``, ``analysis.notices``.
"""

__version__ = "0.1.0"

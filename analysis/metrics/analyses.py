"""The catalogue of analyses for notebooks: ``analyses.get("trend")(ds, metric="parameters")``.

Each analysis is declared at its definition with :func:`analysis.metrics.registry.analysis` (the toolkit's are in
:mod:`analysis.metrics.entries`); :func:`get` finds any of them by name, and :data:`REGISTRY` holds those loaded so
far (:func:`analysis.metrics.registry.load_all` loads every one).
"""

from __future__ import annotations

from analysis.metrics.registry import REGISTRY, get, load_all

__all__ = ["REGISTRY", "get", "load_all"]

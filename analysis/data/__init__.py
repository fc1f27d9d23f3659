"""Data layer: our schema, reading and typing CSVs, Epoch AI's pinned snapshots and importer, the overlay, the
merged models table and its cache, validation, vintages of upstream files, pulling a new vintage.

Imports only the base layer (:mod:`analysis.constants`, :mod:`analysis.errors`, :mod:`analysis.notices`); the
entry point is :func:`analysis.data.dataset.load`.
"""

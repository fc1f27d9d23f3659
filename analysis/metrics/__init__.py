"""Metrics layer: one module per question (trends, frontier and selection, scaling, compute, openness, lag,
competition, infrastructure and cost, capabilities, spillovers, sensitivity, vintages).

Functions take DataFrames (from :mod:`analysis.data`) and return DataFrames or small frozen dataclasses; they never
print, plot or read files themselves. Imports the data and base layers only.
"""

"""Reporting layer: figures and the shared style, notebook helpers, the report runner and HTML rendering.

Imports the metrics, data and base layers; never the command line.
"""

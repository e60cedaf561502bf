"""Layer 4, report: everything a reader sees: Danish numbers and words, tables, charts and chapter content.

Imports config, inputs and model; never publish.
"""

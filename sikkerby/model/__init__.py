"""Layer 3, model: the calculations (a registry by name), goal status, the evidence model and disclosure control.

Pure functions from validated tables to tables; no reader-facing prose. Imports config and inputs only.
"""

"""Layer 5, publish: the yearly run (a short spine), notebook execution, manifest, progress, rendering, template.

The top layer under :mod:`sikkerby.cli`.
"""

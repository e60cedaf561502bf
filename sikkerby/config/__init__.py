"""Layer 1, config: the programme file and the year's parameters, read strictly (docs/programme.md).

Imports nothing of the package but :mod:`sikkerby.errors`.
"""

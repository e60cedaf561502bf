"""Layer 2, inputs: readers, typed parsing, the contract, validation, the personal-data guard and the dataset.

Imports only :mod:`sikkerby.config` (and :mod:`sikkerby.errors`). See docs/data-contract.md.
"""

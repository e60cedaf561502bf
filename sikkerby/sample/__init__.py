"""Synthetic sample data ("eksempeldata") for the Sikker By publication.

:func:`write_sample_data` writes the seven input files of DATA.md §1, calibrated to
the programme's published 2013 baselines; :mod:`.scenario` holds the designed figures.
"""

from sikkerby.sample.generator import SEED, generate_sample_data, write_sample_data

__all__ = ["SEED", "generate_sample_data", "write_sample_data"]

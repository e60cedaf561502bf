"""Sikker By reporting: Københavns Kommune's annual status publication.

The package holds every calculation behind the publication; the notebooks in
``notebooks/`` only narrate, parameterise, call and chart.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sikkerby")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

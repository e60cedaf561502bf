"""Benchmarks of the yearly run (``make bench``); not part of the installed package."""

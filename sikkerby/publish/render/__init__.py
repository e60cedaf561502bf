"""Turning executed notebooks into the publication: HTML pages, one PDF, or a Quarto book.

Light on import: the modules that need nbconvert, pandoc or typst import them
inside their functions, so the CLI stays fast when the cache says "nothing to do".
"""

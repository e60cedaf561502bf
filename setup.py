"""Build hook: ship the default notebooks and programme folder inside the package.

The repository keeps ``notebooks/`` and ``params/`` at its top level (analysts open them
there). A wheel has to carry them too, so that ``sikkerby run`` works after a plain
``pip install``: the build copies them to ``sikkerby/_defaults/{notebooks,params}``.
An editable install (``pip install -e .``) skips the copy and keeps using the top-level
folders (``sikkerby.config.paths``). Everything else is in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"notebooks": "*.ipynb", "params": "*.yaml"}  # top-level folder -> files shipped


class BuildPyWithDefaults(build_py):
    """``build_py`` that also copies the top-level notebooks and params into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for folder, pattern in BUNDLED.items():
            sources = sorted(p for p in (ROOT / folder).glob(pattern) if not p.name.startswith((".", "_")))
            if not sources:
                raise SystemExit(f"setup.py: no {pattern} in {ROOT / folder}; the package would ship without them")
            target = Path(self.build_lib) / "sikkerby" / "_defaults" / folder
            self.mkpath(str(target))
            for source in sources:
                self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildPyWithDefaults})

"""``manifest.json``: what produced a publication (DATA.md §4)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

from sikkerby.config.paths import PROJECT_DIR

MANIFEST_NAME = "manifest.json"
VERSION_PACKAGES = ("sikkerby", "pandas", "numpy", "papermill", "nbconvert", "nbclient", "ipykernel",
                    "matplotlib", "pypandoc-binary", "typst")


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def tool_versions(renderer: str) -> dict[str, str | None]:
    """Python, the package and the libraries/tools that computed and rendered the publication."""
    import platform

    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in VERSION_PACKAGES:
        versions[name] = _version(name)
    try:
        import pypandoc

        versions["pandoc"] = pypandoc.get_pandoc_version()
    except (ImportError, OSError, RuntimeError):
        versions["pandoc"] = None
    if renderer == "quarto":
        from sikkerby.publish.render.quarto import quarto_version

        versions["quarto"] = quarto_version()
    return versions


def git_commit(directory: Path = PROJECT_DIR) -> dict[str, object] | None:
    """The project's commit and whether the work tree had changes; ``None`` outside a git checkout."""
    if not (directory / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "-C", str(directory), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(directory), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "uncommitted_changes": bool(status.strip())}


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def build_manifest(*, year: int, parameters: dict, data_dir: Path, sample_data: bool,
                   inputs: dict[str, dict[str, str]], notebooks: list[dict], params: dict[str, str],
                   renderer: str, started: str, finished: str, cache_key: str,
                   versions: dict, git: dict | None, outputs: list[str], input_snapshot: bool = False,
                   warnings: list[str] | None = None) -> dict:
    """The manifest as a dict (see DATA.md §4); written by :func:`write_manifest`.

    ``data_dir`` is the folder the user named; ``input_snapshot`` says that the run copied the
    inputs from it before validation and worked only from the copy, so the ``inputs`` hashes are those
    of exactly what was validated, computed and published (a file changed in ``data_dir`` during the
    run is not in this publication). ``warnings`` are the data's plausibility warnings (DATA.md §1).
    """
    return {
        "aar": year,
        "parameters": parameters,
        "data_dir": str(data_dir),
        "sample_data": sample_data,
        "input_snapshot": input_snapshot,
        "inputs": inputs,
        "input_warnings": list(warnings or ()),
        "params": params,
        "notebooks": notebooks,
        "versions": versions,
        "git": git,
        "renderer": renderer,
        "started": started,
        "finished": finished,
        "outputs": outputs,
        "cache_key": cache_key,
    }


def write_manifest(path: Path, manifest: dict) -> None:
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

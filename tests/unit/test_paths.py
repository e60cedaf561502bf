"""Where the programme folder and the notebooks are found: option, environment, checkout, bundled copy."""

from __future__ import annotations

from pathlib import Path

from sikkerby.config import paths


def test_a_checkout_uses_its_own_folders(monkeypatch):
    monkeypatch.delenv(paths.PARAMS_ENV, raising=False)
    monkeypatch.delenv(paths.NOTEBOOKS_ENV, raising=False)
    assert paths.is_source_checkout()
    assert paths.params_dir() == paths.PROJECT_DIR / "params"
    assert paths.notebooks_dir() == paths.PROJECT_DIR / "notebooks"


def test_option_before_environment_before_default(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.PARAMS_ENV, str(tmp_path / "env-params"))
    monkeypatch.setenv(paths.NOTEBOOKS_ENV, str(tmp_path / "env-nb"))
    assert paths.params_dir() == tmp_path / "env-params"
    assert paths.notebooks_dir() == tmp_path / "env-nb"
    assert paths.params_dir(tmp_path / "opt") == tmp_path / "opt"
    assert paths.notebooks_dir(str(tmp_path / "opt-nb")) == tmp_path / "opt-nb"
    monkeypatch.setenv(paths.PARAMS_ENV, "  ")  # set but empty: the default
    assert paths.params_dir("") == paths.default_params_dir()


def test_installed_package_uses_the_bundled_copies(monkeypatch, tmp_path):
    """Outside a checkout (site-packages has no pyproject.toml) the copies the build put in the package are used."""
    site = tmp_path / "site-packages"
    (site / "params").mkdir(parents=True)  # a stray folder of that name in site-packages is not used
    monkeypatch.setattr(paths, "PROJECT_DIR", site)
    monkeypatch.setattr(paths, "BUNDLED_DIR", site / "sikkerby" / "_defaults")
    monkeypatch.delenv(paths.PARAMS_ENV, raising=False)
    monkeypatch.delenv(paths.NOTEBOOKS_ENV, raising=False)
    assert not paths.is_source_checkout()
    assert paths.params_dir() == site / "sikkerby" / "_defaults" / "params"
    assert paths.notebooks_dir() == site / "sikkerby" / "_defaults" / "notebooks"


def test_build_hook_ships_what_the_checkout_has():
    """setup.py copies exactly the checkout's notebooks and params into the package (its BUNDLED map)."""
    import ast

    tree = ast.parse((paths.PROJECT_DIR / "setup.py").read_text(encoding="utf-8"))
    bundled = next(ast.literal_eval(node.value) for node in ast.walk(tree)
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "BUNDLED")
    assert bundled == {"notebooks": "*.ipynb", "params": "*.yaml"}
    manifest = (paths.PROJECT_DIR / "MANIFEST.in").read_text(encoding="utf-8")
    for folder, pattern in bundled.items():
        assert f"include {folder}/{pattern}" in manifest  # an sdist carries them too
        assert list(Path(paths.PROJECT_DIR / folder).glob(pattern))

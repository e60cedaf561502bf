"""How much of a large activity register chapter 03 shows: the ``publication`` setting of program.yaml."""

from __future__ import annotations

import shutil

import pytest

from sikkerby.paths import PROJECT_DIR
from sikkerby.programme import Publication, ProgrammeError, load_programme


def _programme_with(tmp_path, section: str):
    """program.yaml with its ``publication`` section replaced by ``section`` ("" = no section)."""
    path = tmp_path / "program.yaml"
    shutil.copy(PROJECT_DIR / "params" / "program.yaml", path)
    text = path.read_text(encoding="utf-8")
    start = text.index("\npublication:")
    end = text.find("\n\n", start + 1)
    end = len(text) if end < 0 else end
    path.write_text(text[:start] + ("\n" + section.rstrip("\n") if section else "") + text[end:], encoding="utf-8")
    return path


def test_the_programme_sets_the_limits(programme):
    assert programme.publication == Publication(max_activity_rows=50, max_scatter_labels=40)


def test_without_the_section_the_defaults_apply(tmp_path):
    programme = load_programme(_programme_with(tmp_path, ""))
    assert programme.publication == Publication()
    assert (Publication().max_activity_rows, Publication().max_scatter_labels) == (50, 40)


def test_one_setting_may_be_left_out(tmp_path):
    programme = load_programme(_programme_with(tmp_path, "publication:\n  max_activity_rows: 7\n"))
    assert programme.publication == Publication(max_activity_rows=7, max_scatter_labels=40)


def test_the_smallest_values_are_accepted(tmp_path):
    programme = load_programme(_programme_with(
        tmp_path, "publication:\n  max_activity_rows: 1\n  max_scatter_labels: 0\n"))
    assert programme.publication == Publication(max_activity_rows=1, max_scatter_labels=0)


@pytest.mark.parametrize("section, message", [
    ("publication:\n  max_activity_rows: 0\n", "max_activity_rows.*mindst 1"),
    ("publication:\n  max_activity_rows: -5\n", "max_activity_rows.*mindst 1"),
    ("publication:\n  max_scatter_labels: -1\n", "max_scatter_labels.*mindst 0"),
    ("publication:\n  max_activity_rows: 12.5\n", "max_activity_rows.*helt tal"),
    ("publication:\n  max_activity_rows: 50.0\n", "max_activity_rows.*helt tal"),
    ("publication:\n  max_scatter_labels: fyrre\n", "max_scatter_labels.*helt tal"),
    ("publication:\n  max_scatter_labels: true\n", "max_scatter_labels.*helt tal"),
    ("publication:\n  max_scatter_labels: null\n", "max_scatter_labels.*helt tal"),
    ("publication:\n  max_activity_row: 50\n", "ukendt.*max_activity_row"),
    ("publication: 50\n", "publication.*skal"),
    ("publication:\n  - max_activity_rows: 50\n", "publication.*skal"),
])
def test_a_bad_value_is_a_programme_error(tmp_path, section, message):
    with pytest.raises(ProgrammeError, match=message) as info:
        load_programme(_programme_with(tmp_path, section))
    assert "program.yaml" in str(info.value)


def test_publication_refuses_bad_values_when_built_in_code():
    with pytest.raises(ProgrammeError, match="max_activity_rows"):
        Publication(max_activity_rows=0)
    with pytest.raises(ProgrammeError, match="max_scatter_labels"):
        Publication(max_scatter_labels=True)

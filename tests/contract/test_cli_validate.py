"""``sikkerby validate``: the real command, run as a data deliverer runs it."""

from __future__ import annotations

import re
import subprocess
import sys

from factories import valid_tables, with_changes, write_folder


def sikkerby(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sikkerby", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


UNFOLLOWED = "som ingen indikator følger (er navnet stavet som i programfilen?)"


def test_valid_folder_says_ok(tmp_path):
    write_folder(tmp_path)
    result = sikkerby("validate", "--data", str(tmp_path))
    # the factories' gang log counts Tingbjerg too, which no indikator follows: a warning, not a refusal
    assert (result.returncode, result.stdout.strip()) == (0, "OK")
    assert result.stderr.splitlines() == [
        f"Advarsel: bandelog.csv, kolonne 'omraade': 1 opgørelse for området 'Tingbjerg', {UNFOLLOWED}"]


def test_valid_excel_and_danish_csv_folder_says_ok(tmp_path):
    write_folder(tmp_path / "xlsx", fmt="xlsx")
    write_folder(tmp_path / "csv", sep=";", encoding="cp1252", date_format="%d.%m.%Y")
    for folder in ("xlsx", "csv"):
        result = sikkerby("validate", "--data", str(tmp_path / folder))
        assert (result.returncode, result.stdout.strip()) == (0, "OK"), result.stderr


def test_broken_folder_lists_every_problem_in_danish_without_traceback(tmp_path):
    tables = with_changes(valid_tables(), "lukninger", 1, slutdato="2013-12-01", planlagt="måske")
    tables = with_changes(tables, "tryghedsundersoegelse", 3, vaegt=0)
    write_folder(tmp_path, tables, sep=";")
    (tmp_path / "bandelog.csv").unlink()
    result = sikkerby("validate", "--data", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "OK" not in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == "Inddata er ikke i orden: 4 problem(er)."
    assert "- lukninger.csv, række 3, kolonne 'planlagt': skal være ja/nej, true/false eller 1/0 (værdi: måske)" in lines
    assert ("- lukninger.csv, række 3, kolonne 'slutdato': slutdato skal være samme dag som startdato eller senere "
            "(værdi: 2013-12-01 er før startdato 2013-12-30)") in lines
    assert "- tryghedsundersoegelse.csv, række 5, kolonne 'vaegt': skal være større end 0 (værdi: 0)" in lines
    assert any(line.startswith("- bandelog.csv: filen mangler") for line in lines)


def test_cpr_number_is_refused_and_never_printed(tmp_path):
    tables = with_changes(valid_tables(), "aktiviteter", 2, navn="Kontaktperson 241268-1113")
    tables = with_changes(tables, "lukninger", 0, aarsag="Elev 2412681113 truede en pædagog")
    write_folder(tmp_path, tables)
    result = sikkerby("validate", "--data", str(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "aktiviteter.csv, række 4, kolonne 'navn'" in output
    assert "lukninger.csv, række 2, kolonne 'aarsag'" in output
    assert "******-****" in output
    assert "241268" not in output and "1113" not in output
    assert re.search(r"\d{6}", output) is None


def test_missing_folder(tmp_path):
    result = sikkerby("validate", "--data", str(tmp_path / "ingen"))
    assert result.returncode == 1
    assert "findes ikke" in result.stderr and "Traceback" not in result.stderr


def test_bundled_sample_data_is_valid(sample_data_dir):
    assert (sample_data_dir / "tryghedsundersoegelse.csv").exists(), "the bundled sample data is missing"
    result = sikkerby("validate")
    assert (result.returncode, result.stdout.strip()) == (0, "OK")
    assert result.stderr.splitlines() == [  # the sample's gang log has two areas besides the programme's
        f"Advarsel: bandelog.csv, kolonne 'omraade': 16 opgørelser for området 'Nordvest', {UNFOLLOWED}",
        f"Advarsel: bandelog.csv, kolonne 'omraade': 16 opgørelser for området 'Tingbjerg/Husum', {UNFOLLOWED}"]

"""The command speaks Danish, argparse's own words included, and misuse ends with exit status 1."""

from __future__ import annotations

import argparse
import inspect
import re

import pytest

from run_helpers import run_sikkerby
from sikkerby import cli

ENGLISH = ("usage:", "positional arguments", "options:", "show this help", "error:", "required",
           "invalid choice", "unrecognized arguments", "expected one argument", "default:")
SUBCOMMANDS = ("validate", "run", "preview", "template", "init", "clean", "sample-data")


def _argparse_msgids() -> set[str]:
    """Every message argparse of this Python passes through gettext (``_('…')`` and ``ngettext``)."""
    source = inspect.getsource(argparse)
    ids = {eval(m.group(1)) for m in re.finditer(r"\b_\(\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", source)}
    for m in re.finditer(r"ngettext\(\s*('(?:[^'\\]|\\.)*'),\s*('(?:[^'\\]|\\.)*')", source):
        ids |= {eval(m.group(1)), eval(m.group(2))}
    return ids


def test_every_argparse_message_has_a_danish_translation():
    msgids = _argparse_msgids()
    assert len(msgids) > 20  # the pattern finds argparse's messages at all
    missing = sorted(m for m in msgids if m not in cli.ARGPARSE_DA)
    assert missing == []
    for english, danish in cli.ARGPARSE_DA.items():  # the same placeholders, so formatting cannot fail
        assert re.findall(r"%\(\w+\)[sr]|%[sr]", english) == re.findall(r"%\(\w+\)[sr]|%[sr]", danish), english


@pytest.mark.parametrize("args", [[], *([name] for name in SUBCOMMANDS)])
def test_help_is_danish(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*args, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("brug: sikkerby")
    assert "vis denne hjælp og afslut" in text and "tilvalg:" in text
    lowered = text.lower()
    assert [word for word in ENGLISH if word in lowered] == []


@pytest.mark.parametrize(("args", "message"), [
    (["run"], "sikkerby run: fejl: følgende argumenter skal angives: --year"),
    (["frobnicate"], "sikkerby: fejl: argument KOMMANDO: ugyldigt valg: 'frobnicate'"),
    (["run", "--year", "2017", "--renderer", "latex"], "argument --renderer: ugyldigt valg: 'latex'"),
    (["template", "--out", "x", "--year", "abc"], "argument --year: ugyldig værdi (heltal): 'abc'"),
    (["run", "--year", "20x7"], "argument --year: '20x7' er ikke et år eller et interval som 2014-2017"),
    (["run", "--year", "2017", "--jobs", "0"], "argument --jobs: '0' er ikke et positivt heltal"),
    (["validate", "--bogus"], "sikkerby: fejl: ukendte argumenter: --bogus"),
    (["run", "--year"], "argument --year: forventede én værdi"),
    ([], "følgende argumenter skal angives: KOMMANDO"),
])
def test_usage_errors_are_danish_and_exit_1(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(args)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("brug: sikkerby")
    assert [word for word in ("error:", "usage:", "required", "invalid", "Traceback") if word in err] == []


def test_argparse_is_english_again_outside_the_command():
    parser = argparse.ArgumentParser(prog="other")
    assert parser.format_usage().startswith("usage: other")
    assert "show this help message and exit" in parser.format_help()


def test_the_real_command_speaks_danish():
    done = run_sikkerby("--help")
    assert done.returncode == 0 and done.stdout.startswith("brug: sikkerby")
    done = run_sikkerby("run", "--year", "2017", "--renderer", "nope")
    assert done.returncode == 1
    assert "sikkerby run: fejl: argument --renderer: ugyldigt valg: 'nope'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_console_script_exits_with_mains_status_after_freezing_the_collector(monkeypatch):
    """``sikkerby`` (``cli.command``) ends with main's exit status; everything made until then is frozen
    for the garbage collector, so the interpreter's last collections have nothing large to walk."""
    import gc

    monkeypatch.setattr(cli, "main", lambda argv=None: 7)
    monkeypatch.setattr(cli, "stacks_on_request", lambda: False)  # not in the test process for good
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.command()
        assert exit_.value.code == 7
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

"""The ``sikkerby`` command: validate, run, template, init, clean, sample-data.

Every sub-command lives in its own module; this file only parses arguments and
turns the package's own errors into a message and an exit status (no traceback).

Everything the command says is Danish, argparse's own words included: while the
parser is built and used, argparse's translation function is a small Danish catalog
(:class:`DanishArgparse`, a :class:`gettext.NullTranslations`), and a usage error
ends with exit status 1 like every other misuse.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import gc
import gettext
import os
import signal
import sys
from typing import NoReturn

from sikkerby import __version__
from sikkerby.errors import SikkerByError, error_text, mask_cpr_text, warning_lines

YEARS = (1900, 2100)  # what --year accepts (a range is built year by year: 1-100000000 is refused, not built)

EXIT_USAGE = 1

# argparse's messages (its gettext msgids) in Danish. tests/test_cli_danish.py checks that every
# msgid of the running Python's argparse is here.
ARGPARSE_DA: dict[str, str] = {
    "usage: ": "brug: ",
    "positional arguments": "positionelle argumenter",
    "options": "tilvalg",
    "optional arguments": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "show program's version number and exit": "vis programmets version og afslut",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "the following arguments are required: %s": "følgende argumenter skal angives: %s",
    "one of the arguments %s is required": "et af argumenterne %s skal angives",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "not allowed with argument %s": "kan ikke bruges sammen med argumentet %s",
    "ignored explicit argument %r": "ignorerede det angivne argument %r",
    "expected one argument": "forventede én værdi",
    "expected at most one argument": "forventede højst én værdi",
    "expected at least one argument": "forventede mindst én værdi",
    "expected %s argument": "forventede %s værdi",
    "expected %s arguments": "forventede %s værdier",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan betyde %(matches)s",
    "unexpected option string: %s": "uventet tilvalg: %s",
    "invalid %(type)s value: %(value)r": "ugyldig værdi (%(type)s): %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "ukendt underkommando %(parser_name)r (mulige: %(choices)s)",
    "argument \"-\" with mode %r": "argumentet \"-\" med tilstanden %r",
    "can't open '%(filename)s': %(error)s": "kan ikke åbne '%(filename)s': %(error)s",
    # mistakes in the parser's own definition (a developer's, never the user's), translated for completeness
    ".__call__() not defined": ".__call__() er ikke defineret",
    "conflicting subparser: %s": "underkommandoen findes allerede: %s",
    "conflicting subparser alias: %s": "aliasset for underkommandoen findes allerede: %s",
    "cannot merge actions - two groups are named %r": "kan ikke flette handlinger – to grupper hedder %r",
    "'required' is an invalid argument for positionals": "'required' kan ikke bruges ved positionelle argumenter",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "ugyldigt tilvalg %(option)r: skal begynde med et tegn fra %(prefix_chars)r",
    "invalid option string %(option)r: ": "ugyldigt tilvalg %(option)r: ",
    "dest= is required for options like %r": "dest= skal angives for tilvalg som %r",
    "invalid conflict_resolution value: %r": "ugyldig værdi for conflict_resolution: %r",
    "mutually exclusive arguments must be optional": "gensidigt udelukkende argumenter skal være tilvalg",
    "cannot have multiple subparser arguments": "der kan kun være ét sæt underkommandoer",
    "%r is not callable": "%r kan ikke kaldes",
    "conflicting option string: %s": "tilvalget findes allerede: %s",
    "conflicting option strings: %s": "tilvalgene findes allerede: %s",
}
# the names argparse uses for a type in "invalid %(type)s value"
TYPE_NAMES_DA = {"int": "heltal", "float": "tal"}


class DanishArgparse(gettext.NullTranslations):
    """argparse's messages in Danish (a catalog in code: argparse has no translations of its own)."""

    def gettext(self, message):
        return ARGPARSE_DA.get(message, message)

    def ngettext(self, msgid1, msgid2, n):
        return self.gettext(msgid1 if n == 1 else msgid2)


@contextlib.contextmanager
def danish_argparse():
    """argparse speaks Danish inside this block (its module-level ``_``/``ngettext`` are swapped back after)."""
    translations = DanishArgparse()
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = translations.gettext, translations.ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class DanishHelpFormatter(argparse.HelpFormatter):
    """``brug:`` before the usage line; ``(standard: ...)`` is written by the help texts themselves."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, ARGPARSE_DA["usage: "] if prefix is None else prefix)


class DanishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are Danish and end with exit status 1 (house rule for misuse)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DanishHelpFormatter)
        with danish_argparse():  # the -h help text and the group titles are made here
            super().__init__(*args, **kwargs)

    def error(self, message):
        for english, danish in TYPE_NAMES_DA.items():
            message = message.replace(f"ugyldig værdi ({english})", f"ugyldig værdi ({danish})")
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, ARGPARSE_DA["%(prog)s: error: %(message)s\n"] % {"prog": self.prog, "message": message})


def _years(text: str) -> list[int]:
    """``2017``, ``2014-2017`` or ``2014,2016`` -> a sorted list of years."""
    years: set[int] = set()
    try:
        for part in text.split(","):
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                if hi < lo:
                    raise ValueError
            else:
                lo = hi = int(part)
            if not (YEARS[0] <= lo and hi <= YEARS[1]):
                raise argparse.ArgumentTypeError(f"'{text}': et år skal ligge mellem {YEARS[0]} og {YEARS[1]}")
            years.update(range(lo, hi + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et år eller et interval som 2014-2017") from None
    return sorted(years)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et positivt heltal")
    return value


PARAMS_HELP = ("programmappe med program.yaml og <år>.yaml (standard: projektets params/ i en "
               "kildekode-udgave, ellers den medfølgende; kan også sættes med SIKKERBY_PARAMS)")
DATA_HELP = "inddatamappe (standard: de medfølgende eksempeldata)"
NOTEBOOKS_HELP = ("notebookmappe (standard: projektets notebooks/ i en kildekode-udgave, ellers de "
                  "medfølgende; kan også sættes med SIKKERBY_NOTEBOOKS)")
RENDERER_HELP = ("hvordan publikationen laves: auto (Quarto, hvis en ny nok quarto findes på PATH, "
                 "ellers offline), offline (nbconvert, pandoc og typst) eller quarto (standard: auto)")
JOBS_HELP = "antal notebooks, der køres på én gang (standard: antal CPU'er)"


def build_parser() -> argparse.ArgumentParser:
    with danish_argparse():
        return _build_parser()


def _build_parser() -> argparse.ArgumentParser:
    parser = DanishArgumentParser(
        prog="sikkerby", description="Sikker By: den årlige statuspublikation til Økonomiudvalget.",
        epilog="Skriv 'sikkerby KOMMANDO -h' for hjælp til en kommando.")
    parser.add_argument("--version", action="version", version=f"sikkerby {__version__}",
                        help="vis programmets version og afslut")
    sub = parser.add_subparsers(dest="command", required=True, title="kommandoer", metavar="KOMMANDO")

    p = sub.add_parser("validate", help="tjek en inddatamappe mod datakontrakten",
                       description="Tjekker hver inddatafil mod datakontrakten og skriver OK eller hver fejl "
                                   "med fil, række, kolonne og regel.")
    p.add_argument("--data", default="", metavar="MAPPE", help=DATA_HELP)
    p.add_argument("--params", default=None, metavar="MAPPE", help=PARAMS_HELP)
    p.set_defaults(handler=_validate)

    p = sub.add_parser("run", help="valider, kør notebooks og lav publikationen",
                       description="Validerer inddata, kører notebooks for året og laver publikationen "
                                   "(HTML og PDF) i OUT/<år>/.")
    _add_build_options(p)
    p.add_argument("--force", action="store_true", help="byg alt igen, også det uændrede")
    p.add_argument("--quiet", action="store_true", help="ingen fremdriftsvisning")
    p.set_defaults(handler=_run)

    p = sub.add_parser("preview", help="lav publikationen, og lav den igen, hver gang noget ændres",
                       description="Laver publikationen som 'run' og venter så: hver gang en notebook, en "
                                   "inddatafil eller programfilen gemmes, laves det ændrede igen, i kerner der "
                                   "holdes klar imellem. Ctrl-C stopper.")
    _add_build_options(p)
    p.add_argument("--quiet", action="store_true", help="kun beskeden, når publikationen er klar")
    p.set_defaults(handler=_preview)

    p = sub.add_parser("template", help="skriv de Excel-skabeloner, forvaltningerne udfylder",
                       description="Skriver aktiviteter.xlsx og succeskriterier.xlsx til MAPPE.")
    p.add_argument("--year", type=int, default=None, metavar="ÅR", help="det rapporteringsår, skabelonen er til")
    p.add_argument("--out", required=True, metavar="MAPPE",
                   help="mappen, aktiviteter.xlsx og succeskriterier.xlsx skrives til")
    p.add_argument("--params", default=None, metavar="MAPPE", help=PARAMS_HELP)
    p.set_defaults(handler=_template)

    p = sub.add_parser("init", help="lav en projektmappe med programmappe og notebooks, der kan redigeres",
                       description="Kopierer den medfølgende programmappe (params/) og notebooks (notebooks/) "
                                   "til MAPPE, så en kommune kan tilpasse dem.")
    p.add_argument("folder", metavar="MAPPE", help="projektmappen (oprettes; må ikke have params/ eller notebooks/)")
    p.set_defaults(handler=_init)

    p = sub.add_parser("clean", help="slet outputmappens mellemlager og fejlede byggerier",
                       description="Sletter de validerede data i OUT/.sikkerby-cache/ og de byggemapper, "
                                   "fejlede kørsler har efterladt. Publikationerne røres ikke.")
    p.add_argument("--out", default="outputs", metavar="MAPPE", help="outputmappe (standard: outputs/)")
    p.set_defaults(handler=_clean)

    p = sub.add_parser("sample-data", help="lav de syntetiske eksempeldata (igen)",
                       description="Skriver de syv inddatafiler med syntetiske eksempeldata.")
    p.add_argument("--out", required=True, metavar="MAPPE", help="mappen, de syv CSV-filer skrives til")
    p.add_argument("--scale", type=_positive, default=1, metavar="N",
                   help="størrelsesfaktor (benchmarks bruger 100)")
    p.add_argument("--seed", type=int, default=None, metavar="N", help="tilfældigt frø (standard: projektets faste)")
    p.set_defaults(handler=_sample_data)
    return parser


def _add_build_options(p: argparse.ArgumentParser) -> None:
    """The options ``run`` and ``preview`` share: the years, the folders, the renderer, the workers."""
    p.add_argument("--year", required=True, type=_years, metavar="ÅR",
                   help="rapporteringsår: 2017, 2014-2017 eller 2015,2017")
    p.add_argument("--data", default="", metavar="MAPPE", help=DATA_HELP)
    p.add_argument("--out", default="outputs", metavar="MAPPE", help="outputmappe (standard: outputs/)")
    p.add_argument("--params", default=None, metavar="MAPPE", help=PARAMS_HELP)
    p.add_argument("--notebooks", default=None, metavar="MAPPE", help=NOTEBOOKS_HELP)
    p.add_argument("--renderer", choices=("auto", "offline", "quarto"), default="auto", help=RENDERER_HELP)
    p.add_argument("--jobs", type=_positive, default=None, metavar="N", help=JOBS_HELP)


def _programme(params):
    """The programme folder (``--params``, else the default), read strictly: program.yaml and every year file."""
    from sikkerby.config.paths import params_dir
    from sikkerby.config.programme import check_folder

    return check_folder(params_dir(params))


def _validate(args) -> int:
    from sikkerby.inputs.dataset import load_dataset

    dataset = load_dataset(args.data, _programme(args.params))
    for line in warning_lines(dataset.warnings):  # plausibility beyond the contract: listed, not refused
        print(mask_cpr_text(line), file=sys.stderr)
    print("OK")
    return 0


def _run(args) -> int:
    from sikkerby.publish.run import run_years

    return run_years(args.year, data_dir=args.data, out_dir=args.out, jobs=args.jobs,
                     force=args.force, quiet=args.quiet, notebooks_dir=args.notebooks,
                     params_dir=args.params, renderer=args.renderer)


def _preview(args) -> int:
    from sikkerby.publish.preview import preview

    return preview(args.year, data_dir=args.data, out_dir=args.out, jobs=args.jobs, quiet=args.quiet,
                   notebooks_dir=args.notebooks, params_dir=args.params, renderer=args.renderer)


def _template(args) -> int:
    from sikkerby.publish.template import write_template

    for path in write_template(args.out, year=args.year, programme=_programme(args.params)):
        print(f"Skabelon skrevet: {path}")
    return 0


def _init(args) -> int:
    from sikkerby.publish.init_project import init_project

    for line in init_project(args.folder):
        print(line)
    return 0


def _clean(args) -> int:
    from sikkerby.publish.clean import clean_out_folder

    for line in clean_out_folder(args.out):
        print(line)
    return 0


def _sample_data(args) -> int:
    from sikkerby.sample.generator import write_sample_data

    write_sample_data(args.out, scale=args.scale, seed=args.seed)
    return 0


def _say(text: str) -> None:
    """An error message, with any CPR number masked (the last guard before a terminal or a log)."""
    print(mask_cpr_text(text), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """The command's entry point: an exit status, and for any failure a Danish message, never a traceback
    (``SIKKERBY_DEBUG=1`` lets an unexpected error through with its traceback, for developers)."""
    with danish_argparse():
        args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except SikkerByError as exc:
        _say(str(exc))
        return 1
    except KeyboardInterrupt as exc:  # SIGTERM comes as Terminated, a KeyboardInterrupt (sikkerby.publish.interruption)
        from sikkerby.publish.interruption import exit_status

        print("Afbrudt.", file=sys.stderr)
        return exit_status(exc)
    except MemoryError:
        _say("Der var ikke hukommelse nok til opgaven; intet er ændret.")
        return 1
    except OSError as exc:  # a file or folder the command was pointed at (template --out on a file, say)
        _say(f"Fejl: {error_text(exc)}.")
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug, reported without a traceback
        if os.environ.get("SIKKERBY_DEBUG"):
            raise
        _say(f"Uventet fejl i sikkerby ({type(exc).__name__}: {exc}). Det er en fejl i programmet, ikke i "
             "inddata; kør igen med SIKKERBY_DEBUG=1 for detaljer, og meld fejlen.")
        return 1


def stacks_on_request() -> bool:
    """Let ``kill -USR1 <pid>`` write where every thread of this process is to standard error
    (:mod:`faulthandler`): for a developer looking at a run or preview that does not end (the
    benchmark asks for it before it gives up on one). True when registered (not on Windows)."""
    if not hasattr(faulthandler, "register") or not hasattr(signal, "SIGUSR1"):
        return False
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    return True


def command() -> NoReturn:
    """The ``sikkerby`` console script: :func:`main`, then the process ends with its exit status.

    Before it ends, every object is frozen for the garbage collector (``gc.freeze``): the
    interpreter's last collections would otherwise walk all of pandas', matplotlib's and the
    run's objects only to free memory the ending process gives back anyway (about 0.25 s of a
    run on the sample). Files and the terminal are flushed and closed as usual.
    """
    stacks_on_request()
    status = main()
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    command()

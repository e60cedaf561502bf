"""The ``sikkerby`` command: validate, run, template, sample-data.

Every sub-command lives in its own module; this file only parses arguments and
turns the package's own errors into a message and an exit status (no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys

from sikkerby import __version__
from sikkerby.errors import SikkerByError, error_text, mask_cpr_text, warning_lines

YEARS = (1900, 2100)  # what --year accepts (a range is built year by year: 1-100000000 is refused, not built)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sikkerby", description="Sikker By: årlig statuspublikation.")
    parser.add_argument("--version", action="version", version=f"sikkerby {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check an input folder against the data contract")
    p.add_argument("--data", default="", help="input folder (default: the bundled sample data)")
    p.add_argument("--params", default="", help="programme folder (default: the project's params/)")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("run", help="validate, execute the notebooks and render the publication")
    p.add_argument("--year", required=True, type=_years, help="reporting year(s): 2017, 2014-2017 or 2015,2017")
    p.add_argument("--data", default="", help="input folder (default: the bundled sample data)")
    p.add_argument("--out", default="outputs", help="output folder (default: outputs/)")
    p.add_argument("--params", default="", help="programme folder (default: the project's params/)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: CPU count)")
    p.add_argument("--force", action="store_true", help="re-run everything, ignoring the cache")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.set_defaults(handler=_run)

    p = sub.add_parser("template", help="write the Excel workbooks an administration fills in")
    p.add_argument("--year", type=int, default=None, help="the reporting year the workbook is for")
    p.add_argument("--out", required=True, help="folder to write aktiviteter.xlsx and succeskriterier.xlsx to")
    p.set_defaults(handler=_template)

    p = sub.add_parser("sample-data", help="(re)generate the synthetic sample data")
    p.add_argument("--out", required=True, help="folder to write the seven CSV files to")
    p.add_argument("--scale", type=int, default=1, help="size multiplier (benchmarks use 100)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the fixed project seed)")
    p.set_defaults(handler=_sample_data)
    return parser


def _validate(args) -> int:
    from sikkerby.config.programme import check_folder
    from sikkerby.inputs.dataset import load_dataset

    programme = check_folder(args.params or None)
    dataset = load_dataset(args.data, programme)
    for line in warning_lines(dataset.warnings):  # plausibility beyond the contract: listed, not refused
        print(mask_cpr_text(line), file=sys.stderr)
    print("OK")
    return 0


def _run(args) -> int:
    from sikkerby.publish.run import run_years

    return run_years(args.year, data_dir=args.data, out_dir=args.out, jobs=args.jobs,
                     force=args.force, quiet=args.quiet, params_dir=args.params or None)


def _template(args) -> int:
    from sikkerby.publish.template import write_template

    for path in write_template(args.out, year=args.year):
        print(f"Skabelon skrevet: {path}")
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
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except SikkerByError as exc:
        _say(str(exc))
        return 1
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 130
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""Error types. Input problems are values (:class:`Problem`), collected, then raised together."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable
from dataclasses import dataclass

LIST_LIMIT = 10  # problems listed one by one per (file, column, rule); the rest are counted

# CPR numbers as people type them (DATA.md §5; the spellings are listed in docs/reliability.md):
# DDMMYY and a four-digit serial number, glued or apart -- a hyphen or any other dash (en dash,
# non-breaking hyphen, minus sign ...), a space of any kind (also a non-breaking one), or a dash
# between spaces -- the date part glued or with dots, hyphens, slashes or spaces between day, month
# and year (``DDMMYY-XXXX``, ``DDMMYYXXXX``, ``DDMMYY XXXX``, ``DDMMYY–XXXX``, ``DD.MM.YY-XXXX``).
# Digits right after a decimal point or comma are a number's decimals, not a CPR number.
# Groups: 1 day, 2 the date part's separator, 3 month, 4 year, 5 the serial number's separator, 6 serial.
CPR_DASHES = "\\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d"  # for a character class
CPR_SPACES = " \u00a0\u2000-\u200a\u202f\u205f\u3000"  # spaces, not tabs or line breaks (cell boundaries)
CPR_PATTERN = (rf"(?<!\d)(?<!\d[.,])(\d{{2}})([./{CPR_SPACES}{CPR_DASHES}]?)(\d{{2}})\2(\d{{2}})"
               rf"([{CPR_SPACES}]?[{CPR_DASHES}][{CPR_SPACES}]?|[{CPR_SPACES}])?(\d{{4}})(?!\d)")
CPR_MASK = "******-****"
CPR_MASK_GLUED = "**********"
_CPR = re.compile(CPR_PATTERN)
_DASH = re.compile(f"[{CPR_DASHES}]")
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def cpr_date_is_valid(day: int, month: int, year: int) -> bool:
    """DDMMYY is a date in some century (29 February: any year divisible by 4, 2000 included)."""
    if not 1 <= month <= 12:
        return False
    days = 28 if month == 2 and year % 4 else _DAYS_IN_MONTH[month]
    return 1 <= day <= days


def cpr_match_counts(match: re.Match) -> bool:
    """Whether a match of :data:`CPR_PATTERN` is taken for a CPR number: ``DDMMYY-XXXX`` (a dash
    between date and serial number, the date glued) always, any other spelling when DDMMYY is a date."""
    if not match.group(2) and match.group(5) and _DASH.search(match.group(5)):
        return True
    return cpr_date_is_valid(int(match.group(1)), int(match.group(3)), int(match.group(4)))


def cpr_mask_of(match: re.Match) -> str:
    """What a CPR number is replaced by: ``******-****``, or ten stars when it was written glued."""
    return CPR_MASK if (match.group(2) or match.group(5)) else CPR_MASK_GLUED


def mask_cpr_text(text: str) -> str:
    """``text`` with every CPR number (any spelling of :data:`CPR_PATTERN`) masked; the last guard
    before anything is printed."""
    return _CPR.sub(lambda m: cpr_mask_of(m) if cpr_match_counts(m) else m.group(0), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule in one input file.

    ``row`` is the line number a spreadsheet shows (the header is row 1, the
    first data row is row 2); ``None`` when the problem concerns the whole file
    or a whole column. ``value`` must never hold personal data in full.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    value: str | None = None
    warning: bool = False  # a plausibility finding beyond the contract: reported, never a refusal (DATA.md §1)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"række {self.row}")
        if self.column is not None:
            where.append(f"kolonne '{self.column}'")
        text = f"{', '.join(where)}: {self.rule}"
        if self.value is not None:
            text += f" (værdi: {self.value})"
        return text


def row_problems(file: str, column: str | None, rule: str, rows: Iterable[int],
                 values: Iterable[str | None] | None = None, limit: int = LIST_LIMIT,
                 warning: bool = False) -> list[Problem]:
    """Problems for the rows breaking one rule: the first ``limit`` one by one, then a count.

    ``rows`` are spreadsheet row numbers in order, ``values`` (optional, same
    order; only the first ``limit`` are used) what each row holds, already safe
    to print. When more than ``limit``
    rows break the rule, one more problem (row ``None``) gives the total, so a
    column of 500.000 bad cells gives eleven lines, not 500.000.
    """
    rows = list(rows)
    values = [None] * len(rows) if values is None else list(values)
    problems = [Problem(file, int(r), column, rule, v, warning) for r, v in zip(rows[:limit], values[:limit])]
    if len(rows) > limit:
        from babel.numbers import format_decimal

        problems.append(Problem(file, None, column,
                                f"{format_decimal(len(rows), locale='da_DK')} rækker bryder reglen "
                                f"«{rule}»; de første {limit} er vist", warning=warning))
    return problems


class SikkerByError(Exception):
    """Base for errors the CLI reports as a message, without a traceback."""


def _in_order(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.rule))


class InputError(SikkerByError):
    """The input folder breaks the contract; holds every problem found (and the warnings, which alone
    would not have stopped it)."""

    def __init__(self, problems: list[Problem], warnings: Iterable[Problem] = ()):
        self.problems = _in_order(problems)
        self.warnings = _in_order(warnings)
        super().__init__(f"{len(self.problems)} problem(er) i inddata")

    def __str__(self) -> str:
        lines = [f"Inddata er ikke i orden: {len(self.problems)} problem(er)."]
        lines += [f"- {p}" for p in self.problems]
        if self.warnings:
            lines.append(f"Desuden {len(self.warnings)} advarsel/advarsler (stopper ikke kørslen):")
            lines += [f"- Advarsel: {w}" for w in self.warnings]
        return "\n".join(lines)


def warning_lines(warnings: Iterable[Problem | str]) -> list[str]:
    """Warnings as the command prints them: one ``Advarsel: ...`` line each."""
    return [f"Advarsel: {w}" for w in warnings]


# What a failed file operation means, for a Danish message (the OS's own text is English).
_OS_REASONS = {
    errno.ENOSPC: "der er ikke mere plads på disken",
    errno.EDQUOT: "diskkvoten er brugt op",
    errno.EFBIG: "filen kan ikke blive større – disken eller kvoten er fuld, eller filen er større end tilladt",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.EACCES: "der er ikke adgang til at skrive her",
    errno.EPERM: "det er ikke tilladt at skrive her",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
    errno.EEXIST: "der ligger allerede en fil med det navn",
    errno.EISDIR: "der ligger en mappe, hvor der skal skrives en fil",
    errno.ENOENT: "filen eller mappen findes ikke",
}
_OS_ERROR_IN_TEXT = re.compile(r"\(os error (\d+)\)")  # how Rust tools (typst) report an OS error


def error_text(exc: BaseException) -> str:
    """An exception as text for a Danish message.

    File-system errors (an :class:`OSError`, or a tool's message ending in
    ``(os error 28)``) become a Danish reason and the file concerned; anything
    else is its own message.
    """
    code = exc.errno if isinstance(exc, OSError) else None
    if code is None:
        found = _OS_ERROR_IN_TEXT.search(str(exc))
        code = int(found.group(1)) if found else None
    reason = _OS_REASONS.get(code)
    if reason is None:
        return (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
    filename = getattr(exc, "filename", None)
    return f"{reason} ({filename})" if filename else reason

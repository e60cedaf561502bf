"""Error types. Input problems are values (:class:`Problem`), collected, then raised together."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable
from dataclasses import dataclass

LIST_LIMIT = 10  # problems listed one by one per (file, column, rule); the rest are counted


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
                 values: Iterable[str | None] | None = None, limit: int = LIST_LIMIT) -> list[Problem]:
    """Problems for the rows breaking one rule: the first ``limit`` one by one, then a count.

    ``rows`` are spreadsheet row numbers in order, ``values`` (optional, same
    order; only the first ``limit`` are used) what each row holds, already safe
    to print. When more than ``limit``
    rows break the rule, one more problem (row ``None``) gives the total, so a
    column of 500.000 bad cells gives eleven lines, not 500.000.
    """
    rows = list(rows)
    values = [None] * len(rows) if values is None else list(values)
    problems = [Problem(file, int(r), column, rule, v) for r, v in zip(rows[:limit], values[:limit])]
    if len(rows) > limit:
        from babel.numbers import format_decimal

        problems.append(Problem(file, None, column,
                                f"{format_decimal(len(rows), locale='da_DK')} rækker bryder reglen "
                                f"«{rule}»; de første {limit} er vist"))
    return problems


class SikkerByError(Exception):
    """Base for errors the CLI reports as a message, without a traceback."""


class InputError(SikkerByError):
    """The input folder breaks the contract; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.rule))
        super().__init__(f"{len(self.problems)} problem(er) i inddata")

    def __str__(self) -> str:
        lines = [f"Inddata er ikke i orden: {len(self.problems)} problem(er)."]
        lines += [f"- {p}" for p in self.problems]
        return "\n".join(lines)


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

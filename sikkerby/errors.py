"""Error types. Input problems are values (:class:`Problem`), collected, then raised together."""

from __future__ import annotations

from dataclasses import dataclass


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

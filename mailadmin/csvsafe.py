"""CSV cells that a spreadsheet will not run as formulas (CSV / formula injection).

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-` or `@` (and
tab or carriage return, which some strip first) as a formula. Mail data starts cells with
these legitimately (`@domain` catch-alls, local parts like `-list@x`), so such a cell gets a
leading apostrophe: spreadsheets show the text as is, and `restore_cell` undoes it on import.
A value that already starts with an apostrophe gets one too, so the round trip is exact.
"""

import csv
from collections.abc import Iterable, Iterator

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def safe_cell(value) -> str:
    """The text of `value` for a CSV cell, neutralised if a spreadsheet would evaluate it."""
    if value is None:
        return ""
    text = ("1" if value else "0") if isinstance(value, bool) else str(value)
    if text.startswith(DANGEROUS_FIRST) or text.startswith(GUARD):
        return GUARD + text
    return text


def restore_cell(text: str) -> str:
    """The original value of a cell written by `safe_cell` (for importing our own CSV)."""
    return text[1:] if text.startswith(GUARD) else text


def safe_row(values: Iterable) -> list[str]:
    return [safe_cell(v) for v in values]


class _Echo:
    """A file-like object whose write returns the line, for streaming responses."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text, one line at a time, every cell through `safe_cell`."""
    writer = csv.writer(_Echo())
    yield writer.writerow(safe_row(header))
    for row in rows:
        yield writer.writerow(safe_row(row))

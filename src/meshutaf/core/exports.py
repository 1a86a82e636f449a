"""Export helpers: CSV that spreadsheets open safely."""

import csv
from decimal import Decimal

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell as text, with a leading apostrophe where a spreadsheet would run it as a
    formula. A number (int, float, Decimal) is left alone: it runs as nothing but itself, and
    an apostrophe would turn a negative number into text. Text is escaped, even "-5"."""
    text = "" if value is None else str(value)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return text
    return "'" + text if text.startswith(FORMULA_START) else text


class _SafeWriter:
    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row) -> None:
        self._writer.writerow([csv_safe(value) for value in row])


def csv_writer(stream) -> _SafeWriter:
    return _SafeWriter(stream)

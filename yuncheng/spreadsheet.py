"""What every Excel file the platform writes shares, whichever app writes it (the drill-down lists of
``dashboard`` and the provincial reports of ``reports``; dashboard may not import reports, so it lives here).

* A text that Excel would read as a formula (it begins with = + - @, a tab or a carriage return) is
  written as a text cell with Excel's quote prefix, never as a formula (formula injection).
* A request writes at most ``REQUEST_MAX_ROWS`` rows; a larger export is a background job.
"""

from openpyxl.cell import WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
REQUEST_MAX_ROWS = 20_000


def _starts_formula(value) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_TRIGGERS


def safe_cell(sheet, value):
    """A write-only cell of ``sheet`` holding ``value`` (to be styled), text where it would start a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if _starts_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def formula_safe(sheet, value):
    """``value`` as it may go into a write-only ``sheet``: a text that would start a formula becomes a
    quote-prefixed text cell; anything else is returned as it is (a plain value is the cheapest cell)."""
    return safe_cell(sheet, value) if _starts_formula(value) else value

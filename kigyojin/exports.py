"""Downloads: CSV and Excel files that open in Japanese, with formulas made inert."""

import io

import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as CSV in UTF-8 with BOM, text cells neutralised against formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralize)
    safe.columns = [str(neutralize(str(c))) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(
    sheets: dict[str, pd.DataFrame], text_columns: tuple[str, ...] = ()
) -> bytes:
    """`sheets` (title → table) as an .xlsx workbook whose text cells stay text.

    openpyxl stores a string starting with "=" as a formula; every string is written
    as a literal instead, marked with Excel's quote prefix when it looks like a
    formula, so editing the cell does not run it either. Columns named in
    `text_columns` are formatted as text, so a code typed there keeps its leading 0.
    """
    import openpyxl  # only needed for this download
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        sheet = workbook.create_sheet(title)
        for col, name in enumerate(frame.columns, start=1):
            _put(sheet.cell(1, col), str(name)).font = Font(bold=True)
            values = frame[name].tolist()
            for row, value in enumerate(values, start=2):
                _put(sheet.cell(row, col), value)
            letter = get_column_letter(col)
            widest = max(len(str(v)) for v in [name, *values] if v is not None)
            # Japanese characters are about two columns wide.
            sheet.column_dimensions[letter].width = min(60, 4 + 2 * widest)
            if name in text_columns:
                sheet.column_dimensions[letter].number_format = "@"
                for row in range(2, len(values) + 2):
                    sheet.cell(row, col).number_format = "@"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(cell, value: object):
    """Write one value into an openpyxl cell: text as text, numbers as numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return cell
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
        return cell
    cell.value = value.item() if hasattr(value, "item") else value
    return cell

"""Import templates: one per kind of file, with Japanese column names and examples.

The example rows are the shipped data's own rows (the latest fiscal year, or the
most complete host record), so a template shows how the data are written
(企業派遣型, 公表値, 01202) and never holds an invented figure. The Excel version adds
a sheet saying what each column holds and whether it may be empty.
"""

import pandas as pd

from kigyojin import data, exports
from kigyojin.i18n import translate
from kigyojin.importer import FILLED_FROM_CODE, KINDS, TEMPLATE_VALUES, header

CODED_COLUMNS = ("kind", "basis", "type")


def example_rows(kind_name: str) -> pd.DataFrame:
    """The rows a template shows, with internal column names and template values."""
    kind = KINDS[kind_name]
    table = data.load(kind.table)
    if kind.name == "hosts":
        # The record with the most cells filled shows the most of the format.
        filled = table[list(kind.columns)].notna().sum(axis=1)
        rows = table.loc[[filled.idxmax()]]
    else:
        rows = table[table["fiscal_year"] == table["fiscal_year"].max()]
    rows = rows[list(kind.columns)].copy()
    for column in CODED_COLUMNS:
        if column in rows.columns:
            rows[column] = rows[column].map(lambda v: TEMPLATE_VALUES.get(v, v))
    return rows.reset_index(drop=True)


def template_frame(kind_name: str) -> pd.DataFrame:
    """The template's table: Japanese column names over the example rows."""
    rows = example_rows(kind_name)
    return rows.rename(columns={c: header(c, "ja") for c in rows.columns})


def notes(kind_name: str, lang: str = "ja") -> pd.DataFrame:
    """One line per column: its name in the file, whether it is required, meaning."""
    kind = KINDS[kind_name]
    specs = {column.name: column for column in kind.spec.columns}
    lines = []
    for name in kind.columns:
        # The year comes from --fiscal-year, the host's names from its code.
        fillable = name == "fiscal_year" or (
            kind.name == "hosts" and name in FILLED_FROM_CODE
        )
        required = specs[name].required and not fillable
        lines.append(
            {
                translate("importer.notes_column", lang): header(name, "ja"),
                translate("importer.notes_required", lang): translate(
                    "importer.notes_yes" if required else "importer.notes_no", lang
                ),
                translate("importer.notes_meaning", lang): translate(
                    f"importer.describe_{name}", lang
                ),
            }
        )
    return pd.DataFrame(lines)


def template_csv(kind_name: str) -> bytes:
    """The template as CSV in UTF-8 with BOM, so Excel opens it in Japanese."""
    return exports.to_csv_bytes(template_frame(kind_name))


def template_xlsx(kind_name: str, lang: str = "ja") -> bytes:
    """The template as an Excel workbook: the data sheet first, then the notes."""
    sheets = {
        translate("importer.sheet_data", lang): template_frame(kind_name),
        translate("importer.sheet_notes", lang): notes(kind_name, lang),
    }
    return exports.to_xlsx_bytes(sheets, text_columns=(header("code", "ja"),))


def file_name(kind_name: str, xlsx: bool = False) -> str:
    """The name a downloaded template is saved under."""
    return f"kigyojin_template_{kind_name}.{'xlsx' if xlsx else 'csv'}"

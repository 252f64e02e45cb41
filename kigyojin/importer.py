"""Importing a new fiscal year, and reading an official's own host list.

MIC publishes new figures every April. An official receives or types them as CSV
(UTF-8 with or without BOM, Shift_JIS/CP932, comma- or tab-separated) or as Excel
(.xlsx), with the template's Japanese column names. `import_file` reads such a file,
checks all of it against the table it feeds and reports every problem at once
(file, row, column and what was expected). Only a file without problems is written:
atomically, after the previous version is kept under `data/.history/`, so `undo`
can restore it. A refused file changes nothing.

`read_host_list` applies the same reading and checks to a host list an official
views in their own browser session; it works on bytes in memory and never writes.
"""

import csv
import io
import logging
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

import pandas as pd

from kigyojin import data, fields
from kigyojin.errors import DataFileError, KigyojinError, Problem
from kigyojin.i18n import label, translate
from kigyojin.paths import data_dir
from kigyojin.validation import (
    CONTROL_CHARACTERS,
    REPLACEMENT,
    Column,
    check_rows,
    control_characters,
    read_table,
    read_text_frame,
)

logger = logging.getLogger(__name__)

# The same limit as the app's uploads (server.maxUploadSize); MIC's full yearly host
# list is about 0.2 MB as CSV.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# A small .xlsx can unpack to gigabytes (a "zip bomb"); refuse before parsing it.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# The header may sit below a title line, as in many official spreadsheets.
HEADER_SEARCH_ROWS = 10
HISTORY_DIR = ".history"
# A version that `undo` replaced is kept under this suffix, for `redo`.
UNDONE_SUFFIX = ".undone"

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 .xls format
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Shift_JIS read from a file in another encoding (EUC-JP, say) comes out as mostly
# half-width katakana; real Japanese text has few of them.
MISREAD_KATAKANA_SHARE = 0.5
# Text with more control characters than this share is a binary file; a few stray
# ones in a short file are reported cell by cell instead.
CONTROL_CHAR_SHARE = 0.01
MIN_BINARY_CONTROLS = 8
# ISO-2022-JP (JIS) text switches to Japanese with ESC $ B or ESC $ @.
ISO_2022_JP_ESCAPE = re.compile(rb"\x1b\$[@B]|\x1b\(J")
# UTF-16 without a BOM: at least this share of the bytes on one side are zero.
UTF16_ZERO_SHARE = 0.3


@dataclass(frozen=True)
class FileKind:
    """A kind of file an official imports, and the shipped table it feeds."""

    name: str  # as typed on the command line
    table: str  # key in data.TABLES
    columns: tuple[str, ...]  # the template's columns, in order

    @property
    def spec(self) -> data.Table:
        return data.TABLES[self.table]

    def title(self, lang: str = "ja") -> str:
        """What the file holds, in words."""
        return translate(f"importer.kind_{self.name}", lang)


KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind(
            "totals",
            "national_totals",
            (
                "fiscal_year",
                "kind",
                "people",
                "host_municipalities",
                "companies",
                "basis",
                "source",
                "source_url",
            ),
        ),
        FileKind(
            "fields",
            "categories",
            (
                "fiscal_year",
                "category",
                "people",
                "percent_stated",
                "source",
                "source_url",
            ),
        ),
        FileKind(
            "companies",
            "company_ranking",
            ("fiscal_year", "rank", "company", "people", "source", "source_url"),
        ),
        FileKind(
            "hosts",
            "hosts",
            (
                "fiscal_year",
                "code",
                "pref_name",
                "name",
                "company",
                "type",
                "field",
                "start",
                "end",
                "people",
                "source_url",
                "source_date",
                "note",
            ),
        ),
    )
}

# How the templates write coded values, and what else an official may type for them.
TEMPLATE_VALUES = {
    "dispatch": "企業派遣型",
    "side_job": "副業型",
    "total": "合計",
    "stated": "公表値",
    "derived": "推計値",
    "unknown": "不明",
}
EXTRA_ALIASES = {
    "kind": {"計": "total", "両型計": "total"},
    "basis": {"公表": "stated", "推計": "derived"},
}
# Host columns filled in from the municipality master when left empty.
FILLED_FROM_CODE = ("pref_name", "name")
HOST_RECORD_KEY = ["code", "company", "type", "start", "end"]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, for the message that confirms it."""

    kind: str
    file: str
    target: str  # the data file, relative to the data folder
    fiscal_year: int
    rows: int
    replaced: int  # rows of the same fiscal year that were replaced
    snapshot: str  # the previous version, relative to the data folder
    converted_codes: int


@dataclass(frozen=True)
class UndoResult:
    """Which data file was restored, from which kept version, and where the version
    it replaced is kept now (all relative to the data folder)."""

    target: str
    snapshot: str
    kept: str


@dataclass(frozen=True)
class Prepared:
    """A file's rows as text to write, typed to check, and what was converted."""

    text: pd.DataFrame
    typed: pd.DataFrame
    converted_codes: int


def header(column: str, lang: str = "ja") -> str:
    """The column name a template uses for `column`."""
    return translate(f"importer.header_{column}", lang)


# --- Reading bytes into a table of text ------------------------------------------


def read_upload(raw: bytes, file_name: str, kind: FileKind) -> pd.DataFrame:
    """The table in a CSV or .xlsx file, every cell as stripped text.

    The index is the spreadsheet row number minus 2 (the first row under a header
    in row 1 is 0), so the validation's messages name the row a person sees; fully
    empty rows are left out.
    """
    if len(raw) > MAX_BYTES:
        raise _refuse(
            file_name,
            "errors.file_too_large",
            size=_megabytes(len(raw)),
            limit=_megabytes(MAX_BYTES),
        )
    if not raw.strip(b" \t\r\n\x1a\xef\xbb\xbf"):
        raise _refuse(file_name, "errors.file_empty")
    if raw.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(raw, file_name)
    elif raw.startswith(OLE_MAGIC):
        raise _refuse(file_name, "errors.xls_old")
    elif file_name.lower().endswith((".xlsx", ".xlsm")):
        raise _refuse(file_name, "errors.bad_xlsx", detail="zip")
    else:
        rows = _csv_rows(_decode(raw, file_name), file_name)
    return _frame(rows, file_name, kind)


def _refuse(file_name: str, key: str, **params) -> DataFileError:
    return DataFileError([Problem(file_name, key, params=params)])


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _decode(raw: bytes, file_name: str) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM), CP932 or UTF-16."""
    if raw.startswith(UTF16_BOMS):
        try:
            return raw.decode("utf-16").lstrip("\ufeff")
        except UnicodeDecodeError:
            raise _refuse(file_name, "errors.unknown_encoding") from None
    if b"\x00" in raw[:65536]:
        return _utf16_without_bom(raw, file_name)
    if ISO_2022_JP_ESCAPE.search(raw[:65536]):
        raise _refuse(file_name, "errors.unknown_encoding")
    text = None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp932" and _misread(text, raw):
            text = None
        break
    if text is None:
        raise _refuse(file_name, "errors.unknown_encoding")
    sample = text[:65536]
    controls = sum(
        1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\r\n\x1a"
    )
    if controls > max(CONTROL_CHAR_SHARE * len(sample), MIN_BINARY_CONTROLS):
        raise _refuse(file_name, "errors.binary_file")
    return text


def _utf16_without_bom(raw: bytes, file_name: str) -> str:
    """UTF-16 text saved without its BOM, or else a binary file.

    In UTF-16 the commas, digits and line ends of a CSV have a zero byte beside
    them, always on the same side; a binary file has zeros anywhere.
    """
    sample = raw[:65536]
    even, odd = sample[0::2], sample[1::2]
    zeros = (even.count(0) / max(len(even), 1), odd.count(0) / max(len(odd), 1))
    encoding = None
    if zeros[1] > UTF16_ZERO_SHARE and zeros[0] < CONTROL_CHAR_SHARE:
        encoding = "utf-16-le"
    elif zeros[0] > UTF16_ZERO_SHARE and zeros[1] < CONTROL_CHAR_SHARE:
        encoding = "utf-16-be"
    if encoding is None or len(raw) % 2:
        raise _refuse(file_name, "errors.binary_file")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise _refuse(file_name, "errors.binary_file") from None


def _misread(text: str, raw: bytes) -> bool:
    """Whether text decoded as CP932 is really EUC-JP read wrongly.

    EUC-JP read as CP932 comes out as mostly half-width katakana, but so does a
    real CP932 file of names like ｿﾌﾄﾊﾞﾝｸ. Only bytes that EUC-JP can decode at all
    are taken for EUC-JP: CP932's own kanji and kana (lead bytes 0x81-0x9F) are not
    valid EUC-JP, so a CP932 file with a single one of them is never refused.
    """
    others = [c for c in text if ord(c) > 0x7F]
    katakana = sum(1 for c in others if "\uff61" <= c <= "\uff9f")
    if not others or katakana <= MISREAD_KATAKANA_SHARE * len(others):
        return False
    try:
        raw.decode("euc_jp")
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(text: str, file_name: str) -> list[list[str]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _refuse(file_name, "errors.too_many_rows", limit=f"{MAX_ROWS:,}")
    except csv.Error as error:
        raise _refuse(file_name, "errors.unreadable", detail=str(error)[:200]) from None
    return rows


def _xlsx_rows(raw: bytes, file_name: str) -> list[list[str]]:
    """The cells of the first sheet as text (formulas as their last computed value)."""
    import openpyxl  # only needed here; keeps the app's import time down

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _refuse(file_name, "errors.bad_xlsx", detail="zip") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(
            file_name,
            "errors.file_too_large",
            size=_megabytes(unpacked),
            limit=_megabytes(MAX_UNPACKED_BYTES),
        )
    rows: list[list[str]] = []
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(raw), read_only=True, data_only=True
        )
        try:
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append([_cell_text(value) for value in values])
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise _refuse(
                        file_name, "errors.too_many_rows", limit=f"{MAX_ROWS:,}"
                    )
        finally:
            workbook.close()
    except DataFileError:
        raise
    except Exception as error:  # a malformed workbook can fail anywhere in the parser
        detail = type(error).__name__
        raise _refuse(file_name, "errors.bad_xlsx", detail=detail) from None
    return rows


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == clock(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _frame(rows: list[list[str]], file_name: str, kind: FileKind) -> pd.DataFrame:
    """Rows of cells as a table under its header row, with every structural problem."""
    rows = [[cell.strip() for cell in row] for row in rows]
    filled = [i for i, row in enumerate(rows) if any(row)]
    if not filled:
        raise _refuse(file_name, "errors.file_empty")
    known = {_normal(name) for name in _aliases(kind)}
    top = filled[0]
    for i in filled[:HEADER_SEARCH_ROWS]:
        if sum(_normal(cell) in known for cell in rows[i]) >= 2:
            top = i
            break
    # A control character in a column name would reach the messages that quote it.
    names = [CONTROL_CHARACTERS.sub(REPLACEMENT, name) for name in rows[top]]
    body = [(i, rows[i]) for i in range(top + 1, len(rows)) if any(rows[i])]
    if len(body) > MAX_ROWS:
        raise _refuse(file_name, "errors.too_many_rows", limit=f"{MAX_ROWS:,}")
    # Excel leaves trailing cells without a name; keep a nameless column only if it
    # holds values, so the problem can be named.
    width = len(names)
    while width and not names[width - 1]:
        if any(len(row) >= width and row[width - 1] for _, row in body):
            break
        width -= 1
    names = names[:width]

    problems = []
    seen = set()
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(
                Problem(
                    file_name,
                    "errors.unnamed_column",
                    row=top + 1,
                    params={"position": position},
                )
            )
        elif _normal(name) in seen:
            problems.append(
                Problem(file_name, "errors.duplicate_header", row=top + 1, column=name)
            )
        seen.add(_normal(name))
    cells = []
    for i, row in body:
        extra = row[width:]
        if any(extra):
            count = width + max(j for j, cell in enumerate(extra) if cell) + 1
            problems.append(
                Problem(
                    file_name,
                    "errors.ragged_row",
                    row=i + 1,
                    params={"count": count, "expected": width},
                )
            )
        cells.append((row + [""] * width)[:width])
    if problems:
        raise DataFileError(problems)
    if not body:
        raise _refuse(file_name, "errors.no_rows")
    # Row i of the list is spreadsheet row i + 1; the validation adds 2 to the index.
    index = pd.Index([i - 1 for i, _ in body])
    return pd.DataFrame(cells, columns=names, index=index, dtype=object)


def _normal(text: str) -> str:
    """A column name as compared: width, case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _aliases(kind: FileKind) -> dict[str, str]:
    """Every name a column of `kind` may have in a file: ja, en or internal."""
    names = {}
    for column in kind.columns:
        for name in (column, header(column, "ja"), header(column, "en")):
            names[name] = column
    return names


# --- Checking a file of one kind -----------------------------------------------------


def check_file(
    raw: bytes,
    file_name: str,
    kind: FileKind,
    fiscal_year: int | None = None,
    existing: pd.DataFrame | None = None,
) -> Prepared:
    """Read and check a file of `kind`; raise `DataFileError` with every problem.

    `fiscal_year` is the year being imported: rows must belong to it, and it fills
    an absent or empty 年度. Without it (an uploaded host list) 年度 is optional.
    `existing` holds the data file's rows (as text) that the import keeps: a host
    record already among them is refused, so that it does not appear twice.
    """
    frame = read_upload(raw, file_name, kind)
    frame, shown = _rename(frame, kind, file_name)
    frame, problems = control_characters(frame, file_name)
    unreadable = _cells(problems)
    frame = _normalise(frame, kind, fiscal_year, file_name, problems)
    converted = 0
    if kind.name == "hosts":
        frame, converted = _normalise_codes(frame)
        _fill_names(frame)
    if kind.name == "fields" and "category" in frame.columns:
        frame["category"] = frame["category"].map(_category)
        problems += _check_category_names(frame, file_name)

    typed, bad, cell_problems = _typed(frame, kind.spec.columns, file_name, unreadable)
    problems += cell_problems
    if typed is not None:
        # The checks across rows and cells also run when some cells are wrong (left
        # empty in `typed`), so that every problem is reported at once.
        found = kind.spec.check(typed, file_name) if kind.spec.check else []
        if kind.name == "hosts":
            found += _check_host_names(frame, file_name)
            found += _check_host_duplicates(frame, bad, file_name)
            if existing is not None:
                found += _check_in_data(frame, bad, existing, kind, file_name)
        problems += _trusted(found, bad)

    problems = [_explain(p) for p in problems]
    if problems:
        raise DataFileError(_located(problems, shown, kind))
    return Prepared(frame, typed, converted)


# A check across rows that needs every value of these columns: with a wrong cell in
# one of them, a sum or a rank would be wrong for that reason alone.
NEEDS_COMPLETE = {
    "errors.total_mismatch": ("kind", "people"),
    "errors.no_dispatch_row": ("kind",),
    "errors.year_sum_mismatch": ("people",),
    "errors.ranking_exceeds": ("people",),
    "errors.rank_mismatch": ("people",),
}


def _cells(problems: list[Problem]) -> set[tuple[int, str]]:
    """The (row, column) of every problem that names a cell."""
    return {(p.row, p.column) for p in problems if p.row is not None and p.column}


def _trusted(found: list[Problem], bad: set[tuple[int, str]]) -> list[Problem]:
    """The problems of the checks across rows that the wrong cells do not explain.

    A problem about a cell already reported as wrong repeats it; a sum or rank over
    a column with a wrong cell is not known.
    """
    wrong_columns = {column for _, column in bad}
    return [
        p
        for p in found
        if (p.row, p.column) not in bad
        and not wrong_columns.intersection(NEEDS_COMPLETE.get(p.key, ()))
    ]


def _typed(
    frame: pd.DataFrame,
    columns: tuple[Column, ...],
    file_name: str,
    unreadable: set[tuple[int, str]],
) -> tuple[pd.DataFrame | None, set[tuple[int, str]], list[Problem]]:
    """The rows converted to their types, the wrong cells, and their problems.

    A wrong cell (or one in `unreadable`) is left empty in the typed rows, so the
    checks across rows and cells can still run on the rest; None when columns are
    missing or unexpected.
    """
    try:
        typed = read_table(
            Path(file_name),
            columns,
            label=file_name,
            allow_extra_columns=False,
            frame=frame,
        )
    except DataFileError as error:
        problems = list(error.problems)
    else:
        if not unreadable:
            typed.index = frame.index
            return typed, set(), []
        problems = []
    if any(p.row is None for p in problems):
        # Columns missing or unexpected: still report every cell of the right ones.
        present = [c for c in columns if c.name in frame.columns]
        try:
            read_table(
                Path(file_name),
                present,
                label=file_name,
                frame=frame[[c.name for c in present]],
            )
        except DataFileError as cells:
            problems += cells.problems
        return None, set(), problems
    bad = unreadable | _cells(problems)
    loose = frame.copy()
    for row, column in bad:
        if column in loose.columns:
            loose.loc[row - 2, column] = ""
    relaxed = [replace(column, required=False) for column in columns]
    try:
        typed = read_table(Path(file_name), relaxed, label=file_name, frame=loose)
    except DataFileError:
        return None, bad, problems
    typed.index = frame.index
    return typed, bad, problems


def _rename(
    frame: pd.DataFrame, kind: FileKind, file_name: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Columns renamed to their internal names; `shown` maps them back for messages."""
    aliases = {_normal(name): column for name, column in _aliases(kind).items()}
    renamed = {}
    shown = {}
    for name in frame.columns:
        column = aliases.get(_normal(name))
        if column is not None:
            renamed[name] = column
            shown[column] = name
    if not renamed:
        expected = "、".join(header(c) for c in kind.columns)
        raise _refuse(
            file_name, "errors.no_known_columns", kind=kind.name, expected=expected
        )
    return frame.rename(columns=renamed), shown


def _normalise(
    frame: pd.DataFrame,
    kind: FileKind,
    fiscal_year: int | None,
    file_name: str,
    problems: list[Problem],
) -> pd.DataFrame:
    """Cells as the data files write them: digits, codes, coded values, months."""
    frame = frame.copy()
    for column in kind.spec.columns:
        if column.name not in frame.columns:
            continue
        values = frame[column.name]
        if column.kind in ("int", "float", "code5", "bool01"):
            frame[column.name] = values.map(_number_text)
        if column.choices is not None:
            frame[column.name] = values.map(lambda v, c=column: _choice(v, c))
    for column in ("start", "end"):
        if kind.name == "hosts" and column in frame.columns:
            frame[column] = frame[column].map(_month_text)

    for column in kind.spec.columns:
        # A column that may be empty may also be left out.
        optional = not column.required or (
            kind.name == "hosts" and column.name in FILLED_FROM_CODE
        )
        if optional and column.name not in frame.columns:
            frame[column.name] = ""
    if "fiscal_year" not in frame.columns:
        frame["fiscal_year"] = "" if fiscal_year is None else str(fiscal_year)
        return frame
    years = pd.Series(
        [parse_fiscal_year(v) for v in frame["fiscal_year"]],
        index=frame.index,
        dtype=object,
    )
    for index, value in frame["fiscal_year"].items():
        year = years[index]
        if value and year is None:
            problems.append(
                Problem(
                    file_name,
                    "errors.bad_fiscal_year",
                    row=int(index) + 2,
                    column="fiscal_year",
                    params={"value": value},
                )
            )
        elif year is not None and fiscal_year is not None and year != fiscal_year:
            problems.append(
                Problem(
                    file_name,
                    "errors.year_mismatch",
                    row=int(index) + 2,
                    column="fiscal_year",
                    params={"value": year, "expected": fiscal_year},
                )
            )
    fallback = "" if fiscal_year is None else str(fiscal_year)
    # An unreadable year was reported above; an empty cell stops it being reported
    # twice, as "not a whole number".
    frame["fiscal_year"] = years.map(lambda y: fallback if y is None else str(y))
    return frame


def _number_text(value: str) -> str:
    """Full-width digits, signs and thousands separators as plain ASCII digits."""
    text = unicodedata.normalize("NFKC", value).strip().replace("−", "-")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    return text


def _choice(value: str, column: Column) -> str:
    """A coded value from its code, its Japanese or English label, or an alias."""
    text = unicodedata.normalize("NFKC", value).strip()
    words = dict(EXTRA_ALIASES.get(column.name, {}))
    for choice in column.choices or ():
        for word in (choice, TEMPLATE_VALUES.get(choice), label(choice, "ja")):
            if word:
                words[unicodedata.normalize("NFKC", word)] = choice
        words[label(choice, "en").casefold()] = choice
    return words.get(text, words.get(text.casefold(), value))


def _month_text(value: str) -> str:
    """2025/4, 2025年4月, 2025-04-01 → 2025-04; other text unchanged."""
    text = unicodedata.normalize("NFKC", value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(月|[-/.]\d{1,2}日?)?", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    return text.upper() if re.fullmatch(r"(?i)fy\d{4}", text) else value


def parse_fiscal_year(value: str) -> int | None:
    """2025, FY2025, R7, 令和7, 令和7年度 → 2025; None if it is no fiscal year."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()
    if not text:
        return None
    text = text.removesuffix("年度").removeprefix("FY")
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
    elif match := re.fullmatch(r"(?:R|令和)(\d{1,2}|元)", text):
        number = match.group(1)
        year = 2018 + (1 if number == "元" else int(number))
    else:
        return None
    return year if 2014 <= year <= 2100 else None


def _normalise_codes(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """A 6-digit code with a correct check digit becomes the 5-digit code."""
    if "code" not in frame.columns:
        return frame, 0
    codes = frame["code"]
    six = codes.str.fullmatch(r"\d{6}")
    digits = codes.where(six, "000000").str[:5].map(data.check_digit)
    valid = six & (codes.str[5] == digits)
    frame["code"] = codes.where(~valid, codes.str[:5])
    return frame, int(valid.sum())


def _fill_names(frame: pd.DataFrame) -> None:
    """Empty prefecture and municipality names taken from the master by code."""
    if "code" not in frame.columns:
        return
    master = data.load("municipalities").set_index("code")
    for column in FILLED_FROM_CODE:
        if column in frame.columns:
            known = frame["code"].map(master[column])
            empty = (frame[column] == "") & known.notna()
            frame.loc[empty, column] = known[empty]


def _check_host_names(frame: pd.DataFrame, file_name: str) -> list[Problem]:
    """The prefecture and municipality written beside a code must be that code's."""
    master = data.load("municipalities").set_index("code")
    problems = []
    for column in FILLED_FROM_CODE:
        expected = frame["code"].map(master[column])
        given = frame[column].map(_place)
        wrong = expected.notna() & (given != expected.fillna("").map(_place))
        if column == "pref_name":
            # 東京 for 東京都, 大阪 for 大阪府 and so on.
            bare = expected.fillna("").str.replace(r"[都府県]$", "", regex=True)
            wrong &= given != bare.map(_place)
        problems += check_rows(
            frame,
            wrong,
            file_name,
            "errors.name_mismatch",
            column,
            lambda row, c=column: {
                "value": row[c],
                "code": row["code"],
                "expected": master.at[row["code"], c],
            },
        )
    return problems


def _place(name: str) -> str:
    """A place name as compared: width and the small ヶ/ケ variants ignored."""
    text = unicodedata.normalize("NFKC", str(name)).replace(" ", "")
    return text.replace("ヶ", "ケ").replace("ヵ", "カ")


def _record_keys(frame: pd.DataFrame, bad: set[tuple[int, str]]) -> pd.DataFrame:
    """The key of each host record whose key cells all read cleanly."""
    unclear = {row - 2 for row, column in bad if column in HOST_RECORD_KEY}
    return frame.loc[~frame.index.isin(unclear), HOST_RECORD_KEY].fillna("")


def _check_host_duplicates(
    frame: pd.DataFrame, bad: set[tuple[int, str]], file_name: str
) -> list[Problem]:
    key = _record_keys(frame, bad)
    repeated = key.duplicated(keep="first")
    first = {}
    for index, row in key.iterrows():
        first.setdefault(tuple(row), int(index) + 2)
    return check_rows(
        key,
        repeated,
        file_name,
        "errors.duplicate_record",
        "company",
        lambda row: {"row_first": first[tuple(row)]},
    )


def _check_in_data(
    frame: pd.DataFrame,
    bad: set[tuple[int, str]],
    existing: pd.DataFrame,
    kind: FileKind,
    file_name: str,
) -> list[Problem]:
    """A host record that the data already hold, for all years or for this one.

    The public sample's records carry no fiscal year; a record of another year's
    official list is another year's fact and may be repeated.
    """
    key = _record_keys(frame, bad)
    held: dict[tuple, int] = {}
    for index, row in existing.fillna("").iterrows():
        record = tuple(row[column] for column in HOST_RECORD_KEY)
        held.setdefault((record, row["fiscal_year"]), int(index) + 2)

    def row_in_data(index: int) -> int | None:
        record = tuple(key.loc[index])
        year = frame.at[index, "fiscal_year"]
        return held.get((record, "")) or held.get((record, year))

    rows = {index: row_in_data(index) for index in key.index}
    present = pd.Series([rows[i] is not None for i in key.index], index=key.index)
    return check_rows(
        key,
        present,
        file_name,
        "errors.record_in_data",
        "company",
        lambda row: {"target": kind.spec.path, "row_existing": rows[row.name]},
    )


def _category(value: str) -> str:
    """A field as MIC's deck writes it, from its own name or its short name."""
    text = unicodedata.normalize("NFKC", value).strip()
    return _CATEGORY_NAMES.get(text.casefold(), value)


def _category_names() -> dict[str, str]:
    names = {}
    for short, category in fields.HOST_FIELD_CATEGORIES.items():
        for name in (short, category):
            names[unicodedata.normalize("NFKC", name).casefold()] = category
    return names


_CATEGORY_NAMES = _category_names()


def _check_category_names(frame: pd.DataFrame, file_name: str) -> list[Problem]:
    """Only MIC's fields: one it does not list would be counted in the rest."""
    known = set(fields.HOST_FIELD_CATEGORIES.values())
    unknown = (frame["category"] != "") & ~frame["category"].isin(known)
    if not unknown.any():
        return []
    accepted = "、".join(dict.fromkeys(fields.HOST_FIELD_CATEGORIES.values()))
    shorts = "、".join(
        short
        for short, category in fields.HOST_FIELD_CATEGORIES.items()
        if short != category
    )
    listing = Problem(
        file_name,
        "errors.known_categories",
        column="category",
        params={"categories": accepted, "shorts": shorts},
    )
    rows = check_rows(
        frame,
        unknown,
        file_name,
        "errors.unknown_category",
        "category",
        lambda row: {"value": row["category"]},
    )
    return [listing, *rows]


def _explain(problem: Problem) -> Problem:
    """A more helpful message where the generic one would puzzle an official."""
    if problem.key == "errors.bad_choice":
        # Name the choices as the template writes them (企業派遣型, not dispatch).
        choices = problem.params["choices"].split("、")
        written = "、".join(TEMPLATE_VALUES.get(c, c) for c in choices)
        return replace(problem, params={**problem.params, "choices": written})
    if problem.key != "errors.bad_code5":
        return problem
    value = str(problem.params.get("value", ""))
    if re.fullmatch(r"\d{6}", value):
        return replace(problem, key="errors.check_digit")
    if re.fullmatch(r"\d{4}", value):
        return replace(problem, key="errors.code_lost_zero")
    return problem


def _located(
    problems: list[Problem], shown: dict[str, str], kind: FileKind
) -> list[Problem]:
    """Problems named by the file's own column names, in file order."""
    order = {column: i for i, column in enumerate(kind.columns)}
    named = [
        replace(p, column=shown.get(p.column, header(p.column)))
        if p.column in order
        else p
        for p in problems
    ]
    keyed = sorted(
        zip(problems, named, strict=True),
        key=lambda pair: (
            pair[0].row is not None,
            pair[0].row or 0,
            order.get(pair[0].column, len(order)),
        ),
    )
    return [p for _, p in keyed]


# --- Viewing an uploaded host list -------------------------------------------------


def read_host_list(raw: bytes, file_name: str) -> pd.DataFrame:
    """An official's host list, checked like an import, as the `hosts` table.

    Works on the bytes alone and writes nothing anywhere.
    """
    prepared = check_file(raw, file_name, KINDS["hosts"])
    columns = [c.name for c in data.TABLES["hosts"].columns]
    records = prepared.typed[columns].reset_index(drop=True)
    logger.info("read an uploaded host list: %d records", len(records))
    return records


# --- Importing into the data folder --------------------------------------------------


def import_file(
    kind_name: str, path: Path, fiscal_year: int, *, replace_year: bool = False
) -> ImportResult:
    """Check `path` and, only if nothing is wrong, add its fiscal year to the data.

    Raises `DataFileError` with every problem, or `KigyojinError` when the file
    cannot be read; the data folder is then unchanged.
    """
    kind = KINDS[kind_name]
    raw = _read_input(path)
    target = data_dir() / kind.spec.path
    data.load(kind.table)  # a broken data file is reported before anything else

    existing_raw = target.read_bytes()
    existing = read_text_frame(target, kind.spec.path)
    same_year = existing["fiscal_year"] == str(fiscal_year)
    problems = []
    if same_year.any() and not replace_year:
        problems.append(
            Problem(
                path.name,
                "errors.year_present",
                params={"target": kind.spec.path, "fiscal_year": fiscal_year},
            )
        )
    try:
        prepared = check_file(
            raw, path.name, kind, fiscal_year, existing=existing[~same_year]
        )
    except DataFileError as error:
        raise DataFileError(error.problems + problems) from None
    if problems:
        raise DataFileError(problems)
    merged = pd.concat(
        [existing[~same_year], prepared.text.reindex(columns=existing.columns)],
        ignore_index=True,
    ).fillna("")
    order = pd.to_numeric(merged["fiscal_year"], errors="coerce").fillna(0)
    merged = merged.iloc[order.argsort(kind="stable")]
    content = _csv_bytes(merged, existing_raw)
    _check_merged(kind, content)

    snapshot = _replace_keeping_previous(target, content)
    logger.info(
        "imported %s into %s: FY%d, %d rows",
        path.name,
        target,
        fiscal_year,
        len(merged),
    )
    return ImportResult(
        kind=kind.name,
        file=path.name,
        target=kind.spec.path,
        fiscal_year=fiscal_year,
        rows=len(prepared.text),
        replaced=int(same_year.sum()),
        snapshot=snapshot.relative_to(data_dir()).as_posix(),
        converted_codes=prepared.converted_codes,
    )


def _read_input(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _refuse(
                path.name,
                "errors.file_too_large",
                size=_megabytes(size),
                limit=_megabytes(MAX_BYTES),
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise KigyojinError("importer.input_missing", path=str(path)) from None
    except (IsADirectoryError, PermissionError, OSError) as error:
        raise KigyojinError(
            "importer.cannot_read", path=str(path), detail=error.strerror or error
        ) from None


def _csv_bytes(frame: pd.DataFrame, like: bytes) -> bytes:
    """`frame` as CSV written the way the existing file is (line ends, BOM)."""
    buffer = io.StringIO()
    newline = "\r\n" if b"\r\n" in like else "\n"
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    bom = "\ufeff" if like.startswith(b"\xef\xbb\xbf") else ""
    return (bom + buffer.getvalue()).encode("utf-8")


def _check_merged(kind: FileKind, content: bytes) -> None:
    """Load every table as the app would after the import; refuse what would break.

    The new file is staged outside the data folder beside copies of the others, so
    cross-file checks (fields adding up to the year's people, say) see it too. A
    table that is broken already is not blamed on the import.
    """
    failing: dict[str, list[Problem]] = {}
    with tempfile.TemporaryDirectory(prefix="kigyojin-import-") as stage:
        for table in data.TABLES.values():
            source = data_dir() / table.path
            staged = Path(stage) / table.path
            staged.parent.mkdir(parents=True, exist_ok=True)
            if table.name == kind.table:
                staged.write_bytes(content)
            elif source.exists():
                shutil.copyfile(source, staged)
        with _reading_from(Path(stage)):
            for name in data.TABLES:
                try:
                    data.load(name)
                except DataFileError as error:
                    failing[name] = error.problems
    # A table whose check loads a broken one repeats that one's problems: once each.
    problems = {
        (p.file, p.key, p.row, p.column, repr(p.params)): p
        for name, found in failing.items()
        if _loads(name)
        for p in found
    }
    if problems:
        raise DataFileError(list(problems.values()))


def _loads(name: str) -> bool:
    try:
        data.load(name)
    except DataFileError:
        return False
    return True


@contextmanager
def _reading_from(folder: Path) -> Iterator[None]:
    """Point the package at `folder` for a moment (the command line is one thread)."""
    before = os.environ.get("KIGYOJIN_DATA_DIR")
    os.environ["KIGYOJIN_DATA_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KIGYOJIN_DATA_DIR", None)
        else:
            os.environ["KIGYOJIN_DATA_DIR"] = before


def _replace_keeping_previous(target: Path, content: bytes, suffix: str = "") -> Path:
    """Write `content` over `target` atomically, its previous version kept in
    .history/ (returned); if the write fails, the kept copy goes again."""
    kept, created = _keep_previous(target, suffix)
    try:
        _write_atomically(target, content)
    except BaseException:
        kept.unlink(missing_ok=True)
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise
    return kept


def _keep_previous(target: Path, suffix: str = "") -> tuple[Path, Path | None]:
    """A copy of `target` under .history/, named by the time it was replaced.

    Also returns the outermost folder this created (None if all existed), so a
    failed import can take it away again.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    relative = target.relative_to(data_dir())
    name = f"{relative.name}.{stamp}{suffix}"
    snapshot = data_dir() / HISTORY_DIR / relative.parent / name
    missing = [
        folder
        for folder in (snapshot.parent, *snapshot.parent.parents)
        if not folder.exists()
    ]
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(snapshot, target.read_bytes(), like=target)
    return snapshot, (missing[-1] if missing else None)


def _write_atomically(path: Path, content: bytes, like: Path | None = None) -> None:
    """Write a temporary file beside `path`, flush it to disk, then swap it in.

    A reader sees the old file or the new one, never half of it; the new file
    keeps the permissions of the one it replaces.
    """
    like = like or path
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if like.exists():
            os.chmod(temporary, stat.S_IMODE(like.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; skipped where a folder cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def history(kind_name: str, *, undone: bool = False) -> list[Path]:
    """The kept versions of a kind's data file, oldest first.

    With `undone`, the versions that `undo` replaced, which `redo` puts back.
    """
    relative = Path(KINDS[kind_name].spec.path)
    folder = data_dir() / HISTORY_DIR / relative.parent
    if not folder.is_dir():
        return []
    suffix = re.escape(UNDONE_SUFFIX) if undone else ""
    pattern = re.compile(re.escape(relative.name) + r"\.\d{8}-\d{6}-\d{6}" + suffix)
    return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))


def undo(kind_name: str) -> UndoResult:
    """Put back the version a kind's data file had before its last import.

    The version it replaces is kept too (for `redo`), and the result is checked
    with every other table first, as an import is: an undo that would leave the
    data inconsistent (a year's fields without the year's totals, say) is refused
    with those problems and changes nothing.
    """
    kind = KINDS[kind_name]
    snapshots = history(kind_name)
    if not snapshots:
        raise KigyojinError("importer.nothing_to_undo", target=kind.spec.path)
    return _restore(kind, snapshots[-1], UNDONE_SUFFIX)


def redo(kind_name: str) -> UndoResult:
    """Take back the last `undo`: put back the version it replaced.

    Checked like an undo; the version it replaces is kept for `undo`.
    """
    kind = KINDS[kind_name]
    snapshots = history(kind_name, undone=True)
    if not snapshots:
        raise KigyojinError("importer.nothing_to_redo", target=kind.spec.path)
    return _restore(kind, snapshots[-1], "")


def _restore(kind: FileKind, version: Path, keep_as: str) -> UndoResult:
    """Make `version` the data file again, keeping the file it replaces."""
    target = data_dir() / kind.spec.path
    content = version.read_bytes()
    _check_merged(kind, content)
    kept = _replace_keeping_previous(target, content, keep_as)
    version.unlink()
    logger.info("restored %s from %s, kept %s", target, version.name, kept.name)
    return UndoResult(
        kind.spec.path,
        version.relative_to(data_dir()).as_posix(),
        kept.relative_to(data_dir()).as_posix(),
    )

"""Reading a CSV file against a column specification, collecting every problem.

The shipped data and an official's import go through the same reader, so a broken
file is described the same way wherever it comes from: file, row (as a spreadsheet
numbers it, the header being row 1), column and what was expected.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kigyojin.errors import DataFileError, Problem

# Row numbers in messages count the header as row 1, as a spreadsheet shows them.
HEADER_ROWS = 1

_PATTERNS = {
    "code5": re.compile(r"\d{5}"),
    "code6": re.compile(r"\d{6}"),
    "code2": re.compile(r"\d{2}"),
    "int": re.compile(r"[+-]?\d+"),
    "float": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "bool01": re.compile(r"[01]"),
    "reiwa": re.compile(r"R(\d{1,2})"),
}
# C0 and C1 control characters (and DEL) other than tab and line ends, and the two
# noncharacters XML forbids: a chart renderer or a spreadsheet writer given one of
# them stops, and on screen they are invisible.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What a control character is replaced with once reported, so that the messages
# about the same cell show a visible mark and never the character itself.
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, kind and the values it may take."""

    name: str
    kind: str = "str"  # code5, code6, code2, int, float, bool01, reiwa, str
    required: bool = True  # an empty cell is a problem
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False


def read_table(
    path: Path,
    columns: Iterable[Column],
    *,
    label: str | None = None,
    allow_extra_columns: bool = True,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read `path` (or an already read all-text `frame`) and convert its columns.

    Raises `DataFileError` listing every problem found, or returns a DataFrame with
    codes kept as strings, integers as Int64 and floats as float64.
    """
    label = label or path.name
    columns = list(columns)
    if frame is None:
        frame = read_text_frame(path, label)
    problems: list[Problem] = []

    present = list(frame.columns)
    for column in columns:
        if column.name not in present:
            problems.append(Problem(label, "errors.missing_column", column=column.name))
    if not allow_extra_columns:
        known = {c.name for c in columns}
        for name in present:
            if name not in known:
                problems.append(Problem(label, "errors.extra_column", column=name))
    if problems:
        raise DataFileError(problems)
    frame, problems = control_characters(frame, label)

    out = pd.DataFrame(index=frame.index)
    for column in columns:
        out[column.name] = _convert(frame[column.name], column, label, problems)
    for name in present:
        if name not in out.columns:
            out[name] = frame[name]
    if problems:
        raise DataFileError(problems)
    return out.reset_index(drop=True)


def read_text_frame(path: Path, label: str) -> pd.DataFrame:
    """Read a CSV file with every cell as text, empty cells as ''."""
    if not path.exists():
        raise DataFileError([Problem(label, "errors.file_missing")])
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
    except UnicodeDecodeError:
        raise DataFileError([Problem(label, "errors.not_utf8")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(
            [Problem(label, "errors.unreadable", params={"detail": str(exc)[:200]})]
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda s: s.str.strip())


def control_characters(
    frame: pd.DataFrame, label: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Every text cell holding a control character, and the frame with them marked.

    Returns a copy in which each such character is replaced by U+FFFD, so the other
    checks of the cell can quote it safely, and one problem per cell.
    """
    problems: list[Problem] = []
    marked = {}
    for name in frame.columns:
        values = frame[name]
        text = values[values.map(lambda v: isinstance(v, str))]
        found = text[text.str.contains(CONTROL_CHARACTERS)]
        for index, value in found.items():
            char = CONTROL_CHARACTERS.search(value).group()
            problems.append(
                Problem(
                    label,
                    "errors.control_character",
                    row=_row(index),
                    column=name,
                    params={"char": f"U+{ord(char):04X}"},
                )
            )
        if not found.empty:
            marked[name] = values.where(
                ~values.index.isin(found.index),
                found.str.replace(CONTROL_CHARACTERS, REPLACEMENT, regex=True),
            )
    if marked:
        frame = frame.assign(**marked)
    return frame, problems


def _convert(
    values: pd.Series, column: Column, label: str, problems: list[Problem]
) -> pd.Series:
    empty = values == ""
    for index in values.index[empty & column.required]:
        problems.append(
            Problem(label, "errors.empty_cell", row=_row(index), column=column.name)
        )
    pattern = _PATTERNS.get(column.kind)
    if pattern is not None:
        bad = ~empty & ~values.str.fullmatch(pattern)
        for index in values.index[bad]:
            problems.append(
                Problem(
                    label,
                    f"errors.bad_{column.kind}",
                    row=_row(index),
                    column=column.name,
                    params={"value": values[index]},
                )
            )
    if column.choices is not None:
        bad = ~empty & ~values.isin(column.choices)
        for index in values.index[bad]:
            problems.append(
                Problem(
                    label,
                    "errors.bad_choice",
                    row=_row(index),
                    column=column.name,
                    params={
                        "value": values[index],
                        "choices": "、".join(column.choices),
                    },
                )
            )
    if column.unique:
        dup = ~empty & values.duplicated(keep="first")
        for index in values.index[dup]:
            problems.append(
                Problem(
                    label,
                    "errors.duplicate",
                    row=_row(index),
                    column=column.name,
                    params={"value": values[index]},
                )
            )

    if column.kind in ("int", "float", "bool01"):
        numbers = pd.to_numeric(values.where(~empty), errors="coerce")
        _check_range(numbers, column, label, problems)
        if column.kind == "float":
            return numbers.astype("float64")
        return numbers.round().astype("Int64")
    if column.kind == "reiwa":
        years = values.str.extract(_PATTERNS["reiwa"].pattern, expand=False)
        return (pd.to_numeric(years, errors="coerce") + 2018).astype("Int64")
    return values.astype(object).where(~empty, None)


def _check_range(
    numbers: pd.Series, column: Column, label: str, problems: list[Problem]
) -> None:
    if column.minimum is not None:
        for index in numbers.index[numbers < column.minimum]:
            problems.append(
                Problem(
                    label,
                    "errors.below_minimum",
                    row=_row(index),
                    column=column.name,
                    params={"value": _shown(numbers[index]), "minimum": column.minimum},
                )
            )
    if column.maximum is not None:
        for index in numbers.index[numbers > column.maximum]:
            problems.append(
                Problem(
                    label,
                    "errors.above_maximum",
                    row=_row(index),
                    column=column.name,
                    params={"value": _shown(numbers[index]), "maximum": column.maximum},
                )
            )


def _shown(number: float) -> int | float:
    # A column with an unreadable cell is read as floats: say -1, not -1.0.
    return int(number) if float(number).is_integer() else number


def _row(index: int) -> int:
    return int(index) + HEADER_ROWS + 1


def check_rows(
    frame: pd.DataFrame,
    mask: pd.Series,
    label: str,
    key: str,
    column: str,
    params: Callable[[pd.Series], dict] | None = None,
) -> list[Problem]:
    """One problem for every row where `mask` is true."""
    return [
        Problem(
            label,
            key,
            row=_row(index),
            column=column,
            params=params(frame.loc[index]) if params else {},
        )
        for index in frame.index[mask]
    ]

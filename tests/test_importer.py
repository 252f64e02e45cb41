"""Importing a new fiscal year: reading, checking, writing atomically and undoing."""

import csv
import io
import os
import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kigyojin import data, fields, figures, importer, templates
from kigyojin.errors import DataFileError, KigyojinError

TOTALS_HEADER = ["年度", "種別", "人数", "受入自治体数", "派遣元企業数", "区分", "出典"]
FIELDS_HEADER = ["年度", "分野", "人数", "資料記載の割合"]
HOSTS_HEADER = [
    "市町村コード",
    "都道府県",
    "市町村名",
    "企業名",
    "型",
    "活動分野",
    "開始年月",
    "終了年月",
    "人数",
    "出典URL",
]
# A new fiscal year's national figures, as an official would type them: Japanese
# type names, a thousands separator, full-width digits.
TOTALS_2025 = [
    TOTALS_HEADER,
    ["2025", "企業派遣型", "1,020", "480", "400", "公表値", "総務省 2026年4月"],
    ["令和7年度", "副業型", "１２０", "60", "100", "公表値", "総務省 2026年4月"],
    ["", "合計", "1140", "520", "", "公表値", "総務省 2026年4月"],
]


def csv_file(rows: list[list[str]], encoding: str = "utf-8", sep: str = ",") -> bytes:
    """Rows as CSV text in `encoding`, quoted where a cell needs it."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list[object]]) -> bytes:
    """Rows as the first sheet of an Excel workbook, cells typed as given."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(folder: Path, name: str, content: bytes) -> Path:
    """`content` saved as `folder/name` (outside the data folder)."""
    path = folder / name
    path.write_bytes(content)
    return path


def problems(error: pytest.ExceptionInfo[DataFileError]) -> list[str]:
    return [p.message("en") for p in error.value.problems]


# --- A new year, end to end ----------------------------------------------------------


def test_totals_from_shift_jis_become_the_latest_year(
    data_copy: Path, tmp_path: Path
) -> None:
    """A CP932 file of FY2025 is appended, normalised, and leads the figures."""
    before = (data_copy / "national_totals.csv").read_bytes()
    path = write(tmp_path, "r7.csv", csv_file(TOTALS_2025, "cp932"))
    result = importer.import_file("totals", path, 2025)

    assert (result.rows, result.replaced, result.target) == (
        3,
        0,
        "national_totals.csv",
    )
    totals = data.load("national_totals")
    new = totals[totals["fiscal_year"] == 2025]
    assert new[["kind", "people", "host_municipalities", "basis"]].to_dict(
        "records"
    ) == [
        {
            "kind": "dispatch",
            "people": 1020,
            "host_municipalities": 480,
            "basis": "stated",
        },
        {
            "kind": "side_job",
            "people": 120,
            "host_municipalities": 60,
            "basis": "stated",
        },
        {
            "kind": "total",
            "people": 1140,
            "host_municipalities": 520,
            "basis": "stated",
        },
    ]
    assert figures.latest_fiscal_year() == 2025
    assert sorted(figures.trend()["fiscal_year"].unique()) == [
        2021,
        2022,
        2023,
        2024,
        2025,
    ]
    assert (data_copy / result.snapshot).read_bytes() == before
    assert (data_copy / "national_totals.csv").read_bytes().startswith(before)


def test_fields_from_excel_add_up_to_the_new_year(
    data_copy: Path, tmp_path: Path
) -> None:
    """An .xlsx of fields for a year with national totals is imported as numbers."""
    importer.import_file(
        "totals", write(tmp_path, "r7.csv", csv_file(TOTALS_2025)), 2025
    )
    rows = [["令和7年度の分野別人数"], FIELDS_HEADER]
    rows += [
        [2025, "観光振興", 520, 51],
        [2025, "DX", 400, 39.2],
        [2025, "その他", 100, 9.8],
    ]
    path = write(tmp_path, "fields.xlsx", xlsx_file(rows))
    result = importer.import_file("fields", path, 2025)

    assert result.rows == 3
    categories = data.load("categories")
    assert categories[categories["fiscal_year"] == 2025][
        ["category", "people", "percent_stated"]
    ].to_dict("records") == [
        # The short names become the deck's own.
        {
            "category": "観光振興・観光誘客対策・DMO設立等",
            "people": 520,
            "percent_stated": 51.0,
        },
        {
            "category": "DX（自治体DX・地域社会DX）",
            "people": 400,
            "percent_stated": 39.2,
        },
        {"category": "その他", "people": 100, "percent_stated": 9.8},
    ]
    assert len(categories[categories["fiscal_year"] == 2023]) == 15


def test_undo_restores_the_file_byte_for_byte(
    data_copy: Path, tmp_path: Path, fingerprint
) -> None:
    """Two imports, two undos: back to the shipped file, then nothing left to undo."""
    shipped = fingerprint(data_copy)
    path = write(tmp_path, "r7.csv", csv_file(TOTALS_2025))
    importer.import_file("totals", path, 2025)
    importer.import_file("totals", path, 2025, replace_year=True)
    assert len(importer.history("totals")) == 2

    importer.undo("totals")
    assert figures.latest_fiscal_year() == 2025
    restored = importer.undo("totals")
    assert restored.target == "national_totals.csv"
    assert figures.latest_fiscal_year() == 2024
    after = fingerprint(data_copy)
    assert {k: v for k, v in after.items() if not k.startswith(".history")} == shipped
    with pytest.raises(KigyojinError) as caught:
        importer.undo("totals")
    assert caught.value.message("en") == (
        "There is no import of national_totals.csv to undo."
    )


def test_undo_is_undone_by_redo_and_checked_like_an_import(
    data_copy: Path, tmp_path: Path, fingerprint
) -> None:
    """Undo keeps what it replaces; redo brings it back; neither may break a table."""
    importer.import_file(
        "totals", write(tmp_path, "t.csv", csv_file(TOTALS_2025)), 2025
    )
    fields_2025 = [FIELDS_HEADER, ["2025", "DX", "1140", "100"]]
    importer.import_file(
        "fields", write(tmp_path, "f.csv", csv_file(fields_2025)), 2025
    )
    imported = fingerprint(data_copy)
    with_2025 = (data_copy / "mic_r5" / "categories.csv").read_bytes()

    with pytest.raises(DataFileError) as caught:
        importer.undo("totals")
    assert problems(caught) == [
        "mic_r5/categories.csv, column “fiscal_year”: national_totals.csv has no "
        "FY2025. Import the year's totals first (python -m kigyojin import totals)."
    ]
    assert fingerprint(data_copy) == imported

    undone = importer.undo("fields")
    assert undone.kept.startswith(".history/mic_r5/categories.csv.")
    assert undone.kept.endswith(".undone")
    assert fields.years_of("categories") == [2023]
    assert (data_copy / undone.kept).read_bytes() == with_2025
    redone = importer.redo("fields")
    assert redone.snapshot == undone.kept
    assert fields.years_of("categories") == [2023, 2025]
    assert importer.history("fields", undone=True) == []
    with pytest.raises(KigyojinError) as nothing:
        importer.redo("fields")
    assert nothing.value.message("en") == (
        "There is no undo of mic_r5/categories.csv to take back."
    )
    importer.undo("fields")
    importer.undo("totals")
    assert figures.latest_fiscal_year() == 2024


def test_replace_swaps_only_that_year(data_copy: Path, tmp_path: Path) -> None:
    """--replace drops the year's old rows and keeps every other year."""
    first = write(tmp_path, "a.csv", csv_file(TOTALS_2025))
    importer.import_file("totals", first, 2025)
    corrected = [row[:] for row in TOTALS_2025]
    corrected[1][2], corrected[3][2] = "1030", "1150"
    second = write(tmp_path, "b.csv", csv_file(corrected))
    result = importer.import_file("totals", second, 2025, replace_year=True)

    assert result.replaced == 3
    totals = data.load("national_totals")
    assert totals.groupby("fiscal_year").size().to_dict() == {
        2021: 1,
        2022: 1,
        2023: 1,
        2024: 3,
        2025: 3,
    }
    assert totals[totals["fiscal_year"] == 2025]["people"].tolist() == [1030, 120, 1150]


def test_year_already_present_is_refused_with_every_other_problem(
    data_copy: Path, tmp_path: Path, unchanged
) -> None:
    """Without --replace FY2024 is refused, the file's own faults listed with it."""
    rows = [TOTALS_HEADER, ["2024", "企業派遣型", "-5", "421", "390", "公表値", "x"]]
    path = write(tmp_path, "r6.csv", csv_file(rows))
    with unchanged(), pytest.raises(DataFileError) as caught:
        importer.import_file("totals", path, 2024)
    assert problems(caught) == [
        "r6.csv, row 2, column “人数”: -5 must be at least 0.",
        "r6.csv: national_totals.csv already has FY2024. Add --replace to replace it.",
    ]


def test_a_year_that_breaks_another_table_is_refused(
    data_copy: Path, tmp_path: Path, unchanged
) -> None:
    """Replacing FY2023's totals must keep the 15 fields adding up to its people."""
    rows = [TOTALS_HEADER, ["2023", "企業派遣型", "800", "449", "330", "公表値", "x"]]
    path = write(tmp_path, "r5.csv", csv_file(rows))
    with unchanged(), pytest.raises(DataFileError) as caught:
        importer.import_file("totals", path, 2023, replace_year=True)
    assert problems(caught) == [
        "mic_r5/headline_figures.csv, column “value”: people is 779, but the national "
        "totals say 800.",
        "mic_r5/categories.csv, column “people”: FY2023's people add up to 779, not "
        "the 800 of the national totals.",
    ]


def test_fields_that_do_not_add_up_are_refused(
    data_copy: Path, tmp_path: Path, unchanged
) -> None:
    """FY2024's fields must add up to its 780 (企業派遣型) or 871 (both) people."""
    rows = [
        FIELDS_HEADER,
        ["2024", "観光振興", "700", "90"],
        ["2024", "DX", "79", "10"],
    ]
    path = write(tmp_path, "f.csv", csv_file(rows))
    with unchanged(), pytest.raises(DataFileError) as caught:
        importer.import_file("fields", path, 2024)
    assert problems(caught) == [
        "f.csv, column “人数”: FY2024's people add up to 779, not the 780 / 871 of the "
        "national totals."
    ]


def test_the_source_of_a_year_is_kept_and_told(data_copy: Path, tmp_path: Path) -> None:
    """A fields file's 出典 goes into the data; data.year_sources gives it back."""
    importer.import_file(
        "totals", write(tmp_path, "t.csv", csv_file(TOTALS_2025)), 2025
    )
    rows = [
        [*FIELDS_HEADER, "出典", "出典URL"],
        ["2025", "DX", "1000", "88", "総務省 2026年4月", "https://www.soumu.go.jp/a"],
        [
            "2025",
            "その他",
            "140",
            "12",
            "総務省 2026年4月",
            "https://www.soumu.go.jp/a",
        ],
    ]
    importer.import_file("fields", write(tmp_path, "f.csv", csv_file(rows)), 2025)
    assert data.year_sources("categories", 2025) == (
        data.Source("総務省 2026年4月", ("https://www.soumu.go.jp/a",)),
    )
    assert data.year_sources("categories", 2023) == (
        data.Source("総務省「地域活性化起業人制度の活用について」（2024年）"),
    )
    assert data.year_sources("national_totals", 2025) == (
        data.Source("総務省 2026年4月"),
    )
    ranking = [["年度", "順位", "企業名", "人数"], ["2025", "1", "株式会社JTB", "50"]]
    importer.import_file("companies", write(tmp_path, "c.csv", csv_file(ranking)), 2025)
    assert data.year_sources("company_ranking", 2025) == ()


def test_company_ranks_must_follow_the_counts(
    data_copy: Path, tmp_path: Path, unchanged
) -> None:
    """Ties share a rank and the next one is skipped; a company appears once."""
    rows = [
        ["年度", "順位", "企業名", "人数"],
        ["2024", "1", "甲株式会社", "30"],
        ["2024", "2", "乙株式会社", "20"],
        ["2024", "3", "丙株式会社", "20"],
        ["2024", "4", "甲株式会社", "10"],
    ]
    path = write(tmp_path, "c.csv", csv_file(rows))
    with unchanged(), pytest.raises(DataFileError) as caught:
        importer.import_file("companies", path, 2024)
    assert problems(caught) == [
        "c.csv, row 4, column “順位”: rank 3 does not follow the counts (the counts "
        "give rank 2).",
        "c.csv, row 5, column “企業名”: “甲株式会社” appears more than once in FY2024.",
    ]


# --- Host records --------------------------------------------------------------------


def host_row(code: str, pref: str, name: str, company: str = "株式会社テスト") -> list:
    return [
        code,
        pref,
        name,
        company,
        "企業派遣型",
        "観光",
        "2025/4",
        "",
        "1",
        "https://example.jp/a",
    ]


def test_host_codes_six_digits_converted_and_names_filled(tmp_path: Path) -> None:
    """012092 (with its check digit) is 01209; empty names come from the master."""
    rows = [
        HOSTS_HEADER,
        host_row("012092", "", ""),
        host_row("13421", "東京", "小笠原村"),
    ]
    records = importer.read_host_list(csv_file(rows), "own.csv")
    assert records[["code", "pref_name", "name", "start", "fiscal_year"]].to_dict(
        "records"
    ) == [
        {
            "code": "01209",
            "pref_name": "北海道",
            "name": "夕張市",
            "start": "2025-04",
            "fiscal_year": None,
        },
        {
            "code": "13421",
            "pref_name": "東京",
            "name": "小笠原村",
            "start": "2025-04",
            "fiscal_year": None,
        },
    ]


def test_host_codes_every_fault_named(tmp_path: Path) -> None:
    """Bad check digit, lost zero, unknown code, wrong name, duplicate: all at once."""
    rows = [
        HOSTS_HEADER,
        host_row("012093", "北海道", "夕張市"),
        host_row("1209", "北海道", "夕張市"),
        host_row("01999", "北海道", "どこか町"),
        host_row("01209", "北海道", "札幌市"),
        host_row("20ab1", "長野県", "どこか村"),
        host_row("13421", "東京都", "小笠原村"),
        host_row("13421", "東京都", "小笠原村"),
    ]
    with pytest.raises(DataFileError) as caught:
        importer.read_host_list(csv_file(rows), "own.csv")
    assert problems(caught) == [
        "own.csv, row 2, column “市町村コード”: the check digit of “012093” is wrong.",
        "own.csv, row 3, column “市町村コード”: “1209” is not a 5-digit municipality "
        "code. Was the leading zero dropped? (Format the cell as text and type 01209.)",
        "own.csv, row 4, column “市町村コード”: code “01999” is not in the "
        "municipality list.",
        "own.csv, row 5, column “市町村名”: “札幌市”, but municipality code 01209 is "
        "“夕張市”.",
        "own.csv, row 6, column “市町村コード”: “20ab1” is not a 5-digit municipality "
        "code.",
        "own.csv, row 8, column “企業名”: the same host record (code, company, type, "
        "period) as row 7.",
    ]


def test_hosts_import_tags_the_list_year(data_copy: Path, tmp_path: Path) -> None:
    """Imported records carry their list's fiscal year; the sample keeps none."""
    rows = [HOSTS_HEADER, host_row("01209", "北海道", "夕張市")]
    importer.import_file("hosts", write(tmp_path, "h.csv", csv_file(rows)), 2025)
    hosts = data.load("hosts")
    assert hosts["fiscal_year"].value_counts(dropna=False).to_dict() == {
        pd.NA: 116,
        2025: 1,
    }
    assert hosts.iloc[-1][["code", "company", "start"]].tolist() == [
        "01209",
        "株式会社テスト",
        "2025-04",
    ]


# --- Reading what officials type ---------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\xef\xbb\xbf" + csv_file(TOTALS_2025), "bom.csv"),
        (csv_file(TOTALS_2025, "utf-16"), "unicode.txt"),
        (csv_file(TOTALS_2025, sep="\t"), "tabs.tsv"),
        (xlsx_file(TOTALS_2025), "r7.xlsx"),
    ],
)
def test_the_same_rows_in_every_format(content: bytes, name: str) -> None:
    """BOM, UTF-16, tab-separated and Excel all give the same table."""
    prepared = importer.check_file(content, name, importer.KINDS["totals"], 2025)
    assert prepared.text[["fiscal_year", "kind", "people"]].values.tolist() == [
        ["2025", "dispatch", "1020"],
        ["2025", "side_job", "120"],
        ["2025", "total", "1140"],
    ]


def test_half_width_katakana_in_shift_jis_is_read() -> None:
    """CP932 with names in half-width katakana is CP932, not EUC-JP read wrongly."""
    rows = [
        ["年度", "順位", "企業名", "人数"],
        ["2024", "1", "ｿﾌﾄﾊﾞﾝｸ株式会社", "27"],
        ["2024", "2", "ｶﾌﾞｼｷｶﾞｲｼｬｼﾞｪｲﾃｨｰﾋﾞｰ", "20"],
    ]
    prepared = importer.check_file(
        csv_file(rows, "cp932"), "kana.csv", importer.KINDS["companies"], 2024
    )
    assert prepared.typed["company"].tolist() == [
        "ｿﾌﾄﾊﾞﾝｸ株式会社",
        "ｶﾌﾞｼｷｶﾞｲｼｬｼﾞｪｲﾃｨｰﾋﾞｰ",
    ]


def test_english_and_internal_column_names_work() -> None:
    """Headers may be the English ones or the data file's own names."""
    rows = [
        [
            "Fiscal year",
            "TYPE",
            "people",
            "Host municipalities",
            "companies",
            "basis",
            "Source",
        ],
        ["FY2025", "Company dispatch", "10", "", "", "stated", "x"],
    ]
    prepared = importer.check_file(
        csv_file(rows), "en.csv", importer.KINDS["totals"], 2025
    )
    assert prepared.typed.iloc[0][["fiscal_year", "kind", "people"]].tolist() == [
        2025,
        "dispatch",
        10,
    ]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2025", 2025),
        ("R7", 2025),
        ("令和7年度", 2025),
        ("fy 2019", 2019),
        ("令和元年度", 2019),
        ("２０２５年度", 2025),
        ("H30", None),
        ("1999", None),
        ("", None),
    ],
)
def test_fiscal_years_as_officials_write_them(text: str, year: int | None) -> None:
    """Western and 令和 years are read; anything else is not a fiscal year."""
    assert importer.parse_fiscal_year(text) == year


@pytest.mark.parametrize("kind", sorted(importer.KINDS))
@pytest.mark.parametrize("xlsx", [False, True])
def test_every_template_reads_back_as_its_example(kind: str, xlsx: bool) -> None:
    """A template passes the checks and gives back the data rows it shows."""
    content = templates.template_xlsx(kind) if xlsx else templates.template_csv(kind)
    example = templates.example_rows(kind)
    years = example["fiscal_year"].dropna()
    year = int(years.iloc[0]) if len(years) else None
    prepared = importer.check_file(
        content, templates.file_name(kind, xlsx), importer.KINDS[kind], year
    )

    table = data.load(importer.KINDS[kind].table)
    if kind == "hosts":
        shown = table.loc[
            [table[list(importer.KINDS[kind].columns)].notna().sum(axis=1).idxmax()]
        ]
    else:
        shown = table[table["fiscal_year"] == year]
    pd.testing.assert_frame_equal(
        prepared.typed.reset_index(drop=True),
        shown.reset_index(drop=True),
        check_dtype=False,
    )


def test_a_template_imports_into_the_data(data_copy: Path, tmp_path: Path) -> None:
    """The fields template, filed again with --replace, leaves the table as it was."""
    before = data.load("categories").copy()
    path = write(tmp_path, "fields.xlsx", templates.template_xlsx("fields"))
    importer.import_file("fields", path, 2023, replace_year=True)
    pd.testing.assert_frame_equal(data.load("categories"), before)


def test_template_xlsx_keeps_codes_as_text_and_explains_columns() -> None:
    """The code column is formatted as text; the notes sheet names every column."""
    workbook = openpyxl.load_workbook(
        io.BytesIO(templates.template_xlsx("hosts", "en"))
    )
    data_sheet, notes_sheet = workbook.worksheets
    assert data_sheet.title == "Data" and notes_sheet.title == "Notes"
    assert data_sheet["B1"].value == "市町村コード"
    assert data_sheet["B2"].number_format == "@"
    assert isinstance(data_sheet["B2"].value, str) and len(data_sheet["B2"].value) == 5
    names = [row[0] for row in notes_sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [importer.header(c) for c in importer.KINDS["hosts"].columns]


# --- The multi-year tables ---------------------------------------------------------


def test_shipped_breakdowns_are_fiscal_year_2023() -> None:
    """The deck's fields and ranking are tagged FY2023 and unique within it."""
    for name in ("categories", "company_ranking"):
        assert data.load(name)["fiscal_year"].unique().tolist() == [2023]


def test_a_company_twice_in_one_year_is_refused(data_copy: Path) -> None:
    """The uniqueness holds per (fiscal_year, company), not across years."""
    path = data_copy / "mic_r5" / "company_ranking.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + "2024,x,,1,株式会社JTB,43\n2024,x,,2,株式会社JTB,5\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError) as caught:
        data.load("company_ranking")
    assert problems(caught) == [
        "mic_r5/company_ranking.csv, row 22, column “company”: “株式会社JTB” appears "
        "more than once in FY2024."
    ]


# --- Writing safely ----------------------------------------------------------------


def test_a_failed_write_leaves_nothing_behind(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unchanged
) -> None:
    """If the final rename fails, no data file, kept version or temporary remains."""
    path = write(tmp_path, "r7.csv", csv_file(TOTALS_2025))
    real_replace = os.replace

    def failing(source, target):
        if Path(target).name == "national_totals.csv":
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(importer.os, "replace", failing)
    with unchanged(), pytest.raises(OSError):
        importer.import_file("totals", path, 2025)
    assert not list((data_copy / importer.HISTORY_DIR).rglob("*.*.*"))


def test_the_new_file_keeps_its_permissions(data_copy: Path, tmp_path: Path) -> None:
    """A group-readable data file stays group-readable after an import."""
    target = data_copy / "national_totals.csv"
    target.chmod(0o640)
    importer.import_file(
        "totals", write(tmp_path, "r7.csv", csv_file(TOTALS_2025)), 2025
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in data_copy.iterdir() if p.name.endswith(".tmp")]


def test_an_imported_year_is_cited_by_its_own_source(
    data_copy: Path, tmp_path: Path
) -> None:
    """The fields page cites an imported year by the 出典 its file names, not the
    shipped deck; the shipped year keeps the deck's line."""
    from streamlit.testing.v1 import AppTest

    importer.import_file(
        "totals", write(tmp_path, "r7.csv", csv_file(TOTALS_2025)), 2025
    )
    rows = [[*FIELDS_HEADER, "出典"]]
    rows += [
        [2025, "観光振興", 520, 51, "総務省 令和7年度の状況"],
        [2025, "DX", 400, 39.2, "総務省 令和7年度の状況"],
        [2025, "その他", 100, 9.8, "総務省 令和7年度の状況"],
    ]
    importer.import_file("fields", write(tmp_path, "f.xlsx", xlsx_file(rows)), 2025)

    def captions(year: int) -> list[str]:
        at = AppTest.from_file("../app.py", default_timeout=60)
        at.query_params["year"] = str(year)
        at.run()
        at.switch_page("pages/fields.py").run()
        assert not at.exception
        return [c.value.replace("\\", "") for c in at.caption if "出典" in c.value]

    deck = "出典：総務省 地域力創造グループ"
    assert captions(2025)[:2] == ["出典：総務省 令和7年度の状況"] * 2
    assert all(deck in line for line in captions(2023)[:2])

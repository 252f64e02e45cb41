"""Bad input everywhere: malformed files refused, payloads inert, uploads off disk.

Every malformed file of the battery is refused with its own message and leaves the
data folder byte-for-byte as it was; markup, Markdown and spreadsheet formulas in a
company name come out literally; a broken data file turns into a message naming
it on each page that needs it; an uploaded host list never touches the disk.
"""

import csv
import io
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from kigyojin import companies, data, exports, hosts, importer, maps, templates
from kigyojin.errors import DataFileError

APP = "../app.py"
TIMEOUT = 120
PAYLOADS = ("<img src=x onerror=alert(1)>", "**bold**", '=HYPERLINK("http://x")')

TOTALS = ["年度", "種別", "人数", "受入自治体数", "派遣元企業数", "区分", "出典"]
FIELDS = ["年度", "分野", "人数", "資料記載の割合"]
COMPANIES = ["年度", "順位", "企業名", "人数"]
HOSTS = [
    "市町村コード",
    "都道府県",
    "市町村名",
    "企業名",
    "型",
    "開始年月",
    "人数",
    "出典URL",
]


def csv_file(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def host(code: str = "01209", company: str = "株式会社テスト", **cells: str) -> list:
    """A host row in the HOSTS columns, with `cells` replacing some of them."""
    row = {
        "code": code,
        "pref": "北海道",
        "name": "夕張市",
        "company": company,
        "type": "企業派遣型",
        "start": "2025-04",
        "people": "1",
        "url": "https://example.jp/r7",
    }
    row.update(cells)
    return list(row.values())


HUGE = b"a,b\n" + b"1,2\n" * (importer.MAX_BYTES // 4 + 1)
MANY_ROWS = csv_file([HOSTS] + [host()] * (importer.MAX_ROWS + 1))

# (kind, file name, content, the messages expected, in English)
BATTERY = [
    (
        "hosts",
        "empty.csv",
        b"",
        [
            "empty.csv: the file is empty. Put the column names in row 1 and the "
            "values from row 2."
        ],
    ),
    (
        "totals",
        "blank.csv",
        b"\xef\xbb\xbf\r\n\r\n",
        [
            "blank.csv: the file is empty. Put the column names in row 1 and the "
            "values from row 2."
        ],
    ),
    (
        "fields",
        "header.csv",
        csv_file([FIELDS]),
        ["header.csv: there is a header row but no row of values."],
    ),
    (
        "hosts",
        "photo.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        [
            "photo.csv: this is not a text file (an image, an archive…). Choose a CSV "
            "or Excel (.xlsx) file."
        ],
    ),
    (
        "companies",
        "huge.csv",
        HUGE,
        ["huge.csv: the file is too large (5 MB; the limit is 5 MB)."],
    ),
    (
        "hosts",
        "many.csv",
        MANY_ROWS,
        ["many.csv: too many rows (the limit is 20,000)."],
    ),
    (
        "hosts",
        "euc.csv",
        csv_file([HOSTS, host()], "euc-jp"),
        [
            "euc.csv: the character encoding is not recognised. Save it again as CSV "
            "in UTF-8 or Shift_JIS (CP932)."
        ],
    ),
    (
        "totals",
        "old.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        [
            "old.xls: the old Excel format (.xls) is not supported. Save it as .xlsx "
            "or CSV in Excel."
        ],
    ),
    (
        "totals",
        "broken.xlsx",
        b"PK\x03\x04" + b"\x14\x00" * 40,
        ["broken.xlsx: not readable as an Excel (.xlsx) file (zip)."],
    ),
    (
        "fields",
        "renamed.xlsx",
        csv_file([FIELDS, ["2024", "観光", "780", "100"]]),
        ["renamed.xlsx: not readable as an Excel (.xlsx) file (zip)."],
    ),
    (
        "companies",
        "other.csv",
        csv_file([["name", "value"], ["a", "1"]]),
        [
            "other.csv: none of the column names is known. Check the kind of file "
            "(companies) and the names in row 1. Expected: 年度、順位、企業名、人数、"
            "出典、出典URL"
        ],
    ),
    (
        "totals",
        "ragged.csv",
        csv_file([TOTALS, ["2025", "企業派遣型", "10", "5", "4", "公表値", "x", "y"]]),
        ["ragged.csv, row 2: 8 values, but 7 column names (an extra comma?)."],
    ),
    (
        "fields",
        "twice.csv",
        csv_file([[*FIELDS, "人数"], ["2024", "観光", "780", "100", "1"]]),
        ["twice.csv, row 1, column “人数”: this column name appears more than once."],
    ),
    (
        "totals",
        "totals.csv",
        csv_file(
            [
                ["年度", "種別", "人数", "受入自治体数", "区分", "メモ"],
                ["2025", "企業派遣型", "ten", "5", "公表値", ""],
                ["2025", "企業派遣型", "-3", "5", "公表値", ""],
                ["2025", "両方", "7", "5", "推計値", ""],
            ]
        ),
        [
            "totals.csv, column “出典”: this column is missing.",
            "totals.csv, column “メモ”: this column is not expected.",
            "totals.csv, row 2, column “人数”: “ten” is not a whole number.",
            "totals.csv, row 3, column “人数”: -3 must be at least 0.",
            "totals.csv, row 4, column “種別”: “両方” is not allowed (one of "
            "企業派遣型、副業型、合計).",
        ],
    ),
    (
        "totals",
        "sums.csv",
        csv_file(
            [
                TOTALS,
                ["2025", "企業派遣型", "10", "5", "4", "公表値", "x"],
                ["2025", "副業型", "3", "2", "2", "公表値", "x"],
                ["2025", "合計", "14", "6", "", "公表値", "x"],
                ["2025", "副業型", "3", "2", "2", "公表値", "x"],
            ]
        ),
        [
            "sums.csv, row 4, column “人数”: the total 14 differs from the sum of the "
            "types, 16.",
            "sums.csv, row 5, column “種別”: fiscal year 2025 has more than one row of "
            "side jobs (副業型).",
        ],
    ),
    (
        "fields",
        "fields.csv",
        csv_file(
            [
                FIELDS,
                ["2024", "観光振興", "500", "64"],
                ["2024", "観光振興", "280", "36"],
            ]
        ),
        [
            "fields.csv, row 3, column “分野”: “観光振興・観光誘客対策・DMO設立等” "
            "appears more than once in FY2024."
        ],
    ),
    (
        "fields",
        "short.csv",
        csv_file(
            [FIELDS, ["2024", "観光振興", "500", "64"], ["2024", "DX", "200", "26"]]
        ),
        [
            "short.csv, column “人数”: FY2024's people add up to 700, not the 780 / "
            "871 "
            "of the national totals."
        ],
    ),
    (
        "companies",
        "ranking.csv",
        csv_file(
            [
                COMPANIES,
                ["2024", "1", "甲社", "900"],
                ["2024", "1", "乙社", "-1"],
                ["R6", "3", "甲社", "5"],
            ]
        ),
        [
            "ranking.csv, row 3, column “人数”: -1 must be at least 0.",
            # The duplicate is found among the rows that read cleanly.
            "ranking.csv, row 4, column “企業名”: “甲社” appears more than once in "
            "FY2024.",
        ],
    ),
    (
        "companies",
        "ranks.csv",
        csv_file(
            [
                COMPANIES,
                ["2024", "1", "甲社", "900"],
                ["2024", "3", "乙社", "5"],
                ["R6", "3", "甲社", "5"],
            ]
        ),
        [
            "ranks.csv, column “人数”: the companies of FY2024 send 910 people, more "
            "than the 871 of the national totals.",
            "ranks.csv, row 3, column “順位”: rank 3 does not follow the counts (the "
            "counts give rank 2).",
            "ranks.csv, row 4, column “順位”: rank 3 does not follow the counts (the "
            "counts give rank 2).",
            "ranks.csv, row 4, column “企業名”: “甲社” appears more than once in "
            "FY2024.",
        ],
    ),
    (
        "hosts",
        "hosts.csv",
        csv_file(
            [
                HOSTS,
                host("1209"),
                host("012093"),
                host("99999"),
                host("01209", name="札幌市"),
                host(start="来年"),
                host(type="派遣"),
                host(people="0"),
                host(start="2025-05", url="javascript:alert(1)"),
                host(company="株式会社テスト", start="2025-04"),
            ]
        ),
        [
            "hosts.csv, row 2, column “市町村コード”: “1209” is not a 5-digit "
            "municipality "
            "code. Was the leading zero dropped? (Format the cell as text and type "
            "01209.)",
            "hosts.csv, row 3, column “市町村コード”: the check digit of “012093” is "
            "wrong.",
            "hosts.csv, row 4, column “市町村コード”: code “99999” is not in the "
            "municipality list.",
            "hosts.csv, row 5, column “市町村名”: “札幌市”, but municipality code "
            "01209 is "
            "“夕張市”.",
            "hosts.csv, row 6, column “開始年月”: “来年” is not of the form 2025-04 or "
            "FY2025.",
            "hosts.csv, row 7, column “型”: “派遣” is not allowed (one of "
            "企業派遣型、副業型、地域おこし企業人、不明).",
            "hosts.csv, row 8, column “企業名”: the same host record (code, company, "
            "type, period) as row 5.",
            "hosts.csv, row 8, column “人数”: 0 must be at least 1.",
            "hosts.csv, row 9, column “出典URL”: “javascript:alert(1)” cannot be a "
            "link; use a URL starting with http:// or https://.",
            "hosts.csv, row 10, column “企業名”: the same host record (code, company, "
            "type, period) as row 5.",
        ],
    ),
    (
        "hosts",
        "formula.xlsx",
        xlsx_file(
            [
                HOSTS,
                [
                    "01209",
                    "北海道",
                    "夕張市",
                    "=1+1",
                    "企業派遣型",
                    "2025-04",
                    1,
                    "https://example.jp",
                ],
            ]
        ),
        ["formula.xlsx, row 2, column “企業名”: empty; a value is required."],
    ),
    (
        # A control character stops the chart renderer and the Excel writer: each
        # is refused in its cell, C0 and C1 alike; a tab is text.
        "companies",
        "control.csv",
        csv_file(
            [
                COMPANIES,
                ["2024", "1", "株式会社\x01JTB", "43"],
                ["2024", "2", "日本\x85航空株式会社", "41"],
                ["2024", "3", "ソフト\tバンク株式会社", "27"],
            ]
        ),
        [
            "control.csv, row 2, column “企業名”: contains a control character "
            "(U+0001), which cannot be shown or exported; remove it.",
            "control.csv, row 3, column “企業名”: contains a control character "
            "(U+0085), which cannot be shown or exported; remove it.",
        ],
    ),
    (
        "totals",
        "total_only.csv",
        csv_file([TOTALS, ["2025", "合計", "1000", "520", "", "公表値", "x"]]),
        [
            "total_only.csv, row 2, column “種別”: fiscal year 2025 has no row of "
            "company dispatch (企業派遣型). A year of only a total or only side jobs "
            "cannot be used (the total is checked against the rows of each type)."
        ],
    ),
    (
        # A wrong cell does not hide the duplicate among the other rows.
        "totals",
        "partial.csv",
        csv_file(
            [
                TOTALS,
                ["2025", "企業派遣型", "ten", "5", "4", "公表値", "x"],
                ["2025", "副業型", "3", "2", "2", "公表値", "x"],
                ["2025", "副業型", "3", "2", "2", "公表値", "x"],
            ]
        ),
        [
            "partial.csv, row 2, column “人数”: “ten” is not a whole number.",
            "partial.csv, row 4, column “種別”: fiscal year 2025 has more than one row "
            "of side jobs (副業型).",
        ],
    ),
    (
        # Nor the other cells of its own row.
        "hosts",
        "partly.csv",
        csv_file(
            [HOSTS, host(type="謎型", start="2025-13", people="-2", url="ftp://a.jp")]
        ),
        [
            "partly.csv, row 2, column “型”: “謎型” is not allowed (one of "
            "企業派遣型、副業型、地域おこし企業人、不明).",
            "partly.csv, row 2, column “開始年月”: “2025-13” is not of the form "
            "2025-04 or FY2025.",
            "partly.csv, row 2, column “人数”: -2 must be at least 1.",
            "partly.csv, row 2, column “出典URL”: “ftp://a.jp” cannot be a link; use "
            "a URL starting with http:// or https://.",
        ],
    ),
    (
        # The public sample's first record, typed again.
        "hosts",
        "known.csv",
        csv_file(
            [
                HOSTS,
                [
                    "01343",
                    "北海道",
                    "鹿部町",
                    "株式会社ぐるなび",
                    "企業派遣型",
                    "",
                    "1",
                    "https://hokkaido-nl.jp/article/29220",
                ],
            ]
        ),
        [
            "known.csv, row 2, column “企業名”: the same host record (code, company, "
            "type, period) is already in the data (kigyoujin_hosts.csv, row 2)."
        ],
    ),
    (
        "fields",
        "fields_r7.csv",
        csv_file(
            [FIELDS, ["2025", "観光振興", "600", "60"], ["2025", "DX", "400", "40"]]
        ),
        [
            "fields_r7.csv, column “年度”: national_totals.csv has no FY2025. Import "
            "the year's totals first (python -m kigyojin import totals)."
        ],
    ),
    (
        "companies",
        "companies_r7.csv",
        csv_file([COMPANIES, ["2025", "1", "株式会社JTB", "50"]]),
        [
            "companies_r7.csv, column “年度”: national_totals.csv has no FY2025. "
            "Import the year's totals first (python -m kigyojin import totals)."
        ],
    ),
    (
        # ＤＸ is a short name of a field; 観光 is none, and would be counted in the
        # rest.
        "fields",
        "names.csv",
        csv_file(
            [FIELDS, ["2024", "観光", "480", "62"], ["2024", "ＤＸ", "300", "38"]]
        ),
        [
            "names.csv, column “分野”: write each field as one of MIC's: "
            "総務（政策調整・行政改革・公有財産利活用等）、"
            "民生（子供子育て・福祉・災害対応等）、衛生（保健衛生・環境等）、"
            "観光振興・観光誘客対策・DMO設立等、"
            "農林水産（農業・畜産業・林業・水産業振興等）、"
            "地域産品の開発・販路開拓・拡大等、"
            "移住促進・都市農村交流・交流人口の拡大等、DX（自治体DX・地域社会DX）、"
            "土木（土木管理・道路橋りょう・河川・住宅・空き家対策等）、"
            "地域経済活性化・雇用対策・人材育成・企業誘致等、その他、広報業務、"
            "中間支援機能に関する業務（地域商社支援及び立ち上げなど）、教育、"
            "GX（脱炭素等）. The short names 総務、民生、衛生、観光振興、農林水産、"
            "地域産品・販路、移住・交流、DX、土木、地域経済・雇用・人材、広報、"
            "中間支援、GX work too.",
            "names.csv, row 2, column “分野”: “観光” is not one of MIC's fields.",
        ],
    ),
    (
        "fields",
        "link.csv",
        csv_file(
            [
                [*FIELDS, "出典", "出典URL"],
                ["2024", "DX", "780", "100", "総務省", "javascript:alert(1)"],
            ]
        ),
        [
            "link.csv, row 2, column “出典URL”: “javascript:alert(1)” cannot be a "
            "link; use a URL starting with http:// or https://."
        ],
    ),
    (
        "hosts",
        "jis.csv",
        csv_file([HOSTS, host()], "iso2022_jp"),
        [
            "jis.csv: the character encoding is not recognised. Save it again as CSV "
            "in UTF-8 or Shift_JIS (CP932)."
        ],
    ),
]
# The fiscal year each file is imported for, where it is not the usual one.
FISCAL_YEARS = {"fields_r7.csv": 2025, "companies_r7.csv": 2025}


@pytest.mark.parametrize(
    ("kind", "name", "content", "expected"),
    BATTERY,
    ids=[case[1] for case in BATTERY],
)
def test_malformed_files_are_refused_and_change_nothing(
    tmp_path: Path, unchanged, kind: str, name: str, content: bytes, expected: list[str]
) -> None:
    """Each malformed file gets its messages; data/ is byte-for-byte the same."""
    path = tmp_path / name
    path.write_bytes(content)
    with unchanged(), pytest.raises(DataFileError) as caught:
        year = FISCAL_YEARS.get(name, 2025 if kind == "totals" else 2024)
        importer.import_file(kind, path, year)
    assert [p.message("en") for p in caught.value.problems] == expected
    assert all(p.message("ja") != p.message("en") for p in caught.value.problems)


def test_a_broken_data_file_blocks_its_import_and_changes_nothing(
    data_copy: Path, tmp_path: Path, unchanged
) -> None:
    """An import into a corrupt data file is refused with that file's own problem."""
    (data_copy / "national_totals.csv").write_text(
        "fiscal_year\n2024\n", encoding="utf-8"
    )
    path = tmp_path / "ok.csv"
    path.write_bytes(
        csv_file([TOTALS, ["2025", "企業派遣型", "9", "5", "4", "公表値", "x"]])
    )
    with unchanged(), pytest.raises(DataFileError) as caught:
        importer.import_file("totals", path, 2025)
    assert caught.value.problems[0].message("en") == (
        "national_totals.csv, column “kind”: this column is missing."
    )


def test_the_hosts_template_as_it_comes_is_already_in_the_data(
    tmp_path: Path, unchanged
) -> None:
    """The template's example row is a shipped record: filed unchanged, refused."""
    path = tmp_path / "template.csv"
    path.write_bytes(templates.template_csv("hosts"))
    shown = templates.example_rows("hosts").iloc[0]
    shipped = data.load("hosts")
    row = int(shipped.index[shipped["company"] == shown["company"]][0]) + 2
    with unchanged(), pytest.raises(DataFileError) as caught:
        importer.import_file("hosts", path, 2025)
    assert [p.message("en") for p in caught.value.problems] == [
        "template.csv, row 2, column “企業名”: the same host record (code, company, "
        f"type, period) is already in the data (kigyoujin_hosts.csv, row {row})."
    ]


def test_a_control_character_in_a_data_file_is_named_when_loaded(
    data_copy: Path,
) -> None:
    """The shipped data are held to the same rule as an import: file, row, column."""
    path = data_copy / "kigyoujin_hosts.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("株式会社ぐるなび", "株式会社\x7fぐるなび", 1), "utf-8"
    )
    with pytest.raises(DataFileError) as caught:
        data.load("hosts")
    assert [p.message("en") for p in caught.value.problems] == [
        "kigyoujin_hosts.csv, row 2, column “company”: contains a control character "
        "(U+007F), which cannot be shown or exported; remove it."
    ]


def test_a_control_character_in_an_upload_is_refused() -> None:
    """An uploaded host list with one is refused before anything draws it."""
    content = csv_file([HOSTS, host(company="株式会社\x1bテスト")])
    with pytest.raises(DataFileError) as caught:
        importer.read_host_list(content, "own.csv")
    assert [p.message("en") for p in caught.value.problems] == [
        "own.csv, row 2, column “企業名”: contains a control character (U+001B), "
        "which cannot be shown or exported; remove it."
    ]


# --- Payloads stay text ------------------------------------------------------------


@pytest.fixture
def payload_records() -> pd.DataFrame:
    """Host records whose company names are markup, Markdown and a formula."""
    rows = [HOSTS] + [
        host(company=p, start=f"2025-0{i + 4}") for i, p in enumerate(PAYLOADS)
    ]
    return importer.read_host_list(csv_file(rows), "payloads.csv")


def test_payloads_are_read_as_plain_text(payload_records: pd.DataFrame) -> None:
    """The reader keeps them exactly as written: nothing stripped, nothing run."""
    assert payload_records["company"].tolist() == list(PAYLOADS)


def test_payloads_in_csv_exports_are_inert(payload_records: pd.DataFrame) -> None:
    """The formula gets an apostrophe; markup stays literal text in its cell."""
    text = exports.to_csv_bytes(payload_records[["name", "company"]]).decode(
        "utf-8-sig"
    )
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "company"],
        ["夕張市", "<img src=x onerror=alert(1)>"],
        ["夕張市", "**bold**"],
        ["夕張市", '\'=HYPERLINK("http://x")'],
    ]


def test_payloads_in_excel_exports_are_text_cells(
    payload_records: pd.DataFrame,
) -> None:
    """Every payload is a string cell; the formula carries Excel's quote prefix."""
    content = exports.to_xlsx_bytes({"data": payload_records[["company"]]})
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        ("<img src=x onerror=alert(1)>", "s", False),
        ("**bold**", "s", False),
        ('=HYPERLINK("http://x")', "s", True),
    ]


def test_payloads_are_escaped_for_markdown() -> None:
    """ui.plain puts a backslash before every character Markdown or HTML could use."""
    assert [ui.plain(p) for p in PAYLOADS] == [
        r"\<img src\=x onerror\=alert\(1\)\>",
        r"\*\*bold\*\*",
        r"\=HYPERLINK\(\"http\://x\"\)",
    ]


def test_payloads_in_a_map_are_data_not_markup(payload_records: pd.DataFrame) -> None:
    """A company's host map carries its name in a text tooltip, unchanged."""
    upload = hosts.UploadedRecords.of(payload_records)
    for payload in PAYLOADS:
        deck = maps.company_deck(companies.normalize(payload), "en", upload)
        spec = json.loads(deck.to_json())
        (layer,) = [layer for layer in spec["layers"] if layer["id"] == maps.HOST_LAYER]
        (point,) = layer["data"]
        assert f"• {payload} (Company dispatch, from FY2025)" in point["tooltip"]
        assert set(deck._tooltip) == {"text", "style"}
        assert "html" not in json.dumps(spec).lower()


# --- The app with broken data, and with an upload ---------------------------------

DATA = importer.data_dir()
DATA_FILES = sorted(
    path.relative_to(DATA).as_posix()
    for path in DATA.rglob("*")
    if path.is_file() and path.name != "SOURCES.md" and ".history" not in path.parts
)
CORRUPT = b"this,is,not\nthe,right,file\n"


class _Recorder:
    """Audit events of this process, recorded only between start() and stop().

    An audit hook cannot be removed once added, so one is added for the whole
    session and does nothing while no recording is running.
    """

    def __init__(self) -> None:
        self.events: list[tuple[str, tuple]] | None = None
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if self.events is not None:
            self.events.append((event, args))

    @contextmanager
    def recording(self) -> Iterator[list[tuple[str, tuple]]]:
        self.events = []
        try:
            yield self.events
        finally:
            self.events = None


RECORDER = _Recorder()
# Events that change the file system, besides opening a file for writing.
WRITE_EVENTS = {
    "os.mkdir",
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.truncate",
    "os.link",
    "os.symlink",
    "shutil.copyfile",
    "shutil.move",
    "shutil.rmtree",
    "tempfile.mkstemp",
    "tempfile.mkdtemp",
}


def _writes(events: list[tuple[str, tuple]]) -> list[tuple[str, tuple]]:
    """The events among `events` that write to the disk."""
    found = []
    for event, args in events:
        if event in WRITE_EVENTS:
            found.append((event, args))
        elif event == "open" and len(args) >= 3:
            mode, flags = args[1], args[2]
            writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND
            if (isinstance(mode, str) and set(mode) & set("wax+")) or (
                isinstance(flags, int) and flags & writing
            ):
                found.append((event, args))
    return found


def open_page(page: str, warm_up: Path, folder: Path) -> tuple[AppTest, list]:
    """Run `page` in English on the data in `folder`, recording what it does.

    The app always starts on its first page: that run reads `warm_up` instead, so
    the recording and the caches of `folder` belong to `page` alone.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KIGYOJIN_DATA_DIR", str(warm_up))
        at.run()
        patch.setenv("KIGYOJIN_DATA_DIR", str(folder))
        with RECORDER.recording() as events:
            at.switch_page(page).run()
    return at, events


def shown_text(at: AppTest) -> list[str]:
    """What a reader sees of messages and tables, Markdown escapes removed."""
    texts = [e.value for e in (*at.error, *at.warning, *at.info)]
    texts += [element.value.to_string() for element in at.dataframe]
    return [text.replace("\\", "") for text in texts]


@pytest.fixture(scope="module")
def intact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the data for the first page's run before the page under test."""
    folder = tmp_path_factory.mktemp("warm") / "data"
    shutil.copytree(DATA, folder)
    return folder


@pytest.fixture(scope="module")
def files_read_by_page(
    tmp_path_factory: pytest.TempPathFactory, intact: Path
) -> dict[str, set]:
    """For every page, the data files it reads (all of them intact, caches cold)."""
    reads = {}
    for page, *_ in ui.PAGES:
        folder = (tmp_path_factory.mktemp("intact") / "data").resolve()
        shutil.copytree(DATA, folder)
        at, events = open_page(page, intact, folder)
        assert not at.exception, (page, at.exception)
        opened = {
            Path(str(args[0])).resolve()
            for event, args in events
            if event == "open" and isinstance(args[0], (str, Path))
        }
        reads[page] = {
            path.relative_to(folder).as_posix()
            for path in opened
            if path.is_relative_to(folder)
        }
    return reads


@pytest.mark.parametrize("name", DATA_FILES)
def test_a_corrupt_data_file_is_named_where_it_is_needed(
    data_copy: Path, intact: Path, files_read_by_page: dict[str, set], name: str
) -> None:
    """Each page reading the file runs to its end; any error it shows names the file.

    A page may read a file only to cross-check another and then carry on without
    it; but at least one page (the About page for a table) names it.
    """
    pages = [page for page, files in files_read_by_page.items() if name in files]
    if not pages:
        pytest.skip(f"no page reads {name}")
    (data_copy / name).write_bytes(CORRUPT)
    naming = []
    for page in pages:
        at, _ = open_page(page, intact, data_copy)
        assert not at.exception, (page, at.exception)
        assert len(at.title) == 1, page
        errors = [e.value.replace("\\", "") for e in at.error]
        assert all(Path(name).name in error for error in errors), (page, errors)
        if any(Path(name).name in text for text in shown_text(at)):
            naming.append(page)
    assert naming, f"no page says that {name} is broken"


def test_pages_that_do_not_read_a_file_do_not_mind_it(
    data_copy: Path, intact: Path, files_read_by_page: dict[str, set]
) -> None:
    """With the host sample gone, a page that does not read it shows no error."""
    name = "kigyoujin_hosts.csv"
    pages = [page for page, files in files_read_by_page.items() if name not in files]
    (data_copy / name).unlink()
    at, _ = open_page(pages[0], intact, data_copy)
    assert not at.exception
    assert [e.value for e in at.error] == []


def _upload_script() -> None:
    import streamlit as st

    import ui

    ui.language_switch()  # as app.py does before any page
    records = ui.host_upload()
    st.text("sample" if records is None else "|".join(records["company"]))


def _host_list(*companies: str) -> bytes:
    """A host list as an official's .xlsx, every name typed as text."""
    rows = [host(company=c, start=f"2025-{i + 4:02d}") for i, c in enumerate(companies)]
    return exports.to_xlsx_bytes({"data": pd.DataFrame(rows, columns=HOSTS)})


def test_an_upload_is_shown_and_never_written(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fingerprint
) -> None:
    """An uploaded list lives in the session: no file written, data/ untouched."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    before = fingerprint(data_copy)
    at = AppTest.from_function(_upload_script, default_timeout=TIMEOUT).run()
    assert at.text[0].value == "sample"
    # A first upload warms up every import, so the recorded one is the upload alone.
    at.file_uploader[0].set_value(
        ("first.xlsx", _host_list("甲社"), "application/xlsx")
    )
    at.run()
    payloads = _host_list(*PAYLOADS)
    at.file_uploader[0].set_value(("own.xlsx", payloads, "application/xlsx"))
    with RECORDER.recording() as events:
        at.run()

    assert not at.exception
    assert at.text[0].value == "|".join(PAYLOADS)
    assert at.info[0].value == ui.plain(
        "アップロードした一覧「own.xlsx」（3 件）を表示しています。このセッションの中"
        "だけの表示で、同梱の標本ではありません。"
    )
    assert _writes(events) == []
    assert fingerprint(data_copy) == before
    assert list(private_tmp.iterdir()) == []


def test_an_upload_ends_with_its_session_or_the_button(data_copy: Path) -> None:
    """Back to the sample by the button; a new session never sees the upload."""
    at = AppTest.from_function(_upload_script, default_timeout=TIMEOUT).run()
    at.file_uploader[0].set_value(("own.xlsx", _host_list("甲社"), "application/xlsx"))
    at.run()
    assert at.text[0].value == "甲社"
    at.button[0].click().run()
    assert at.text[0].value == "sample"
    assert ui.HOST_UPLOAD_STATE not in at.session_state

    at.file_uploader[0].set_value(("own.xlsx", _host_list("乙社"), "application/xlsx"))
    at.run()
    other = AppTest.from_function(_upload_script, default_timeout=TIMEOUT).run()
    assert (at.text[0].value, other.text[0].value) == ("乙社", "sample")


def test_a_bad_upload_is_a_message_and_the_sample_stays(data_copy: Path) -> None:
    """A binary file gets its message; the page goes on with the sample."""
    at = AppTest.from_function(_upload_script, default_timeout=TIMEOUT).run()
    at.file_uploader[0].set_value(
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv")
    )
    at.run()
    assert not at.exception
    assert at.text[0].value == "sample"
    assert [e.value.replace("\\", "") for e in at.error] == [
        "データファイル photo.csv を読み込めませんでした。  \n"
        "- photo.csv：文字のファイルではありません（画像や圧縮ファイルなど）。"
        "CSV か Excel（.xlsx）を選んでください。"
    ]


def test_the_recorder_sees_writes_in_other_threads(tmp_path: Path) -> None:
    """The check above would catch a write, even one made off the test's thread."""

    def save() -> None:
        (tmp_path / "x.txt").write_text("x")

    with RECORDER.recording() as events:
        worker = threading.Thread(target=save)
        worker.start()
        worker.join()
    assert [(event, str(args[0])) for event, args in _writes(events)] == [
        ("open", str(tmp_path / "x.txt"))
    ]


@pytest.mark.parametrize("page", ["pages/map.py", "pages/companies.py"])
def test_the_map_and_companies_pages_show_an_upload(
    data_copy: Path, intact: Path, page: str
) -> None:
    """With a list uploaded, the page's records are that list, labelled as such."""
    at, _ = open_page(page, intact, data_copy)
    assert not at.exception
    at.file_uploader[0].set_value(
        ("own.xlsx", _host_list(*PAYLOADS), "application/xlsx")
    )
    at.run()

    assert not at.exception
    assert [e.value for e in at.error] == []
    assert "own\\.xlsx" in at.info[0].value
    if page == "pages/map.py":
        # The sample's own warning gives way; the table lists the uploaded records.
        assert not any("116" in i.value for i in at.info)
        table = at.dataframe[0].value
        assert sorted(table.iloc[:, 3]) == sorted(PAYLOADS)
    else:
        directory = at.dataframe[-1].value
        assert set(PAYLOADS) <= set(directory.iloc[:, 0])
        assert len(directory) == 19 + len(PAYLOADS)

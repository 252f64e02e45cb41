"""Loading and validating the shipped data files, and the messages for broken ones."""

import logging
from pathlib import Path

import pytest

from kigyojin import data, geo
from kigyojin.errors import DataFileError


def _rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize("name", sorted(data.TABLES))
def test_every_shipped_table_loads(name: str) -> None:
    """Each shipped file passes its own checks and the cross-file ones."""
    assert len(data.load(name)) > 0


def test_municipality_master_covers_japan() -> None:
    """1,741 municipalities: 792 市, 743 町, 183 村 and the 23 特別区."""
    master = data.load("municipalities")
    assert master["type"].value_counts().to_dict() == {
        "市": 792,
        "町": 743,
        "村": 183,
        "特別区": 23,
    }
    assert master["code"].str.len().eq(5).all()
    assert master.set_index("code").at["01209", "name"] == "夕張市"


def test_codes_stay_five_digit_strings_everywhere() -> None:
    """Codes keep their leading zero in every table that has them."""
    for name in ("population", "kaso", "regional_requirement", "hosts"):
        codes = data.load(name)["code"]
        assert codes.map(type).eq(str).all(), name
        assert codes.str.fullmatch(r"\d{5}").all(), name


def test_census_total_is_the_official_2020_figure() -> None:
    """The 2020 census population adds up to 126,146,099."""
    assert int(data.load("population")["pop_2020"].sum()) == 126_146_099


def test_check_digit_of_known_codes() -> None:
    """The JIS check digit rule, on codes whose 6-digit form is published."""
    assert data.check_digit("01100") == "2"  # 札幌市 011002
    assert data.check_digit("13101") == "6"  # 千代田区 131016
    assert data.check_digit("01213") == "1"  # 苫小牧市 012131: remainder 0 gives 1


def test_loading_logs_file_rows_and_vintage(
    data_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """What was loaded is logged at INFO with its row count and vintage."""
    with caplog.at_level(logging.INFO, logger="kigyojin.data"):
        data.load("national_totals")
    assert "loaded national_totals.csv: 6 rows, vintage FY2021–FY2024" in caplog.text


def test_versions_change_with_any_file_and_the_folder(data_copy: Path) -> None:
    """The cache key of computed figures names every table's file in the folder in
    use and changes when one of them is rewritten."""
    before = data.versions()
    assert [Path(path) for path, _, _ in before] == [
        data_copy / table.path for table in data.TABLES.values()
    ]
    _rewrite(data_copy / "national_totals.csv", "779", "780")
    after = data.versions()
    changed = [old[0] for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [str(data_copy / "national_totals.csv")]


def test_one_view_looks_at_each_file_once(data_copy: Path) -> None:
    """Inside one view (a script run) a file rewritten meanwhile keeps the version
    first seen, and with it the table cached under it; the next view sees the
    new one."""
    path = data_copy / "national_totals.csv"
    with data.one_view():
        before = data.versions()
        assert data.load("national_totals")["people"].eq(779).any()
        _rewrite(path, "779", "780")
        assert data.versions() == before
        assert data.load("national_totals")["people"].eq(779).any()
    after = data.versions()
    assert after != before
    assert not data.load("national_totals")["people"].eq(779).any()
    with data.one_view():
        assert data.versions() == after


def test_loading_boundaries_logs_geometries_and_vintage(
    data_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A boundary file's INFO line names it, its geometries and their vintage."""
    with caplog.at_level(logging.INFO, logger="kigyojin.geo"):
        arcs = len(geo.topology("prefectures")["arcs"])
    assert caplog.messages == [
        f"loaded boundaries/prefectures_s0010.topojson: 47 geometries, {arcs} arcs, "
        "vintage 国土数値情報 N03, 2021-01-01"
    ]


def test_missing_file(data_copy: Path) -> None:
    """A missing file names itself."""
    (data_copy / "kaso_r4.csv").unlink()
    with pytest.raises(DataFileError) as caught:
        data.load("kaso")
    assert caught.value.message("en").splitlines() == [
        "The data file kaso_r4.csv could not be loaded.",
        "- kaso_r4.csv: the file is missing.",
    ]
    assert "ファイルがありません" in caught.value.message("ja")


def test_missing_column(data_copy: Path) -> None:
    """A missing column is named; nothing else is checked before it is fixed."""
    _rewrite(data_copy / "kaso_r4.csv", "kaso_type", "kaso_kind")
    with pytest.raises(DataFileError) as caught:
        data.load("kaso")
    assert [p.message("en") for p in caught.value.problems] == [
        "kaso_r4.csv, column “kaso_type”: this column is missing."
    ]
    assert caught.value.problems[0].message("ja") == (
        "kaso_r4.csv・列「kaso_type」：必要な列がありません。"
    )


def test_malformed_code_names_row_and_column(data_copy: Path) -> None:
    """A code that lost its leading zero is reported at its row."""
    _rewrite(data_copy / "kaso_r4.csv", "1,01202,", "1,1202,")
    with pytest.raises(DataFileError) as caught:
        data.load("kaso")
    assert [p.message("en") for p in caught.value.problems] == [
        "kaso_r4.csv, row 2, column “code”: “1202” is not a 5-digit municipality code."
    ]


def test_unknown_code(data_copy: Path) -> None:
    """A well-formed code that is not a municipality is refused."""
    _rewrite(data_copy / "kigyoujin_hosts.csv", "\n01343,", "\n01999,")
    with pytest.raises(DataFileError) as caught:
        data.load("hosts")
    assert [p.message("en") for p in caught.value.problems] == [
        "kigyoujin_hosts.csv, row 2, column “code”: code “01999” is not in the "
        "municipality list."
    ]


def test_duplicate_code(data_copy: Path) -> None:
    """A municipality listed twice is reported at its second row."""
    path = data_copy / "population_2020.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:3], lines[2], *lines[3:]]) + "\n")
    with pytest.raises(DataFileError) as caught:
        data.load("population")
    assert [p.message("en") for p in caught.value.problems] == [
        "population_2020.csv, row 4, column “code”: “01202” appears more than once."
    ]


def test_wrong_type(data_copy: Path) -> None:
    """Text in a number column is reported with its value."""
    _rewrite(data_copy / "mic_r5" / "categories.csv", ",24,3\n", ",twenty-four,3\n")
    with pytest.raises(DataFileError) as caught:
        data.load("categories")
    assert [p.message("en") for p in caught.value.problems] == [
        "mic_r5/categories.csv, row 2, column “people”: “twenty-four” is not a whole "
        "number."
    ]


def test_counts_must_add_up(data_copy: Path) -> None:
    """The 15 fields of FY2023 must add up to that year's 779 people."""
    _rewrite(data_copy / "mic_r5" / "categories.csv", ",24,3\n", ",25,3\n")
    with pytest.raises(DataFileError) as caught:
        data.load("categories")
    assert [p.message("en") for p in caught.value.problems] == [
        "mic_r5/categories.csv, column “people”: FY2023's people add up to 780, not "
        "the 779 of the national totals."
    ]


def test_total_row_must_equal_its_parts(data_copy: Path) -> None:
    """FY2024's 871 people must be 780 + 91."""
    _rewrite(data_copy / "national_totals.csv", "2024,total,871", "2024,total,872")
    with pytest.raises(DataFileError) as caught:
        data.load("national_totals")
    assert [p.message("en") for p in caught.value.problems] == [
        "national_totals.csv, row 7, column “people”: the total 872 differs from the "
        "sum of the types, 871."
    ]


def test_every_problem_is_reported_at_once(data_copy: Path) -> None:
    """Several broken cells give several problems, not just the first."""
    path = data_copy / "kaso_r4.csv"
    _rewrite(path, "1,01202,", "1,1202,")
    _rewrite(path, ",全部過疎,", ",全部,")
    with pytest.raises(DataFileError) as caught:
        data.load("kaso")
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "code"),
        (3, "kaso_type"),
    ]


def test_a_broken_file_leaves_unrelated_tables_loading(data_copy: Path) -> None:
    """The overview's tables do not depend on the municipality master."""
    (data_copy / "municipalities.csv").write_text("not,a,master\n")
    with pytest.raises(DataFileError):
        data.load("municipalities")
    assert len(data.load("national_totals")) == 6
    assert len(data.load("agreement_origins")) == 10


def test_not_utf8(data_copy: Path) -> None:
    """A file saved in Shift_JIS is named as not UTF-8."""
    path = data_copy / "mic_r5" / "categories.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))
    with pytest.raises(DataFileError) as caught:
        data.load("categories")
    assert caught.value.problems[0].message("en") == (
        "mic_r5/categories.csv: the file is not UTF-8 text."
    )

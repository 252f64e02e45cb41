"""The field breakdown, its groups and the host-record sample, and the fields page."""

import logging
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kigyojin import data, fields

APP = "../app.py"  # AppTest resolves a relative path against this file
PAGE = "pages/fields.py"


def run_fields(lang: str = "ja", **params: str) -> AppTest:
    """The fields page in `lang`, opened with URL parameters `params`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_breakdown_is_sorted_with_other_last() -> None:
    """FY2023's 15 fields, largest first, その他 last, shares from the counts."""
    frame = fields.breakdown()
    assert frame[["category", "group", "people"]].values.tolist() == [
        ["観光振興・観光誘客対策・DMO設立等", "tourism", 216],
        ["DX（自治体DX・地域社会DX）", "dx", 200],
        ["地域産品の開発・販路開拓・拡大等", "local_products", 75],
        ["地域経済活性化・雇用対策・人材育成・企業誘致等", "economy", 72],
        ["移住促進・都市農村交流・交流人口の拡大等", "migration", 50],
        ["総務（政策調整・行政改革・公有財産利活用等）", "other", 24],
        ["GX（脱炭素等）", "other", 24],
        ["教育", "other", 17],
        ["農林水産（農業・畜産業・林業・水産業振興等）", "other", 13],
        ["民生（子供子育て・福祉・災害対応等）", "other", 12],
        ["広報業務", "other", 10],
        ["土木（土木管理・道路橋りょう・河川・住宅・空き家対策等）", "other", 7],
        ["衛生（保健衛生・環境等）", "other", 6],
        ["中間支援機能に関する業務（地域商社支援及び立ち上げなど）", "other", 6],
        ["その他", "other", 47],
    ]
    # The deck prints 28 % for tourism; the counts give 216 / 779.
    assert frame["share"].iloc[0] == pytest.approx(216 / 779 * 100)
    assert frame["percent_stated"].iloc[0] == 28
    assert frame["share"].sum() == pytest.approx(100)


def test_grouped_view() -> None:
    """Six groups: the five named ones by size, then the other ten categories."""
    groups = fields.grouped()
    assert groups[["group", "people", "categories"]].values.tolist() == [
        ["tourism", 216, 1],
        ["dx", 200, 1],
        ["local_products", 75, 1],
        ["economy", 72, 1],
        ["migration", 50, 1],
        ["other", 166, 10],
    ]
    assert groups["share"].round(1).tolist() == [27.7, 25.7, 9.6, 9.2, 6.4, 21.3]


def test_two_thirds_are_tourism_dx_and_local_products() -> None:
    """The three largest named groups hold 491 of 779 people, 63.0 %."""
    leading = fields.leading_share()
    assert (leading.groups, leading.people, leading.total) == (
        ("tourism", "dx", "local_products"),
        491,
        779,
    )
    assert round(leading.share, 1) == 63.0


def test_every_short_field_name_is_a_deck_category() -> None:
    """The host records' short names all point at one of the deck's categories."""
    categories = set(data.load("categories")["category"])
    assert set(fields.HOST_FIELD_CATEGORIES.values()) == categories
    used = set(data.load("hosts")["field"].dropna())
    assert used <= set(fields.HOST_FIELD_CATEGORIES)


@pytest.mark.parametrize(
    ("field", "group"),
    [
        ("観光振興", "tourism"),
        ("DX", "dx"),
        ("地域産品・販路", "local_products"),
        ("移住・交流", "migration"),
        ("地域経済・雇用・人材", "economy"),
        ("GX", "other"),
        ("その他", "other"),
        ("DX（自治体DX・地域社会DX）", "dx"),  # an official list's full name
        (None, None),
        ("", None),
    ],
)
def test_host_field_group(field: str | None, group: str | None) -> None:
    """Short names, full names and blanks map to a group (or to none)."""
    assert fields.host_field_group(field) == group


def test_unknown_host_field_counts_as_other(caplog: pytest.LogCaptureFixture) -> None:
    """A field the app does not know is `other`, and the log says so."""
    with caplog.at_level(logging.WARNING, logger="kigyojin.fields"):
        assert fields.host_field_group("宇宙開発") == "other"
    assert "宇宙開発" in caplog.text


def test_sample_by_group_beside_the_national_shares() -> None:
    """97 of 116 records name a field; their groups beside the national people."""
    sample = fields.sample_by_group()
    assert sample[["group", "records", "people"]].values.tolist() == [
        ["tourism", 27, 216],
        ["dx", 16, 200],
        ["local_products", 16, 75],
        ["economy", 8, 72],
        ["migration", 8, 50],
        ["other", 22, 166],
    ]
    assert fields.sample_unclassified() == 19
    assert sample["records"].sum() + 19 == len(data.load("hosts"))
    assert sample["sample_share"].iloc[0] == pytest.approx(27 / 97 * 100)


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"group_pick": [{"group": "dx"}]}, ["dx"]),
        (
            {"group_pick": [{"group": "other"}, {"group": "tourism"}]},
            ["tourism", "other"],
        ),
        ({"group_pick": [{"group": "dx"}, {"group": "dx"}]}, ["dx"]),
        ({"group_pick": [{"group": "nonsense"}, "junk"]}, []),
        ({"group_pick": []}, []),
        ({"another_param": [{"group": "dx"}]}, []),
        ({}, []),
        (None, []),
    ],
)
def test_groups_from_selection(selection, expected: list[str]) -> None:
    """A chart's selection state gives the picked groups, known ones only."""
    assert fields.groups_from_selection(selection, "group_pick") == expected


def test_in_groups_filters_the_table() -> None:
    """Picking groups keeps their rows; picking none keeps every row."""
    frame = fields.breakdown()
    assert fields.in_groups(frame, []) is frame
    assert fields.in_groups(frame, ["dx", "migration"])["category"].tolist() == [
        "DX（自治体DX・地域社会DX）",
        "移住促進・都市農村交流・交流人口の拡大等",
    ]
    assert len(fields.in_groups(frame, ["other"])) == 10


def add_fy2024_fields(data_copy: Path) -> None:
    """A made-up FY2024 breakdown of the 780 people, in two categories."""
    path = data_copy / "mic_r5" / "categories.csv"
    frame = pd.read_csv(path, dtype=str)
    # 780 people in FY2024 (the national total), all in two categories.
    extra = pd.DataFrame(
        {
            "fiscal_year": ["2024", "2024"],
            "category": ["DX（自治体DX・地域社会DX）", "その他"],
            "people": ["500", "280"],
            "percent_stated": ["64", "36"],
        }
    )
    pd.concat([frame, extra]).to_csv(path, index=False)


def test_a_new_year_becomes_the_default(data_copy: Path) -> None:
    """Once a year's breakdown is added beside FY2023, it is shown by default."""
    add_fy2024_fields(data_copy)
    assert fields.years_of("categories") == [2023, 2024]
    assert fields.grouped()[["group", "people"]].values.tolist() == [
        ["dx", 500],
        ["tourism", 0],
        ["local_products", 0],
        ["migration", 0],
        ["economy", 0],
        ["other", 280],
    ]
    assert fields.grouped(2023)["people"].sum() == 779


def test_page_filters_both_tables_by_the_group_in_the_url() -> None:
    """?group=dx leaves the DX field beside the chart and the 16 DX records."""
    at = run_fields("ja", group="dx")
    assert at.session_state["group"] == ["dx"]
    tables = [frame.value for frame in at.dataframe]
    drill = next(t for t in tables if "分野" in t.columns and "人数" in t.columns)
    assert drill["分野"].tolist() == ["DX（自治体DX・地域社会DX）"]
    records = next(t for t in tables if "市町村" in t.columns)
    assert len(records) == 16
    assert set(records["分野"]) == {"DX"}
    assert [e.value for e in at.error] == []


def test_page_narrows_every_chart_table_to_the_chosen_groups() -> None:
    """?group=dx&group=tourism: each chart's own table lists just those groups."""
    at = run_fields("en", group=["dx", "tourism"])
    tables = [frame.value for frame in at.dataframe]
    groups = next(t for t in tables if "Fields in group" in t.columns)
    assert groups.to_dict("list") == {
        "Group": ["Tourism", "Digital (DX)"],
        "People": [216, 200],
        "Share (%)": [27.7, 25.7],
        "Fields in group": [1, 1],
    }
    categories = next(t for t in tables if "Share in the deck (%)" in t.columns)
    assert categories["Group"].tolist() == ["Tourism", "Digital (DX)"]
    assert categories["People"].tolist() == [216, 200]
    sample = next(t for t in tables if "Public records" in t.columns)
    assert sample.to_dict("list") == {
        "Group": ["Tourism", "Digital (DX)"],
        "National people": [216, 200],
        "National share (%)": [27.7, 25.7],
        "Public records": [27, 16],
        "Share of public records (%)": [27.8, 16.5],
    }
    captions = [c.value for c in at.caption]
    assert captions.count("Showing the chosen groups' 2 of 6 rows.") == 2
    assert "Showing the chosen groups' 2 of 15 rows." in captions


def test_page_sample_table_is_what_the_chart_shows() -> None:
    """No group chosen: the sample's table holds both bars of all six groups."""
    at = run_fields("ja")
    sample = next(
        frame.value for frame in at.dataframe if "公開事例の件数" in frame.value.columns
    )
    assert sample.to_dict("list") == {
        "まとまり": [
            "観光振興",
            "DX",
            "地域産品・販路",
            "地域経済・雇用",
            "移住・交流",
            "その他の分野",
        ],
        "全国の人数": [216, 200, 75, 72, 50, 166],
        "全国の割合（%）": [27.7, 25.7, 9.6, 9.2, 6.4, 21.3],
        "公開事例の件数": [27, 16, 16, 8, 8, 22],
        "公開事例の割合（%）": [27.8, 16.5, 16.5, 8.2, 8.2, 22.7],
    }
    assert "sample_csv" in [b.key for b in at.get("download_button")]


def test_page_names_prefectures_in_english() -> None:
    """The host records table names each prefecture in English in English."""
    at = run_fields("en", group="dx")
    records = next(f.value for f in at.dataframe if "Municipality" in f.value.columns)
    assert records["Prefecture"].tolist() == [
        "Iwate",
        "Iwate",
        "Akita",
        "Tochigi",
        "Tochigi",
        "Saitama",
        "Fukui",
        "Nagano",
        "Nagano",
        "Mie",
        "Mie",
        "Kyoto",
        "Kyoto",
        "Hyogo",
        "Yamaguchi",
        "Yamaguchi",
    ]


def test_page_shows_the_leading_share_and_says_fy2024_is_missing() -> None:
    """The metric reads 63.0%, and one line says FY2024's order is not held."""
    at = run_fields("en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tourism, Digital (DX), Local products together"] == "63.0%"
    captions = " ".join(c.value for c in at.caption)
    assert "FY2024's ranking of fields is not in the published material" in captions
    assert len(at.get("vega_lite_chart")) == 3


def test_page_says_nothing_is_missing_once_the_year_is_there(data_copy: Path) -> None:
    """With FY2024's breakdown loaded, the page shows it and no missing-year line."""
    add_fy2024_fields(data_copy)
    at = run_fields("en")
    assert at.session_state["year"] == 2024
    captions = " ".join(c.value for c in at.caption)
    assert "is not in the published material" not in captions
    assert at.header[0].value == "Groups of fields (FY2024)"

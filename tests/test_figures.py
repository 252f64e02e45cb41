"""The national figures shown on the overview, computed from the data files."""

import pandas as pd

from kigyojin import figures


def test_headlines_of_the_latest_year() -> None:
    """FY2024: 780 + 91 = 871 people, with the change from FY2023 where known."""
    heads = {(h.kind, h.measure): (h.value, h.change) for h in figures.headlines()}
    assert figures.latest_fiscal_year() == 2024
    assert heads == {
        ("dispatch", "people"): (780, 1),
        ("dispatch", "host_municipalities"): (421, -28),
        ("dispatch", "companies"): (390, 60),
        ("side_job", "people"): (91, None),
        ("side_job", "host_municipalities"): (45, None),
        ("side_job", "companies"): (80, None),
        ("total", "people"): (871, None),
        ("total", "host_municipalities"): (439, None),
    }


def test_headlines_of_fy2023_match_the_deck() -> None:
    """FY2023: 779 people, 449 municipalities, 330 companies, up 161 / 81 / 78."""
    heads = {h.measure: (h.value, h.change, h.basis) for h in figures.headlines(2023)}
    assert heads == {
        "people": (779, 161, "stated"),
        "host_municipalities": (449, 81, "stated"),
        "companies": (330, 78, "stated"),
    }


def test_trend_people_by_type() -> None:
    """People per fiscal year and type, derived years marked as such."""
    trend = figures.trend()
    people = trend[trend["measure"] == "people"].drop(columns="measure")
    expected = pd.DataFrame(
        {
            "fiscal_year": [2021, 2022, 2023, 2024, 2024],
            "kind": ["dispatch"] * 4 + ["side_job"],
            "value": [395, 618, 779, 780, 91],
            "basis": ["derived", "derived", "stated", "stated", "stated"],
        }
    )
    pd.testing.assert_frame_equal(
        people.reset_index(drop=True), expected, check_dtype=False
    )


def test_origin_sides_are_computed_from_counts() -> None:
    """自治体側 350 of 779 (44.9 %; the deck's rounded sum says 45.0), 企業側 268."""
    sides = figures.origin_sides().set_index("side")
    assert sides["people"].to_dict() == {
        "自治体側": 350,
        "企業側": 268,
        "仲介": 78,
        "回答なし": 44,
        "その他": 39,
    }
    assert round(sides.at["自治体側", "share"], 1) == 44.9
    assert round(sides.at["自治体側", "share_stated"], 1) == 45.0
    assert round(sides.at["企業側", "share"], 1) == 34.4
    assert round(sides["share"].sum(), 6) == 100


def test_no_answer_share_comes_from_the_count() -> None:
    """回答なし is 44 of 779 = 5.6 %, not the 5.0 % printed in the deck."""
    origins = figures.agreement_origins().set_index("origin")
    assert round(origins.at["回答なし", "share"], 1) == 5.6

"""Numbers, yen and fiscal years as each language writes them."""

import pytest

from kigyojin import fmt


@pytest.mark.parametrize(
    ("year", "ja", "en"),
    [
        (2018, "平成30年度", "FY2018"),
        (2019, "令和元年度", "FY2019"),
        (2024, "令和6年度", "FY2024"),
    ],
)
def test_fiscal_year(year: int, ja: str, en: str) -> None:
    """令和 years count from 2019 (元年); English says FY and the starting year."""
    assert fmt.fiscal_year(year, "ja") == ja
    assert fmt.fiscal_year(year, "en") == en


def test_yen() -> None:
    """Yen with separators, and 万円 beside large amounts in Japanese."""
    assert fmt.yen(5_600_000) == "5,600,000円"
    assert fmt.yen(5_600_000, "en") == "¥5,600,000"
    assert fmt.yen_long(5_600_000) == "5,600,000円（560万円）"
    assert fmt.yen_long(5_600_000, "en") == "¥5,600,000"
    assert fmt.man_yen(125_000) == "12.5万円"
    assert fmt.yen_long(9_999) == "9,999円"


def test_signed_change() -> None:
    """Changes carry their sign; a true minus sign, not a hyphen."""
    assert [fmt.signed(v) for v in (161, -28, 0)] == ["+161", "−28", "±0"]


def test_percent_and_people() -> None:
    """Shares keep one decimal; people are counted per language."""
    assert fmt.percent(44.929) == "44.9%"
    assert fmt.people(779) == "779人"
    assert fmt.people(779, "en") == "779 people"

"""The refund estimate: worked examples, properties, bad input and speed."""

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigyojin import rules, subsidy
from kigyojin.rules import InputError
from kigyojin.subsidy import ItemRow, RefundRow, estimate


def test_worked_example_of_domain_md() -> None:
    """企業派遣型 2025-10 to 2027-03 at ¥6,000,000 a year, as DOMAIN.md §4 says."""
    result = estimate(
        "dispatch", date(2025, 10, 1), date(2027, 3, 31), contribution=6_000_000
    )
    assert result.rows == (
        RefundRow(2025, 6, 3_000_000, 2_800_000, 2_800_000, 200_000, "assumed"),
        RefundRow(2026, 12, 6_000_000, 5_600_000, 5_600_000, 400_000, "assumed"),
    )
    assert (result.total_refund, result.total_burden, result.months) == (
        8_400_000,
        600_000,
        18,
    )


def test_official_year_is_not_an_estimate() -> None:
    """A whole FY2024 of contribution uses only official and quoted rules."""
    result = estimate(
        "dispatch", date(2024, 4, 1), date(2025, 3, 31), contribution=5_000_000
    )
    assert result.rows == (
        RefundRow(2024, 12, 5_000_000, 5_600_000, 5_000_000, 0, "quoted"),
    )
    assert result.items == (
        ItemRow(
            2024, "contribution", 12, 5_000_000, 5_600_000, 1.0, 5_000_000, 0, "quoted"
        ),
    )


def test_every_dispatch_item_with_its_rate() -> None:
    """Proposal projects and preparation are refunded at half, up to ¥1,000,000."""
    result = estimate(
        "dispatch",
        date(2024, 4, 1),
        date(2025, 9, 30),
        contribution=4_800_000,
        proposal=3_000_000,
        preparation=1_500_000,
    )
    # fiscal_year, item, months, cost, cap, rate, refund, burden, confidence
    assert [tuple(row.__dict__.values()) for row in result.items] == [
        (2024, "contribution", 12, 4_800_000, 5_600_000, 1.0, 4_800_000, 0, "quoted"),
        (2024, "proposal", 12, 3_000_000, 1_000_000, 0.5, 500_000, 2_500_000, "quoted"),
        (2024, "preparation", 12, 1_500_000, 1e6, 0.5, 500_000, 1_000_000, "quoted"),
        (2025, "contribution", 6, 2_400_000, 2_800_000, 1.0, 2_400_000, 0, "assumed"),
        (2025, "proposal", 6, 1_500_000, 500_000, 0.5, 250_000, 1_250_000, "assumed"),
        (2025, "preparation", 6, 1_500_000, 1e6, 0.5, 500_000, 1_000_000, "assumed"),
    ]
    assert result.rows == (
        RefundRow(2024, 12, 9_300_000, 7_600_000, 5_800_000, 3_500_000, "quoted"),
        RefundRow(2025, 6, 5_400_000, 4_300_000, 3_150_000, 2_250_000, "assumed"),
    )


def test_side_job_with_a_started_month() -> None:
    """副業型 over 6 months from mid-October touches 7 months: each counts whole."""
    result = estimate(
        "side_job",
        date(2025, 10, 15),
        date(2026, 4, 14),
        fee=1_200_000,
        travel=300_000,
    )
    assert result.to_frame().to_dict("records") == [
        {
            "fiscal_year": 2025,
            "months": 6,
            "cost": 750_000,
            "cap": 1_000_000,
            "refund": 650_000,
            "burden": 100_000,
            "confidence": "assumed",
        },
        {
            "fiscal_year": 2026,
            "months": 1,
            "cost": 125_000,
            "cap": 166_666,
            "refund": 108_333,
            "burden": 16_667,
            "confidence": "assumed",
        },
        {
            "fiscal_year": None,
            "months": 7,
            "cost": 875_000,
            "cap": 1_166_666,
            "refund": 758_333,
            "burden": 116_667,
            "confidence": "assumed",
        },
    ]


def test_nothing_entered_refunds_nothing() -> None:
    """With every amount at 0 the years are listed with nothing in them."""
    result = estimate("dispatch", date(2025, 4, 1), date(2025, 9, 30))
    assert result.rows == (RefundRow(2025, 6, 0, 0, 0, 0, "official"),)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 10, 1), date(2027, 3, 31), {2025: 6, 2026: 12}),
        (date(2025, 3, 31), date(2025, 4, 1), {2024: 1, 2025: 1}),
        (date(2025, 4, 1), date(2028, 3, 31), {2025: 12, 2026: 12, 2027: 12}),
    ],
)
def test_months_by_fiscal_year(start: date, end: date, expected: dict) -> None:
    """Months are split at 1 April; a month with one day of the period counts."""
    assert subsidy.months_by_fiscal_year(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 10, 1), date(2026, 3, 31), 6),
        (date(2025, 10, 1), date(2026, 3, 30), 5),
        (date(2025, 1, 31), date(2025, 7, 30), 6),
        (date(2024, 2, 29), date(2027, 2, 26), 35),
        (date(2024, 2, 29), date(2027, 2, 27), 36),
    ],
)
def test_full_months(start: date, end: date, months: int) -> None:
    """Whole months of a period, both days included; 29 Feb + 36 months = 28 Feb."""
    assert subsidy.full_months(start, end) == months


BAD_INPUT = [
    (
        ("dispatch", date(2026, 10, 1), date(2025, 10, 1)),
        {},
        "The end (2025-10-01) is before the start (2026-10-01). Choose an end on or "
        "after the start.",
        "終了日（2025-10-01）が開始日（2026-10-01）より前です。終了日を開始日以降にして"
        "ください。",
    ),
    (
        ("dispatch", date(2025, 10, 1), date(2026, 3, 30)),
        {},
        "2025-10-01 to 2026-03-30 is too short: a period of the type “Company "
        "dispatch” must last at least 6 months.",
        "2025-10-01～2026-03-30 は企業派遣型の期間として短すぎます。期間は6か月以上"
        "必要です。",
    ),
    (
        ("side_job", date(2025, 10, 1), date(2028, 10, 1)),
        {},
        "2025-10-01 to 2028-10-01 is too long: a period of the type “Side job” may "
        "last at most 36 months (3 years).",
        "2025-10-01～2028-10-01 は副業型の期間として長すぎます。期間は36か月（3年）"
        "までです。",
    ),
    (
        ("dispatch", date(2019, 10, 1), date(2020, 10, 1)),
        {},
        "2019-10-01 is outside the fiscal years of the rules we know for the type "
        "“Company dispatch” (FY2021 to FY2030). Choose a date in that range.",
        "2019-10-01 は、企業派遣型について当方が把握している規則の年度（令和3年度～"
        "令和12年度）の外です。この範囲の日付を選んでください。",
    ),
    (
        ("side_job", date(2023, 10, 1), date(2024, 9, 30)),
        {},
        "2023-10-01 is outside the fiscal years of the rules we know for the type "
        "“Side job” (FY2024 to FY2030). Choose a date in that range.",
        "2023-10-01 は、副業型について当方が把握している規則の年度（令和6年度～"
        "令和12年度）の外です。この範囲の日付を選んでください。",
    ),
    (
        ("dispatch", date(2025, 10, 1), date(2026, 9, 30)),
        {"contribution": -1},
        "The amount for Contribution to the company (salary etc.) is negative. "
        "Enter ¥0 or more.",
        "負担金（給与等） の金額がマイナスです。0円以上を入力してください。",
    ),
    (
        ("dispatch", date(2025, 10, 1), date(2026, 9, 30)),
        {"proposal": 200_000_000},
        "The amount for Projects proposed by the 起業人, ¥200,000,000, exceeds "
        "¥100,000,000 a year; we treat it as a typing error.",
        "発案・提案事業 の金額 200,000,000円 は年間 100,000,000円 を超えており、"
        "入力誤りとみなします。",
    ),
    (
        ("dispatch", date(2025, 10, 1), date(2026, 9, 30)),
        {"travel": float("nan")},
        "The amount for Travel, “nan”, is not a number.",
        "旅費 の金額「nan」は数値ではありません。",
    ),
    (
        ("side_job", date(2025, 10, 1), date(2026, 9, 30)),
        {"contribution": 5_000_000},
        "The rules file has no refund of “Contribution to the company (salary etc.)” "
        "for the type “Side job” in FY2025 (refunded: Fee to the individual, "
        "Travel). Leave this amount at 0.",
        "副業型の令和7年度の措置対象として「負担金（給与等）」は規則ファイルにありま"
        "せん（対象：報償費等、旅費）。この金額は 0 にしてください。",
    ),
    (
        ("company", date(2025, 10, 1), date(2026, 9, 30)),
        {},
        "“company” is not a type of the programme (dispatch = company dispatch, "
        "side_job = side job).",
        "「company」は制度の型ではありません（dispatch＝企業派遣型、side_job＝副業型）。",
    ),
    (
        ("dispatch", "2025-10-01", date(2026, 9, 30)),
        {},
        "The start “2025-10-01” is not a date.",
        "開始日「2025-10-01」は日付ではありません。",
    ),
]


@pytest.mark.parametrize(("args", "amounts", "en", "ja"), BAD_INPUT)
def test_bad_input_says_what_to_change(
    args: tuple, amounts: dict, en: str, ja: str
) -> None:
    """Each bad input raises a ValueError whose message exists in both languages."""
    with pytest.raises(ValueError) as caught:
        estimate(*args, **amounts)
    assert isinstance(caught.value, InputError)
    assert (caught.value.message("en"), caught.value.message("ja")) == (en, ja)
    assert str(caught.value) == en


def test_an_official_corrects_a_cap_in_the_rules_file(data_copy: Path) -> None:
    """Changing the FY2025 cap in data/rules.toml changes the estimate, no code."""
    path = data_copy / "rules.toml"
    text = path.read_text(encoding="utf-8")
    old = 'fiscal_years = [2025, 2030]\nvalue = 5_600_000\nconfidence = "assumed"'
    assert old in text
    new = 'fiscal_years = [2025, 2030]\nvalue = 6_000_000\nconfidence = "official"'
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = estimate(
        "dispatch", date(2026, 4, 1), date(2027, 3, 31), contribution=6_500_000
    )
    assert result.rows == (
        RefundRow(2026, 12, 6_500_000, 6_000_000, 6_000_000, 500_000, "quoted"),
    )


def test_one_estimate_takes_under_5_ms() -> None:
    """A three-year estimate with every item is fast enough to run on each keystroke."""
    args = ("dispatch", date(2025, 7, 15), date(2028, 7, 14))
    amounts = {"contribution": 7e6, "proposal": 2e6, "preparation": 1e6}
    estimate(*args, **amounts)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        estimate(*args, **amounts)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.005


# --- Properties ---------------------------------------------------------------------

KNOWN = {kind: rules.load().fiscal_years(kind) for kind in subsidy.KINDS}
amounts = st.integers(min_value=0, max_value=100_000_000)


@st.composite
def plans(draw):
    """A valid period of either type, and amounts for the items it refunds."""
    kind = draw(st.sampled_from(subsidy.KINDS))
    years = KNOWN[kind]
    start = draw(
        st.dates(min_value=date(years[0], 4, 1), max_value=date(years[-1] - 3, 3, 31))
    )
    months = draw(st.integers(min_value=6, max_value=36))
    latest = subsidy.add_months(start, 36) - timedelta(days=1)
    end = draw(
        st.dates(
            min_value=subsidy.add_months(start, months) - timedelta(days=1),
            max_value=latest,
        )
    )
    items = rules.load().items(kind, subsidy.fiscal_year_of(start))
    return kind, start, end, {item: draw(amounts) for item in items}


@settings(max_examples=200, deadline=None)
@given(plans())
def test_refund_never_exceeds_cost_or_cap(plan) -> None:
    """Each line's refund is at most its cost and its prorated cap; burden ≥ 0."""
    kind, start, end, entered = plan
    result = estimate(kind, start, end, **entered)
    loaded = rules.load()
    for line in result.items:
        yearly = loaded.get(f"{line.item}_cap", kind, line.fiscal_year).value
        prorated = (
            yearly * line.months // 12
            if loaded.get(f"{line.item}_prorate", kind, line.fiscal_year).value
            else yearly
        )
        assert 0 <= line.refund <= min(line.cost, line.cap)
        assert line.cap == prorated
        assert line.burden == line.cost - line.refund >= 0
    for row in result.rows:
        assert 0 <= row.refund <= min(row.cost, row.cap)
        assert row.burden >= 0


@settings(max_examples=200, deadline=None)
@given(plans())
def test_months_add_up_to_the_period(plan) -> None:
    """The months of the rows are the calendar months the period touches."""
    kind, start, end, entered = plan
    result = estimate(kind, start, end, **entered)
    touched = (end.year - start.year) * 12 + end.month - start.month + 1
    assert result.months == sum(row.months for row in result.rows) == touched
    assert [row.fiscal_year for row in result.rows] == list(
        range(subsidy.fiscal_year_of(start), subsidy.fiscal_year_of(end) + 1)
    )
    assert result.total_refund + result.total_burden == result.total_cost

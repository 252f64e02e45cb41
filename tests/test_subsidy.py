"""The refund estimate: worked examples, properties, bad input and speed."""

import calendar
import math
import time
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigyojin import rules, subsidy
from kigyojin.rules import InputError, Length
from kigyojin.subsidy import AmountField, ItemRow, RefundRow, estimate


def test_worked_example_of_domain_md() -> None:
    """企業派遣型 2025-10 to 2027-03 at ¥6,000,000 a year, as DOMAIN.md §4 says."""
    result = estimate(
        "dispatch", date(2025, 10, 1), date(2027, 3, 31), contribution=6_000_000
    )
    assert result.rows == (
        RefundRow(2025, 6, 6.0, 3_000_000, 2_800_000, 2_800_000, 200_000, "assumed"),
        RefundRow(2026, 12, 12.0, 6_000_000, 5_600_000, 5_600_000, 400_000, "assumed"),
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
        RefundRow(2024, 12, 12.0, 5_000_000, 5_600_000, 5_000_000, 0, "quoted"),
    )
    assert result.items == (
        ItemRow(
            2024,
            "contribution",
            12,
            12.0,
            5_000_000,
            5_600_000,
            1.0,
            5_000_000,
            0,
            "quoted",
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
    # fiscal_year, item, months, cost, cap, rate, refund, burden, confidence (the
    # period's months, 12.0 and 6.0, left out)
    assert [
        tuple(v for k, v in row.__dict__.items() if k != "period_months")
        for row in result.items
    ] == [
        (2024, "contribution", 12, 4_800_000, 5_600_000, 1.0, 4_800_000, 0, "quoted"),
        (2024, "proposal", 12, 3_000_000, 1_000_000, 0.5, 500_000, 2_500_000, "quoted"),
        (2024, "preparation", 12, 1_500_000, 1e6, 0.5, 500_000, 1_000_000, "quoted"),
        (2025, "contribution", 6, 2_400_000, 2_800_000, 1.0, 2_400_000, 0, "assumed"),
        (2025, "proposal", 6, 1_500_000, 500_000, 0.5, 250_000, 1_250_000, "assumed"),
        (2025, "preparation", 6, 1_500_000, 1e6, 0.5, 500_000, 1_000_000, "assumed"),
    ]
    assert [row.period_months for row in result.items] == [12.0] * 3 + [6.0] * 3
    assert result.rows == (
        RefundRow(2024, 12, 12.0, 9_300_000, 7_600_000, 5_800_000, 3_500_000, "quoted"),
        RefundRow(2025, 6, 6.0, 5_400_000, 4_300_000, 3_150_000, 2_250_000, "assumed"),
    )


def test_side_job_with_a_started_month() -> None:
    """副業型 from mid-October: the cost by days, the cap by started months."""
    result = estimate(
        "side_job",
        date(2025, 10, 15),
        date(2026, 4, 14),
        fee=1_200_000,
        travel=300_000,
    )
    # FY2025: 17/31 of October and 5 whole months; fee 1,200,000 × (172/31) / 12
    # = 554,838 over a cap of 500,000 (6 started months), travel 138,709.
    # FY2026: 14/30 of April; fee 46,666, travel 11,666 under caps of 83,333.
    assert result.to_frame().to_dict("records") == [
        {
            "fiscal_year": 2025,
            "months": 6,
            "period_months": 172 / 31,
            "cost": 693_547,
            "cap": 1_000_000,
            "refund": 638_709,
            "burden": 54_838,
            "confidence": "assumed",
        },
        {
            "fiscal_year": 2026,
            "months": 1,
            "period_months": 14 / 30,
            "cost": 58_332,
            "cap": 166_666,
            "refund": 58_332,
            "burden": 0,
            "confidence": "assumed",
        },
        {
            "fiscal_year": None,
            "months": 7,
            "period_months": float(Fraction(172, 31) + Fraction(14, 30)),
            "cost": 751_879,
            "cap": 1_166_666,
            "refund": 697_041,
            "burden": 54_838,
            "confidence": "assumed",
        },
    ]
    assert result.length == Length(6, 0)


def test_mid_month_dispatch_costs_what_its_days_cost() -> None:
    """The auditor's case: 15 Oct to 14 Apr at ¥6,000,000 costs about 6 months,
    not the 7 started months (¥3,500,000), and the refund stays under it."""
    result = estimate(
        "dispatch", date(2025, 10, 15), date(2026, 4, 14), contribution=6_000_000
    )
    assert result.rows == (
        RefundRow(2025, 6, 172 / 31, 2_774_193, 2_800_000, 2_774_193, 0, "assumed"),
        RefundRow(2026, 1, 14 / 30, 233_333, 466_666, 233_333, 0, "assumed"),
    )
    assert (result.total_cost, result.total_refund, result.months) == (
        3_007_526,
        3_007_526,
        7,
    )


def test_fractional_yen_are_rounded_before_anything() -> None:
    """0.4 yen is nothing entered (no cap either); 0.6 is 1 yen, 2.5 is 3 yen."""
    period = ("dispatch", date(2025, 10, 1), date(2026, 3, 31))
    assert estimate(*period, contribution=0.4).rows == (
        RefundRow(2025, 6, 6.0, 0, 0, 0, 0, "official"),
    )
    assert estimate(*period, contribution=0.6).rows == (
        RefundRow(2025, 6, 6.0, 0, 2_800_000, 0, 0, "assumed"),
    )
    assert estimate(*period, contribution=2.5, preparation=2.5).items == (
        ItemRow(2025, "contribution", 6, 6.0, 1, 2_800_000, 1.0, 1, 0, "assumed"),
        ItemRow(2025, "preparation", 6, 6.0, 3, 1_000_000, 0.5, 1, 2, "assumed"),
    )
    # A side job has no contribution: 0.4 of it is nothing, not an error.
    side_job = estimate(
        "side_job", date(2025, 10, 1), date(2026, 3, 31), fee=0, contribution=0.4
    )
    assert side_job.rows == (RefundRow(2025, 6, 6.0, 0, 0, 0, 0, "official"),)


@pytest.mark.parametrize(
    ("start", "end", "length", "en", "ja"),
    [
        (date(2025, 10, 1), date(2026, 3, 31), Length(6, 0), "6 months", "6か月"),
        (
            date(2025, 4, 1),
            date(2028, 4, 1),
            Length(36, 1),
            "36 months and 1 day",
            "36か月と1日",
        ),
        (
            date(2025, 10, 15),
            date(2026, 11, 30),
            Length(13, 16),
            "13 months and 16 days",
            "13か月と16日",
        ),
        (date(2025, 10, 1), date(2025, 10, 31), Length(1, 0), "1 month", "1か月"),
        (date(2025, 10, 1), date(2025, 10, 2), Length(0, 2), "2 days", "2日"),
        (date(2025, 10, 1), date(2025, 10, 1), Length(0, 1), "1 day", "1日"),
    ],
)
def test_period_length_in_words(
    start: date, end: date, length: Length, en: str, ja: str
) -> None:
    """Whole months and the days over, singular where it is one."""
    assert subsidy.period_length(start, end) == length
    assert (length.text("en"), length.text("ja")) == (en, ja)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 10, 1), date(2027, 3, 31), {2025: 6, 2026: 12}),
        (
            date(2025, 10, 15),
            date(2026, 4, 14),
            {2025: Fraction(172, 31), 2026: Fraction(7, 15)},
        ),
        (date(2024, 2, 1), date(2024, 2, 29), {2023: 1}),
        (
            date(2025, 3, 31),
            date(2025, 4, 1),
            {2024: Fraction(1, 31), 2025: Fraction(1, 30)},
        ),
    ],
)
def test_month_shares(start: date, end: date, expected: dict) -> None:
    """A part month counts by its share of days; a whole month (29 Feb too) is 1."""
    assert subsidy.month_shares(start, end) == expected


def test_amount_fields_of_each_type() -> None:
    """The first item defaults to its cap; preparation is per fiscal year."""
    limit = 100_000_000
    assert subsidy.amount_fields("dispatch", date(2025, 10, 1)) == (
        AmountField("contribution", False, 5_600_000, limit),
        AmountField("proposal", False, 0, limit),
        AmountField("preparation", True, 0, limit),
    )
    assert subsidy.amount_fields("side_job", date(2026, 3, 31)) == (
        AmountField("fee", False, 1_000_000, limit),
        AmountField("travel", False, 0, limit),
    )
    with pytest.raises(InputError) as caught:
        subsidy.amount_fields("side_job", date(2024, 3, 31))
    assert caught.value.message("en") == (
        "2024-03-31 is outside the fiscal years of the rules we know for the type "
        "“Side job” (FY2024 to FY2030). Choose a date in that range."
    )


@pytest.mark.parametrize(
    ("kind", "today", "start", "end"),
    [
        ("dispatch", date(2026, 12, 4), date(2027, 1, 1), date(2027, 12, 31)),
        ("side_job", date(2020, 1, 1), date(2024, 4, 1), date(2025, 3, 31)),
        ("dispatch", date(2031, 3, 10), date(2031, 3, 31), date(2031, 3, 31)),
    ],
)
def test_default_period(kind: str, today: date, start: date, end: date) -> None:
    """Next month's first day for a year, kept within the years of the rules."""
    assert subsidy.default_start(kind, today) == start
    assert subsidy.default_end(kind, start) == end
    assert subsidy.default_end("dispatch", date(2027, 5, 15)) == date(2028, 5, 14)
    assert subsidy.date_range(kind) == (
        (date(2021, 4, 1), date(2031, 3, 31))
        if kind == "dispatch"
        else (date(2024, 4, 1), date(2031, 3, 31))
    )


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
        "2025-10-01 to 2026-03-30 (5 months and 30 days) is too short: a period of "
        "the type “Company dispatch” must last at least 6 months.",
        "2025-10-01～2026-03-30（5か月と30日）は企業派遣型の期間として短すぎます。"
        "期間は6か月以上必要です。",
    ),
    (
        ("side_job", date(2025, 10, 1), date(2028, 10, 1)),
        {},
        "2025-10-01 to 2028-10-01 (36 months and 1 day) is too long: a period of the "
        "type “Side job” may last at most 36 months (3 years).",
        "2025-10-01～2028-10-01（36か月と1日）は副業型の期間として長すぎます。期間は"
        "36か月（3年）までです。",
    ),
    (
        ("dispatch", date(2019, 10, 1), date(2021, 4, 1)),
        {},
        "2019-10-01 is outside the fiscal years of the rules we know for the type "
        "“Company dispatch” (FY2021 to FY2030). Choose a date in that range.",
        "2019-10-01 は、企業派遣型について当方が把握している規則の年度（令和3年度～"
        "令和12年度）の外です。この範囲の日付を選んでください。",
    ),
    (
        ("dispatch", date(2019, 10, 1), date(2031, 4, 1)),
        {},
        "2019-10-01, 2031-04-01 are outside the fiscal years of the rules we know for "
        "the type “Company dispatch” (FY2021 to FY2030). Choose dates in that range.",
        "2019-10-01、2031-04-01 は、企業派遣型について当方が把握している規則の年度"
        "（令和3年度～令和12年度）の外です。この範囲の日付を選んでください。",
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
        RefundRow(2026, 12, 12.0, 6_500_000, 6_000_000, 6_000_000, 500_000, "quoted"),
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


def _true_shares(start: date, end: date) -> dict[int, Fraction]:
    """Day by day: each day is 1/(days in its month) of a month of its fiscal year."""
    shares: dict[int, Fraction] = {}
    day = start
    while day <= end:
        year = subsidy.fiscal_year_of(day)
        days = calendar.monthrange(day.year, day.month)[1]
        shares[year] = shares.get(year, Fraction(0)) + Fraction(1, days)
        day += timedelta(days=1)
    return shares


@settings(max_examples=200, deadline=None)
@given(plans())
def test_refund_never_exceeds_cost_or_cap(plan) -> None:
    """Each line costs what its days cost, and its refund is at most that cost and
    its prorated cap (months started); burden ≥ 0."""
    kind, start, end, entered = plan
    result = estimate(kind, start, end, **entered)
    loaded = rules.load()
    shares = _true_shares(start, end)
    for line in result.items:
        amount = entered[line.item]
        true_cost = (
            amount
            if line.item in subsidy.PER_FISCAL_YEAR
            else math.floor(amount * shares[line.fiscal_year] / 12)
        )
        yearly = loaded.get(f"{line.item}_cap", kind, line.fiscal_year).value
        prorated = (
            yearly * line.months // 12
            if loaded.get(f"{line.item}_prorate", kind, line.fiscal_year).value
            else yearly
        )
        assert line.cost == true_cost
        assert 0 <= line.refund <= min(true_cost, line.cap)
        assert line.cap == prorated
        assert line.burden == line.cost - line.refund >= 0
    for row in result.rows:
        assert 0 <= row.refund <= min(row.cost, row.cap)
        assert row.burden >= 0


@settings(max_examples=200, deadline=None)
@given(plans())
def test_months_add_up_to_the_period(plan) -> None:
    """Cap months are the calendar months the period touches; the period's months
    are its days, month by month."""
    kind, start, end, entered = plan
    result = estimate(kind, start, end, **entered)
    touched = (end.year - start.year) * 12 + end.month - start.month + 1
    assert result.months == sum(row.months for row in result.rows) == touched
    shares = _true_shares(start, end)
    assert [row.period_months for row in result.rows] == [
        float(shares[row.fiscal_year]) for row in result.rows
    ]
    assert result.period_months == float(sum(shares.values()))
    assert [row.fiscal_year for row in result.rows] == list(
        range(subsidy.fiscal_year_of(start), subsidy.fiscal_year_of(end) + 1)
    )
    assert result.total_refund + result.total_burden == result.total_cost

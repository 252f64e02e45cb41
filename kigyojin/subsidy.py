"""What the state refunds a host municipality (特別交付税措置), per fiscal year.

`estimate(kind, start, end, contribution=…, …)` spreads each yearly amount over the
part of the period in each fiscal year, applies the cap and rate the rules file
gives for that type and year, and says what the municipality bears. Working rules,
kept in `data/rules.toml` with their confidence:

- a fiscal year runs April to March;
- the cost of an item in a fiscal year is its yearly amount × period months / 12,
  where a calendar month counts by the share of its days in the period (15 of 30
  days = 0.5): the cost is what the period really costs;
- its cap is the yearly cap, × cap months / 12 where the rules prorate it, a month
  with at least one day of the period counting whole (DOMAIN.md §4);
- refund = min(cost, cap) × rate; burden = cost − refund. Amounts are rounded to
  whole yen first, results rounded down (the refund never exceeds the cap).

Only the items entered (not 0 once rounded) count, so a year's `cap` is the sum of
the caps of what was entered. `preparation` is a cost per fiscal year of the
municipality, not spread over months.
"""

import calendar
import math
import numbers
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

import pandas as pd

from kigyojin import rules as rules_module
from kigyojin.rules import (
    FiscalYear,
    InputError,
    Length,
    Term,
    item_term,
    kind_term,
    weakest,
)

KINDS = rules_module.KINDS
ITEMS = rules_module.ITEMS
MONTHS_PER_YEAR = 12
FISCAL_YEAR_START_MONTH = 4  # April
# Items entered as yen per fiscal year, whatever the months; the others per year of
# dispatch, spread over its months.
PER_FISCAL_YEAR = ("preparation",)


@dataclass(frozen=True)
class ItemRow:
    """One refund item in one fiscal year."""

    fiscal_year: int
    item: str
    months: int  # for the cap: calendar months touched, a started month whole
    period_months: float  # the period's length here, part months by their days
    cost: int
    cap: int
    rate: float
    refund: int
    burden: int
    confidence: str  # the least sure of the rules used for this line


@dataclass(frozen=True)
class RefundRow:
    """One fiscal year of the estimate, all items together."""

    fiscal_year: int  # the calendar year in which it starts
    months: int  # for the cap: calendar months touched, a started month whole
    period_months: float  # the period's length here, part months by their days
    cost: int
    cap: int
    refund: int
    burden: int  # what the municipality bears: cost − refund
    confidence: str


@dataclass(frozen=True)
class Estimate:
    """The refund of a planned dispatch, per fiscal year and per item."""

    kind: str
    start: date
    end: date
    rows: tuple[RefundRow, ...]
    items: tuple[ItemRow, ...]

    @property
    def months(self) -> int:
        """Months counted for the caps: every calendar month the period touches."""
        return sum(row.months for row in self.rows)

    @property
    def period_months(self) -> float:
        """The period's length in months, part months by the share of their days."""
        return float(sum(month_shares(self.start, self.end).values()))

    @property
    def length(self) -> Length:
        """The period's length in whole months and days (6 months and 14 days)."""
        return period_length(self.start, self.end)

    @property
    def total_cost(self) -> int:
        return sum(row.cost for row in self.rows)

    @property
    def total_refund(self) -> int:
        return sum(row.refund for row in self.rows)

    @property
    def total_burden(self) -> int:
        return sum(row.burden for row in self.rows)

    @property
    def confidence(self) -> str:
        """The least sure confidence of every line: "official" or 目安."""
        return weakest(row.confidence for row in self.rows)

    def to_frame(self) -> pd.DataFrame:
        """The rows as a table with a total row last (fiscal_year empty)."""
        frame = pd.DataFrame([row.__dict__ for row in self.rows])
        total = {
            "fiscal_year": None,
            "months": self.months,
            "period_months": self.period_months,
            "cost": self.total_cost,
            "cap": sum(row.cap for row in self.rows),
            "refund": self.total_refund,
            "burden": self.total_burden,
            "confidence": self.confidence,
        }
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
        return frame

    def items_frame(self) -> pd.DataFrame:
        """Every item line as a table."""
        return pd.DataFrame([row.__dict__ for row in self.items])


def fiscal_year_of(day: date) -> int:
    """The fiscal year (by the calendar year it starts in) that `day` falls in."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def months_by_fiscal_year(start: date, end: date) -> dict[int, int]:
    """Months of the period in each fiscal year; a started month counts as whole."""
    result: dict[int, int] = {}
    first = start.year * MONTHS_PER_YEAR + start.month - 1
    last = end.year * MONTHS_PER_YEAR + end.month - 1
    for index in range(first, last + 1):
        year, month = divmod(index, MONTHS_PER_YEAR)
        fiscal_year = year if month + 1 >= FISCAL_YEAR_START_MONTH else year - 1
        result[fiscal_year] = result.get(fiscal_year, 0) + 1
    return result


def month_shares(start: date, end: date) -> dict[int, Fraction]:
    """The period's months in each fiscal year, each calendar month counting by the
    share of its days in the period (1–15 June = 1/2; a whole month = 1)."""
    result: dict[int, Fraction] = {}
    first = start.year * MONTHS_PER_YEAR + start.month - 1
    last = end.year * MONTHS_PER_YEAR + end.month - 1
    for index in range(first, last + 1):
        year, month = divmod(index, MONTHS_PER_YEAR)
        days = calendar.monthrange(year, month + 1)[1]
        since = max(start, date(year, month + 1, 1))
        until = min(end, date(year, month + 1, days))
        fiscal_year = year if month + 1 >= FISCAL_YEAR_START_MONTH else year - 1
        share = Fraction((until - since).days + 1, days)
        result[fiscal_year] = result.get(fiscal_year, Fraction(0)) + share
    return result


def months_text(months: float) -> str:
    """Months as shown: 12, or a part to two decimals (5.55)."""
    rounded = round(months, 2)
    return f"{rounded:g}" if rounded.is_integer() else f"{rounded:.2f}"


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, kept within the month (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * MONTHS_PER_YEAR + day.month - 1 + months
    year, month = divmod(index, MONTHS_PER_YEAR)
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def full_months(start: date, end: date) -> int:
    """Whole months from `start` to `end`, both days included (Oct 1–Mar 31 = 6)."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * MONTHS_PER_YEAR + after.month - start.month
    return months if add_months(start, months) <= after else months - 1


def period_length(start: date, end: date) -> Length:
    """Whole months and the days left over, both days included (36 months, 1 day)."""
    months = full_months(start, end)
    days = (end + timedelta(days=1) - add_months(start, months)).days
    return Length(months, days)


def date_range(kind: str, rules: rules_module.Rules | None = None) -> tuple[date, date]:
    """The first and last day of the fiscal years the rules of `kind` know."""
    years = (rules or rules_module.load()).fiscal_years(kind)
    if not years:
        raise InputError("check.error_kind", value=str(kind)[:40])
    return (
        date(years[0], FISCAL_YEAR_START_MONTH, 1),
        date(years[-1] + 1, FISCAL_YEAR_START_MONTH, 1) - timedelta(days=1),
    )


def default_start(
    kind: str, today: date, rules: rules_module.Rules | None = None
) -> date:
    """Where a new estimate starts: the 1st of next month, within the rules' years."""
    first, last = date_range(kind, rules)
    return min(max(add_months(today.replace(day=1), 1), first), last)


def default_end(
    kind: str, start: date, rules: rules_module.Rules | None = None
) -> date:
    """Where it ends: a year after `start` (the day before), within the rules' years."""
    first, last = date_range(kind, rules)
    end = add_months(start, MONTHS_PER_YEAR) - timedelta(days=1)
    return min(max(end, first), last)


@dataclass(frozen=True)
class AmountField:
    """One amount the estimate asks for: its item, unit and bounds."""

    item: str
    per_fiscal_year: bool  # yen per fiscal year, not per year of dispatch
    default: int
    maximum: int


def amount_fields(
    kind: str, start: date, rules: rules_module.Rules | None = None
) -> tuple[AmountField, ...]:
    """The amounts to ask for: every item `kind` refunds in the year of `start`.

    The first item (the main cost: the contribution, or the side job's fee)
    defaults to its yearly cap, so a first estimate shows the largest refund; the
    others to 0, since not every dispatch has them. Raises `InputError` for a
    type or a start the rules do not know.
    """
    rules = rules or rules_module.load()
    check_dates(kind, start, start, rules)
    fiscal_year = fiscal_year_of(start)
    limit = int(rules.get("max_amount_per_year", kind, fiscal_year).value)
    return tuple(
        AmountField(
            item,
            item in PER_FISCAL_YEAR,
            int(rules.get(f"{item}_cap", kind, fiscal_year).value) if index == 0 else 0,
            limit,
        )
        for index, item in enumerate(rules.items(kind, fiscal_year))
    )


def check_period(
    kind: str, start: date, end: date, rules: rules_module.Rules | None = None
) -> None:
    """Raise `InputError` unless the dates are a period the rules know and allow."""
    rules = rules or rules_module.load()
    check_dates(kind, start, end, rules)
    fiscal_year = fiscal_year_of(start)
    low = rules.get("period_min_months", kind, fiscal_year).value
    high = rules.get("period_max_months", kind, fiscal_year).value
    months = full_months(start, end)
    if months < low:
        raise InputError(
            "check.error_period_short",
            kind=kind_term(kind),
            start=start,
            end=end,
            length=period_length(start, end),
            minimum=low,
        )
    if add_months(start, high) <= end:
        raise InputError(
            "check.error_period_long",
            kind=kind_term(kind),
            start=start,
            end=end,
            length=period_length(start, end),
            maximum=high,
            years=f"{high / MONTHS_PER_YEAR:g}",
        )


def check_dates(kind: str, start: date, end: date, rules: rules_module.Rules) -> None:
    """Raise `InputError` for a bad type, non-dates, end before start, unknown years."""
    if kind not in KINDS:
        raise InputError("check.error_kind", value=str(kind)[:40])
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise InputError(
                "check.error_not_date",
                field=Term(f"check.field_{name}"),
                value=str(value)[:40],
            )
    if end < start:
        raise InputError("check.error_end_before_start", start=start, end=end)
    known = rules.fiscal_years(kind)
    # Both dates named when both are outside: a link may hold two such dates.
    outside = tuple(
        dict.fromkeys(d for d in (start, end) if fiscal_year_of(d) not in known)
    )
    if outside:
        raise InputError(
            "check.error_outside_rules"
            if len(outside) == 1
            else "check.error_outside_rules_both",
            kind=kind_term(kind),
            date=outside,
            first=FiscalYear(known[0]),
            last=FiscalYear(known[-1]),
        )


def estimate(
    kind: str,
    start: date,
    end: date,
    *,
    contribution: float = 0,
    proposal: float = 0,
    preparation: float = 0,
    fee: float = 0,
    travel: float = 0,
) -> Estimate:
    """The refund of a dispatch of `kind` from `start` to `end` (both included).

    Amounts are yen per year (`preparation`: yen per fiscal year, for the
    municipality). Raises `InputError` (a ValueError) for a bad period, a date
    outside the years the rules know, or a negative, absurd or inapplicable amount.
    """
    rules = rules_module.load()
    check_period(kind, start, end, rules)
    amounts = dict(
        zip(ITEMS, (contribution, proposal, preparation, fee, travel), strict=True)
    )
    months = months_by_fiscal_year(start, end)
    shares = month_shares(start, end)
    amounts = _check_amounts(kind, amounts, months, rules)

    items: list[ItemRow] = []
    rows: list[RefundRow] = []
    for fiscal_year, count in months.items():
        share = shares[fiscal_year]
        lines = [
            _item_row(kind, item, fiscal_year, count, share, amount, rules)
            for item, amount in amounts.items()
        ]
        items += lines
        rows.append(
            RefundRow(
                fiscal_year,
                count,
                float(share),
                sum(line.cost for line in lines),
                sum(line.cap for line in lines),
                sum(line.refund for line in lines),
                sum(line.burden for line in lines),
                weakest(line.confidence for line in lines),
            )
        )
    return Estimate(kind, start, end, tuple(rows), tuple(items))


def _check_amounts(
    kind: str,
    amounts: dict[str, float],
    months: dict[int, int],
    rules: rules_module.Rules,
) -> dict[str, int]:
    """Whole yen for each item entered (not 0 once rounded to the nearest yen);
    errors for anything it cannot take."""
    first = min(months)
    limit = rules.get("max_amount_per_year", kind, first).value
    result: dict[str, int] = {}
    for item, amount in amounts.items():
        if (
            isinstance(amount, bool)
            or not isinstance(amount, numbers.Real)
            or not math.isfinite(amount)
        ):
            raise InputError(
                "check.error_amount_not_number", item=item_term(item), value=amount
            )
        if amount < 0:
            raise InputError("check.error_amount_negative", item=item_term(item))
        # Whole yen, half up, before anything else: 0.4 is nothing entered, so it
        # adds no cap either.
        amount = math.floor(amount + 0.5)
        if amount > limit:
            raise InputError(
                "check.error_amount_absurd",
                item=item_term(item),
                value=f"{amount:,.0f}",
                limit=f"{limit:,}",
            )
        missing = [year for year in months if item not in rules.items(kind, year)]
        if missing:
            if amount:
                known = rules.items(kind, missing[0])
                raise InputError(
                    "check.error_item_unknown",
                    item=item_term(item),
                    kind=kind_term(kind),
                    first_year=FiscalYear(missing[0]),
                    known=tuple(item_term(i) for i in known),
                )
            continue
        if amount:
            result[item] = amount
    return result


def _item_row(
    kind: str,
    item: str,
    fiscal_year: int,
    months: int,
    share: Fraction,
    amount: int,
    rules: rules_module.Rules,
) -> ItemRow:
    cap_rule = rules.get(f"{item}_cap", kind, fiscal_year)
    rate_rule = rules.get(f"{item}_rate", kind, fiscal_year)
    prorate_rule = rules.get(f"{item}_prorate", kind, fiscal_year)
    used = [cap_rule, rate_rule]
    partial = months < MONTHS_PER_YEAR
    if partial:
        used.append(prorate_rule)  # prorating or not is a rule only in a part year
    # The cost is what the period really costs (its days); the cap counts a started
    # month whole, as DOMAIN.md §4 prorates it.
    if item in PER_FISCAL_YEAR:
        cost = amount
    else:
        cost = amount * share.numerator // (share.denominator * MONTHS_PER_YEAR)
    cap = cap_rule.value
    if prorate_rule.value:
        cap = cap * months // MONTHS_PER_YEAR
    # Rates are decimals such as 0.5: scale to an exact integer ratio first.
    numerator, denominator = float(rate_rule.value).as_integer_ratio()
    refund = min(cost, cap) * numerator // denominator
    return ItemRow(
        fiscal_year,
        item,
        months,
        float(share),
        cost,
        cap,
        rate_rule.value,
        refund,
        cost - refund,
        weakest(rule.confidence for rule in used),
    )

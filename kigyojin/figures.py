"""The programme's national figures: headline numbers, trends and FY2023 breakdowns.

Everything is computed from the shipped tables; shares are computed from counts, not
taken from the deck's rounded percentages.
"""

from dataclasses import dataclass

import pandas as pd

from kigyojin import data

MEASURES = ("people", "host_municipalities", "companies")
# How the deck groups the 10 routes by which an agreement began.
MUNICIPALITY_SIDE = "自治体側"
COMPANY_SIDE = "企業側"


@dataclass(frozen=True)
class Headline:
    """One headline figure of a fiscal year, with the change from the year before."""

    fiscal_year: int
    kind: str  # dispatch, side_job or total
    measure: str  # people, host_municipalities or companies
    value: int
    previous: int | None
    basis: str  # stated or derived
    source: str
    source_url: str | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous


def latest_fiscal_year() -> int:
    """The newest fiscal year in the national totals."""
    return int(data.load("national_totals")["fiscal_year"].max())


def headlines(fiscal_year: int | None = None) -> list[Headline]:
    """Every known figure of `fiscal_year` (default: the latest) by kind and measure."""
    totals = data.load("national_totals")
    year = latest_fiscal_year() if fiscal_year is None else fiscal_year
    previous = totals[totals["fiscal_year"] == year - 1].set_index("kind")
    result = []
    for row in totals[totals["fiscal_year"] == year].itertuples():
        for measure in MEASURES:
            value = getattr(row, measure)
            if pd.isna(value):
                continue
            before = None
            if row.kind in previous.index and pd.notna(previous.at[row.kind, measure]):
                before = int(previous.at[row.kind, measure])
            result.append(
                Headline(
                    year,
                    row.kind,
                    measure,
                    int(value),
                    before,
                    row.basis,
                    row.source,
                    row.source_url,
                )
            )
    return result


def trend() -> pd.DataFrame:
    """Per fiscal year and type: people, host municipalities and companies, long form.

    Columns: fiscal_year, kind, measure, value, basis. The `total` rows are left out:
    the two types are shown side by side instead.
    """
    totals = data.load("national_totals")
    by_kind = totals[totals["kind"].isin(data.KINDS)]
    long = by_kind.melt(
        id_vars=["fiscal_year", "kind", "basis"],
        value_vars=list(MEASURES),
        var_name="measure",
        value_name="value",
    ).dropna(subset=["value"])
    long["value"] = long["value"].astype(int)
    return long.sort_values(["measure", "fiscal_year", "kind"]).reset_index(drop=True)[
        ["fiscal_year", "kind", "measure", "value", "basis"]
    ]


def agreement_origins() -> pd.DataFrame:
    """The 10 routes by which FY2023 agreements began, with shares from the counts."""
    origins = data.load("agreement_origins").copy()
    origins["share"] = origins["people"] / origins["people"].sum() * 100
    return origins[
        ["no", "origin", "side", "prior_contact", "people", "share", "percent_stated"]
    ]


def origin_sides() -> pd.DataFrame:
    """People and share by who approached whom, with the deck's rounded sum beside.

    Columns: side, people, share (from the counts), share_stated (the sum of the
    deck's printed percentages, e.g. 45.0 for 自治体側 where the counts give 44.9).
    """
    origins = agreement_origins().rename(columns={"percent_stated": "share_stated"})
    columns = ["people", "share", "share_stated"]
    sides = origins.groupby("side", sort=False)[columns].sum()
    return sides.sort_values("people", ascending=False).reset_index()


def age_gender() -> pd.DataFrame:
    """Age and gender shares of the dispatched people, FY2022 and FY2023."""
    return data.load("age_gender")[["fiscal_year", "dimension", "group", "percent"]]

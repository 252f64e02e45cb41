"""What the 起業人 work on: the FY2023 field breakdown, its groups, and the sample.

The deck's 15 categories are counted in people (779 in FY2023); shares are computed
from those counts, never taken from the deck's rounded percentages. Five groups
carry the story a presenter tells (tourism, DX, local products, migration and
exchange, economy and jobs); every other category is "the rest". The host records
use short field names and are mapped onto the same groups, but they are a sample
of public cases, not a census, and are always labelled as such.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from kigyojin import data

logger = logging.getLogger(__name__)

GROUPS = ("tourism", "dx", "local_products", "migration", "economy", "other")
OTHER_GROUP = "other"

# The five named groups are the five activities the deck itself gives as examples
# on its first page (DMO・観光振興, 自治体DX, 地場産品, 移住・交流人口, 地域経済), each
# one of the deck's 15 categories. Every category not listed here is "other".
CATEGORY_GROUPS = {
    "観光振興・観光誘客対策・DMO設立等": "tourism",
    "DX（自治体DX・地域社会DX）": "dx",
    "地域産品の開発・販路開拓・拡大等": "local_products",
    "移住促進・都市農村交流・交流人口の拡大等": "migration",
    "地域経済活性化・雇用対策・人材育成・企業誘致等": "economy",
}

# The deck's own catch-all category; it is listed last whatever its size.
OTHER_CATEGORY = "その他"

# The host records name a field by a short form of the deck's category.
HOST_FIELD_CATEGORIES = {
    "総務": "総務（政策調整・行政改革・公有財産利活用等）",
    "民生": "民生（子供子育て・福祉・災害対応等）",
    "衛生": "衛生（保健衛生・環境等）",
    "観光振興": "観光振興・観光誘客対策・DMO設立等",
    "農林水産": "農林水産（農業・畜産業・林業・水産業振興等）",
    "地域産品・販路": "地域産品の開発・販路開拓・拡大等",
    "移住・交流": "移住促進・都市農村交流・交流人口の拡大等",
    "DX": "DX（自治体DX・地域社会DX）",
    "土木": "土木（土木管理・道路橋りょう・河川・住宅・空き家対策等）",
    "地域経済・雇用・人材": "地域経済活性化・雇用対策・人材育成・企業誘致等",
    "その他": "その他",
    "広報": "広報業務",
    "中間支援": "中間支援機能に関する業務（地域商社支援及び立ち上げなど）",
    "教育": "教育",
    "GX": "GX（脱炭素等）",
}

# How many named groups the headline share adds up ("two thirds are ...").
LEADING_GROUPS = 3


def years_of(name: str) -> list[int]:
    """The fiscal years a breakdown table (`categories`, `company_ranking`) holds."""
    return sorted({int(year) for year in data.load(name)["fiscal_year"]})


def of_year(name: str, fiscal_year: int | None = None) -> tuple[int, pd.DataFrame]:
    """The rows of a breakdown table for `fiscal_year` (default: its latest year)."""
    year = years_of(name)[-1] if fiscal_year is None else int(fiscal_year)
    table = data.load(name)
    return year, table[table["fiscal_year"] == year]


def category_group(category: str) -> str:
    """The group of one of the deck's categories (`other` unless one of the five)."""
    return CATEGORY_GROUPS.get(category, OTHER_GROUP)


def host_field_group(field: str | None) -> str | None:
    """The group of a host record's field; None when the record names no field.

    A field that is neither a known short name nor a deck category counts as
    `other` (an official's list may use its own words) and is logged.
    """
    if field is None or pd.isna(field) or not str(field).strip():
        return None
    field = str(field).strip()
    category = HOST_FIELD_CATEGORIES.get(field, field)
    if category not in HOST_FIELD_CATEGORIES.values():
        logger.warning("host field %r is not a known field; counted as other", field)
    return category_group(category)


def _group_order(frame: pd.DataFrame, column: str = "people") -> pd.DataFrame:
    """Named groups by size, largest first, then `other`."""
    named = frame[frame["group"] != OTHER_GROUP].sort_values(
        column, ascending=False, kind="stable"
    )
    return pd.concat([named, frame[frame["group"] == OTHER_GROUP]])


def breakdown(fiscal_year: int | None = None) -> pd.DataFrame:
    """A year's categories (default: the latest), largest first, その他 last.

    Columns: category, group, people, share (percent of all people, from
    the counts), percent_stated (as printed in the deck, rounded).
    """
    _, categories = of_year("categories", fiscal_year)
    frame = pd.DataFrame(
        {
            "category": categories["category"],
            "group": categories["category"].map(category_group),
            "people": categories["people"].astype(int),
            "share": categories["people"] / categories["people"].sum() * 100,
            "percent_stated": categories["percent_stated"],
        }
    )
    is_other = frame["category"] == OTHER_CATEGORY
    frame = pd.concat(
        [
            frame[~is_other].sort_values("people", ascending=False, kind="stable"),
            frame[is_other],
        ]
    )
    return frame.reset_index(drop=True)


def grouped(fiscal_year: int | None = None) -> pd.DataFrame:
    """People and share per group, named groups by size and `other` last.

    Columns: group, people, share, categories (how many deck categories it holds).
    """
    fields = breakdown(fiscal_year)
    total = fields["people"].sum()
    groups = (
        fields.groupby("group", sort=False)
        .agg(people=("people", "sum"), categories=("category", "size"))
        .reindex(GROUPS, fill_value=0)
        .reset_index()
    )
    groups["share"] = groups["people"] / total * 100
    groups["people"] = groups["people"].astype(int)
    groups["categories"] = groups["categories"].astype(int)
    ordered = _group_order(groups)
    return ordered[["group", "people", "share", "categories"]].reset_index(drop=True)


@dataclass(frozen=True)
class LeadingShare:
    """The combined share of the largest named groups."""

    groups: tuple[str, ...]
    people: int
    total: int

    @property
    def share(self) -> float:
        return self.people / self.total * 100


def leading_share(
    fiscal_year: int | None = None, count: int = LEADING_GROUPS
) -> LeadingShare:
    """The `count` largest named groups (never `other`) and what share they hold."""
    groups = grouped(fiscal_year)
    named = groups[groups["group"] != OTHER_GROUP].head(count)
    return LeadingShare(
        tuple(named["group"]), int(named["people"].sum()), int(groups["people"].sum())
    )


def in_groups(frame: pd.DataFrame, groups: Iterable[str]) -> pd.DataFrame:
    """The rows of `frame` in any of `groups`; every row when none is chosen."""
    chosen = list(groups)
    if not chosen:
        return frame
    return frame[frame["group"].isin(chosen)]


def groups_from_selection(selection: Mapping | None, param: str) -> list[str]:
    """The groups picked on a chart, from Streamlit's selection state.

    `selection` is the chart's `event.selection` (or the same dict read from the
    session state): `{param: [{"group": "dx", ...}, ...]}`. Unknown or repeated
    values are dropped, and the result keeps the order of `GROUPS`.
    """
    points = (selection or {}).get(param) or []
    picked = {
        point.get("group") for point in points if isinstance(point, Mapping)
    } & set(GROUPS)
    return [group for group in GROUPS if group in picked]


def sample_groups() -> pd.Series:
    """The group of each host record's field, None where the record names none."""
    return data.load("hosts")["field"].map(host_field_group)


def sample_by_group(fiscal_year: int | None = None) -> pd.DataFrame:
    """Host records per group beside a year's national shares (default: latest).

    Columns: group, records, sample_share (percent of the records that name a
    field), people, national_share. Records without a field are left out of the
    shares; `sample_unclassified()` counts them.
    """
    counts = sample_groups().value_counts().reindex(GROUPS, fill_value=0)
    national = grouped(fiscal_year).set_index("group")
    frame = pd.DataFrame(
        {
            "group": list(GROUPS),
            "records": counts.astype(int).to_numpy(),
            "sample_share": (counts / counts.sum() * 100).to_numpy(),
            "people": national.loc[list(GROUPS), "people"].to_numpy(),
            "national_share": national.loc[list(GROUPS), "share"].to_numpy(),
        }
    )
    ordered = _group_order(frame)
    return ordered.reset_index(drop=True)


def sample_unclassified() -> int:
    """How many host records name no field."""
    return int(sample_groups().isna().sum())

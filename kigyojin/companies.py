"""Who sends the 起業人: the FY2023 ranking and each company's known hosts.

The ranking is the deck's excerpt of the largest dispatching companies; its shares
are of all people dispatched that year. The host records name companies as each
source wrote them (株式会社 before or after, full- or half-width letters), so
companies are matched on a normalised key: one company is one row, and the name
shown stays as published.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from kigyojin import data, fields, fmt, hosts
from kigyojin.errors import KigyojinError
from kigyojin.i18n import label, translate

# Legal forms dropped for matching, wherever they stand before or after the name.
LEGAL_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "NPO法人",
    # Abbreviations as they read after NFKC: ㈱ and （株） both become (株).
    "(株)",
    "(有)",
    "(同)",
    "(合)",
    "(一社)",
    "(一財)",
    "(公社)",
    "(公財)",
    "(特非)",
)
# Spaces and separators that sources write or leave out at will.
_IGNORED = re.compile(r"[\s・]+")
# Hiragana ぁ..ゖ and the katakana 0x60 code points above: a search typed in
# one script finds a name written in the other (ぐるなび, グルナビ, ｸﾞﾙﾅﾋﾞ).
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}

# The ranking's shares are of all people dispatched in its year.
TOP_COUNTS = (3, 10, 19)


def normalize(name: str | None) -> str:
    """The matching key of a company name: no legal form, width or spacing.

    NFKC folds full- and half-width forms (ＪＴＢ, ｿﾌﾄﾊﾞﾝｸ, ㈱); legal forms are
    removed at either end, spaces and middle dots everywhere; letters are
    case-folded and hiragana written as katakana. `株式会社JTB`, `JTB（株）` and
    `ｊｔｂ` all give `jtb`; `株式会社ぐるなび` gives `グルナビ`.
    """
    if name is None or pd.isna(name):
        return ""
    text = unicodedata.normalize("NFKC", str(name)).strip()
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            if text.startswith(form):
                text, changed = text[len(form) :].strip(), True
            if text.endswith(form):
                text, changed = text[: -len(form)].strip(), True
    return _IGNORED.sub("", text).casefold().translate(_HIRAGANA_TO_KATAKANA)


def matches(query: str | None, names: Iterable[str]) -> list[bool]:
    """Which `names` contain `query`, both normalised; an empty query matches all."""
    key = normalize(query)
    return [key in normalize(name) for name in names]


def with_source_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """`frame` with its `sources` lists spread over columns source_1, source_2, ….

    As many columns as the longest list; shorter lists leave the rest empty.
    Returns the frame and the names of the new columns.
    """
    longest = max((len(urls) for urls in frame["sources"]), default=0)
    names = [f"source_{number}" for number in range(1, longest + 1)]
    spread = frame.copy()
    for index, name in enumerate(names):
        spread[name] = [
            urls[index] if index < len(urls) else None for urls in frame["sources"]
        ]
    return spread, names


def year_totals(fiscal_year: int) -> tuple[int, int]:
    """People and companies of 企業派遣型 in `fiscal_year` (FY2023: 779 and 330).

    The ranking counts dispatched companies only, so its shares are of this type.
    """
    totals = data.load("national_totals")
    dispatch = totals[totals["kind"] == "dispatch"]
    row = dispatch[dispatch["fiscal_year"] == fiscal_year]
    if row.empty or pd.isna(row["companies"].iloc[0]):
        raise KigyojinError("companies.no_year_totals", fiscal_year=fiscal_year)
    return int(row["people"].iloc[0]), int(row["companies"].iloc[0])


def ranking(fiscal_year: int | None = None) -> pd.DataFrame:
    """A year's ranking (default: the latest) with each company's share of all people.

    Columns: rank, company (as published), key, people, share (percent of all
    people dispatched that year, e.g. JTB's 43 of 779 = 5.5).
    """
    year, table = fields.of_year("company_ranking", fiscal_year)
    people, _ = year_totals(year)
    frame = pd.DataFrame(
        {
            "rank": table["rank"].astype(int),
            "company": table["company"],
            "key": table["company"].map(normalize),
            "people": table["people"].astype(int),
        }
    )
    frame["share"] = frame["people"] / people * 100
    return frame.sort_values(["rank", "people"], ascending=[True, False]).reset_index(
        drop=True
    )


@dataclass(frozen=True)
class TopShare:
    """How much of the year's total the companies ranked `top` or better send."""

    top: int
    companies: int
    people: int
    total: int
    all_companies: int

    @property
    def share(self) -> float:
        return self.people / self.total * 100

    @property
    def company_share(self) -> float:
        return self.companies / self.all_companies * 100


def top_shares(
    fiscal_year: int | None = None, counts: Iterable[int] = TOP_COUNTS
) -> list[TopShare]:
    """The share of all people sent by the top 3, 10 and 19 (by published rank).

    Ties at the boundary are included, as a published rank would include them.
    """
    if fiscal_year is None:
        fiscal_year = fields.years_of("company_ranking")[-1]
    year = fiscal_year
    table = ranking(year)
    people, companies = year_totals(year)
    result = []
    for top in counts:
        within = table[table["rank"] <= top]
        result.append(
            TopShare(top, len(within), int(within["people"].sum()), people, companies)
        )
    return result


def host_records(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every host record with its company key, field group and location.

    `table` is an official's own host list to use instead of the sample.

    Columns: key, company (as published), code, pref_name, pref_en, name, type,
    field, group, start, end, start_year, end_year (fiscal years, empty if not
    known), people, sources (the record's URLs), note, lat, lon.
    """
    records = hosts.records(table)
    places = data.load("municipalities").set_index("code")[["lat", "lon"]]
    prefectures = data.load("prefectures").set_index("pref_code")["pref_en"]
    frame = records.assign(
        key=records["company"].map(normalize),
        pref_en=records["pref_code"].map(prefectures),
        group=records["field"].map(fields.host_field_group),
        start_year=records["start_fiscal_year"],
        end_year=records["end_fiscal_year"],
        sources=records["sources"].map(list),
        lat=records["code"].map(places["lat"]),
        lon=records["code"].map(places["lon"]),
    )
    return frame[
        [
            "key",
            "company",
            "code",
            "pref_name",
            "pref_en",
            "name",
            "type",
            "field",
            "group",
            "start",
            "end",
            "start_year",
            "end_year",
            "people",
            "sources",
            "note",
            "lat",
            "lon",
        ]
    ].reset_index(drop=True)


def hosts_of(key: str, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The host records of one company (by key), newest first, undated last."""
    records = host_records(table)
    mine = records[records["key"] == key].copy()
    mine["_year"] = mine["start_year"].fillna(mine["end_year"])
    mine = mine.sort_values(
        ["_year", "pref_name", "name"],
        ascending=[False, True, True],
        na_position="last",
    )
    return mine.drop(columns="_year").reset_index(drop=True)


def _joined(values: Iterable) -> list[str]:
    """Distinct non-empty values, in first-seen order."""
    return [v for v in dict.fromkeys(values) if v is not None and not pd.isna(v)]


def directory(
    fiscal_year: int | None = None, table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per company, from the ranking and the host records together.

    Columns: key, company (the ranking's name if ranked, else the name the host
    records use most), rank and people (in the ranking's year, empty if not
    ranked), records,
    hosts (list of municipality codes), fields (list of field names), first_year
    and last_year (fiscal years named by the records, empty if none). Ranked
    companies come first by rank, then the others by records and name. `table`
    is an official's own host list to use instead of the sample.
    """
    ranked = ranking(fiscal_year).drop_duplicates("key").set_index("key")
    records = host_records(table)
    rows = []
    for key in _joined([*ranked.index, *records["key"]]):
        mine = records[records["key"] == key]
        years = pd.concat([mine["start_year"], mine["end_year"]]).dropna()
        if key in ranked.index:
            name = ranked.at[key, "company"]
        else:
            name = mine["company"].value_counts().index[0]
        rows.append(
            {
                "key": key,
                "company": name,
                "rank": ranked.at[key, "rank"] if key in ranked.index else None,
                "people": ranked.at[key, "people"] if key in ranked.index else None,
                "records": len(mine),
                "hosts": _joined(mine["code"]),
                "fields": _joined(mine["field"]),
                "first_year": int(years.min()) if len(years) else None,
                "last_year": int(years.max()) if len(years) else None,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("rank", "people", "first_year", "last_year"):
        frame[column] = frame[column].astype("Int64")
    frame["_unranked"] = frame["rank"].isna()
    frame = frame.sort_values(
        ["_unranked", "rank", "records", "company"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    return frame.drop(columns="_unranked").reset_index(drop=True)


def ranking_with_records(ranked: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """`ranked` (`ranking()`) with each company's number of host records from
    `listed` (`directory()`) as the column `records`."""
    return ranked.merge(listed[["key", "records"]], on="key", how="left")


def only_chosen(frame: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """The row of company `key` when `frame` holds it, else every row of `frame`.

    A company chosen on the ranking chart narrows the table beside it; one the
    ranking does not list leaves the ranking whole.
    """
    if key and (frame["key"] == key).any():
        return frame[frame["key"] == key]
    return frame


def place_names(codes: Iterable[str], lang: str) -> list[str]:
    """Municipalities named with their prefecture in `lang`.

    魚津市（富山県） in Japanese, 魚津市 (Toyama) in English.
    """
    master = data.load("municipalities").set_index("code")
    prefectures = data.load("prefectures").set_index("pref_code")
    column = hosts.PREF_NAME_COLUMN[lang]
    return [
        translate(
            "companies.host_place",
            lang,
            name=master.at[code, "name"],
            pref=prefectures.at[master.at[code, "pref_code"], column],
        )
        for code in codes
    ]


def directory_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Directory rows (`directory()`) as the page's table shows them.

    The lists become text: hosts as `place_names`, fields by their display
    names, years as `years_text`; every other column is kept.
    """
    separator = translate("companies.separator", lang)
    return frame.assign(
        hosts=[separator.join(place_names(codes, lang)) for codes in frame["hosts"]],
        fields=[
            separator.join(label(value, lang) for value in values)
            for values in frame["fields"]
        ],
        years=[
            years_text(first, last, lang)
            for first, last in zip(frame["first_year"], frame["last_year"], strict=True)
        ],
    )


def field_text(field: str | None, lang: str) -> str:
    """A record's field by its display name, or that none is stated."""
    if not isinstance(field, str) or not field:
        return translate("companies.no_field", lang)
    return label(field, lang)


def group_text(group: str | None, lang: str) -> str:
    """A record's field group by name, or that its field is not stated."""
    if not isinstance(group, str):
        return translate("fields.no_field", lang)
    return translate(f"fields.group_{group}", lang)


def records_in_groups_table(
    groups: tuple[str, ...], lang: str
) -> tuple[pd.DataFrame, list[str]]:
    """`records_table` of the host records in any of the field `groups` (all of
    them when none is given): the Fields page's table of the sample."""
    return records_table(fields.in_groups(host_records(), groups), lang)


def records_table(records: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """Host records (`host_records()` rows) as the pages' tables show them.

    Columns: pref (named in `lang`), name, company (as published), type, field,
    group, period, note, then source_1, source_2, … (`with_source_columns`).
    Returns the table and the names of its source columns.
    """
    spread, sources = with_source_columns(records)
    table = pd.DataFrame(
        {
            "pref": records[hosts.PREF_NAME_COLUMN[lang]],
            "name": records["name"],
            "company": records["company"],
            "type": records["type"].map(lambda v: label(v, lang)),
            "field": records["field"].map(lambda v: field_text(v, lang)),
            "group": records["group"].map(lambda g: group_text(g, lang)),
            "period": [
                period_text(start, end, lang)
                for start, end in zip(records["start"], records["end"], strict=True)
            ],
            "note": records["note"],
        },
        index=records.index,
    )
    return pd.concat([table, spread[sources]], axis=1).reset_index(drop=True), sources


def search(query: str | None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of `frame` (default: the directory) whose company matches `query`;
    `frame` itself when the query is empty (after normalising), as it matches all."""
    table = directory() if frame is None else frame
    if not normalize(query):
        return table
    return table[matches(query, table["company"])]


def company_from_selection(selection: Mapping | None, param: str) -> str | None:
    """The company key clicked on a chart, from Streamlit's selection state.

    `selection` is `{param: [{"key": "jtb", ...}]}`; None when nothing is picked.
    """
    points = (selection or {}).get(param) or []
    keys = [p.get("key") for p in points if isinstance(p, Mapping) and p.get("key")]
    return keys[-1] if keys else None


def period_text(start: str | None, end: str | None, lang: str) -> str:
    """A record's period as published: 2021-04〜2024-03, 2025-10〜, or 不明."""
    start = start if isinstance(start, str) else ""
    end = end if isinstance(end, str) else ""
    if not start and not end:
        return translate("companies.period_unknown", lang)
    return translate("companies.period", lang, start=start, end=end)


def years_text(first: int | None, last: int | None, lang: str) -> str:
    """The fiscal years the records name: 令和3年度, 令和3年度〜令和5年度, 不明."""
    if first is None or pd.isna(first):
        return translate("companies.years_unknown", lang)
    if last is None or pd.isna(last) or int(last) == int(first):
        return fmt.fiscal_year(int(first), lang)
    return translate(
        "companies.years_range",
        lang,
        first=fmt.fiscal_year(int(first), lang),
        last=fmt.fiscal_year(int(last), lang),
    )

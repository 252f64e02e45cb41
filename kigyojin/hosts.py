"""The public host records: who hosted whom, when, in which field, and where it says so.

`data/kigyoujin_hosts.csv` holds 116 host–company records gathered from public
pages: a sample biased toward cases in the news, not the official list. This module
adds what pages need to filter and count them (the fiscal years a start or end
falls in, the prefecture, the list of source links) and counts them per
municipality. The map and the companies page share it.
"""

import hashlib
import re
from dataclasses import dataclass, field

import pandas as pd

from kigyojin import data, fmt
from kigyojin.caching import shared_cache
from kigyojin.errors import KigyojinError
from kigyojin.i18n import translate

# "2025-04" (a month) or "FY2025" (a fiscal year); blank where the page did not say.
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_FISCAL_YEAR = re.compile(r"FY(\d{4})")
# A fiscal year (年度) starts in April.
FIRST_MONTH_OF_FISCAL_YEAR = 4
# Several sources in one cell are separated by " ; ".
SOURCE_SEPARATOR = ";"
# The column naming a record's prefecture in each language (北海道 / Hokkaido).
PREF_NAME_COLUMN = {"ja": "pref_name", "en": "pref_en"}

COLUMNS = (
    "code",
    "pref_code",
    "pref_name",
    "name",
    "company",
    "type",
    "field",
    "start",
    "end",
    "start_fiscal_year",
    "end_fiscal_year",
    "fiscal_year",
    "people",
    "sources",
    "source_date",
    "note",
)


def fiscal_year_of(period: str | None) -> int | None:
    """The fiscal year of "2025-04" (2025), "2025-03" (2024) or "FY2025" (2025).

    Blank (not known) gives None.
    """
    if not period:
        return None
    month = _MONTH.fullmatch(period)
    if month:
        year, number = int(month[1]), int(month[2])
        return year if number >= FIRST_MONTH_OF_FISCAL_YEAR else year - 1
    fiscal = _FISCAL_YEAR.fullmatch(period)
    if fiscal:
        return int(fiscal[1])
    raise ValueError(f"not a month or fiscal year: {period!r}")


def source_urls(cell: str | None) -> tuple[str, ...]:
    """The source links of a record, in the order given."""
    if not cell:
        return ()
    return tuple(part.strip() for part in cell.split(SOURCE_SEPARATOR) if part.strip())


def records(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every host record, with its fiscal years, prefecture code and source links.

    Columns: COLUMNS. `start_fiscal_year` and `end_fiscal_year` are Int64, empty
    where the record does not say. `fiscal_year` is the year a record is known
    for: that of the official list it was imported from, else the fiscal year it
    started in (empty when neither is known). `sources` is a tuple of URLs.
    Cached until a file changes: treat it as read-only. `table` replaces the
    shipped file with an official's own list (`importer.read_host_list`), uncached.
    """
    if table is not None:
        return _with_years(table)
    folder = data.data_dir()
    files = tuple(data.signature(folder / data.TABLES[n].path) for n in _TABLES)
    return _records((str(folder), *files))


# The tables `records` is built from: its cache is keyed on their files.
_TABLES = ("hosts", "municipalities")


@shared_cache(maxsize=4)
def _records(version: tuple) -> pd.DataFrame:
    return _with_years(data.load("hosts"))


def _with_years(hosts: pd.DataFrame) -> pd.DataFrame:
    pref_codes = data.load("municipalities").set_index("code")["pref_code"]
    start = hosts["start"].map(fiscal_year_of).astype("Int64")
    result = hosts.assign(
        pref_code=hosts["code"].map(pref_codes),
        start_fiscal_year=start,
        end_fiscal_year=hosts["end"].map(fiscal_year_of).astype("Int64"),
        fiscal_year=hosts["fiscal_year"].astype("Int64").fillna(start),
        sources=hosts["source_url"].map(source_urls),
    )
    return result[list(COLUMNS)]


def filter_records(
    frame: pd.DataFrame,
    *,
    types: tuple[str, ...] = (),
    fields: tuple[str, ...] = (),
    company: str | None = None,
    fiscal_year: int | None = None,
    pref_code: str | None = None,
) -> pd.DataFrame:
    """The records matching every filter given; an empty filter keeps everything.

    `fiscal_year` keeps the records known for that fiscal year (see `records`): a
    record whose year is not known is left out whenever a year is chosen.
    """
    keep = pd.Series(True, index=frame.index)
    if types:
        keep &= frame["type"].isin(types)
    if fields:
        keep &= frame["field"].isin(fields)
    if company:
        keep &= frame["company"] == company
    if fiscal_year is not None:
        keep &= frame["fiscal_year"].eq(fiscal_year).fillna(False)
    if pref_code:
        keep &= frame["pref_code"] == pref_code
    return frame[keep.astype(bool)]


@dataclass(frozen=True)
class UploadedRecords:
    """An official's own host list, shown in their session instead of the sample.

    Equal and hashed by its content's digest alone, so a view built from it is
    cached like any other and found again only for the very same list.
    """

    digest: str
    records: pd.DataFrame = field(compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, table: pd.DataFrame) -> "UploadedRecords":
        """The list `table` (as `importer.read_host_list` returns it)."""
        content = pd.util.hash_pandas_object(table, index=False).to_numpy()
        return cls(hashlib.sha256(content.tobytes()).hexdigest(), records(table))


@dataclass(frozen=True)
class HostFilter:
    """What a reader chose to see; empty means everything. Hashable, so cacheable.

    With `upload`, the official's own list takes the place of the records given.
    """

    types: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    company: str | None = None
    fiscal_year: int | None = None
    upload: UploadedRecords | None = None

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The records of `frame` (or of the upload) that match (`filter_records`)."""
        return filter_records(
            frame if self.upload is None else self.upload.records,
            types=self.types,
            fields=self.fields,
            company=self.company,
            fiscal_year=self.fiscal_year,
        )


def counts_by_municipality(frame: pd.DataFrame) -> pd.DataFrame:
    """Per municipality with records in `frame`: how many records and companies.

    Columns: code, pref_code, name, records, companies; most records first, then
    by code.
    """
    grouped = frame.groupby("code", sort=True)
    counts = pd.DataFrame(
        {
            "pref_code": grouped["pref_code"].first(),
            "name": grouped["name"].first(),
            "records": grouped.size(),
            "companies": grouped["company"].nunique(),
        }
    ).reset_index()
    counts = counts.sort_values(["records", "code"], ascending=[False, True])
    return counts.reset_index(drop=True)


def options(frame: pd.DataFrame) -> dict[str, list]:
    """The values each filter can take in `frame`, in a stable order.

    Keys: types (in the data's order of HOST_TYPES), fields and companies
    (sorted), fiscal_years (the known years, newest first).
    """
    present_types = set(frame["type"])
    years = frame["fiscal_year"].dropna().astype(int).unique()
    return {
        "types": [t for t in data.HOST_TYPES if t in present_types],
        "fields": sorted(frame["field"].dropna().unique()),
        "companies": sorted(frame["company"].unique()),
        "fiscal_years": sorted((int(y) for y in years), reverse=True),
    }


# --- How many municipalities host in a year, as MIC states it -----------------------


@dataclass(frozen=True)
class NationalHosts:
    """The fewest and most host municipalities MIC stated in a year, and the years."""

    low: int
    high: int
    first_year: int
    last_year: int


def national_hosts() -> NationalHosts:
    """The range of the stated yearly host municipalities in `national_totals.csv`.

    A year counts all its hosts: its both-types row where given (a municipality
    hosting both types counted once), else its one type. Derived figures are left
    out: this is what MIC itself stated (FY2023 449, FY2024 439: 439 to 449).
    """
    totals = data.load("national_totals")
    stated = totals[
        (totals["basis"] == "stated") & totals["host_municipalities"].notna()
    ]
    # The both-types count is never below either type's, so the largest row of a
    # year is the row for both types whenever the year has one.
    yearly = stated.groupby("fiscal_year")["host_municipalities"].max().astype(int)
    if yearly.empty:
        raise KigyojinError("map.no_national_hosts")
    return NationalHosts(
        int(yearly.min()),
        int(yearly.max()),
        int(yearly.index.min()),
        int(yearly.index.max()),
    )


def national_hosts_params(lang: str) -> dict[str, str]:
    """Format fields naming `national_hosts()`: `hosts` (439～449) and `years`."""
    counts = national_hosts()
    low, high = fmt.number(counts.low), fmt.number(counts.high)
    first = fmt.fiscal_year(counts.first_year, lang)
    last = fmt.fiscal_year(counts.last_year, lang)
    return {
        "hosts": low
        if low == high
        else translate("map.national_hosts_range", lang, low=low, high=high),
        "years": first
        if first == last
        else translate("map.national_years_range", lang, first=first, last=last),
    }

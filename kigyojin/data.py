"""The shipped tables: what each file must contain, and loading it validated.

`load(name)` reads one table, checks every column and the cross-file rules (every
code joins the municipality master, counts add up), logs what it loaded and caches
the result until the file changes on disk. A broken file raises `DataFileError`
naming file, row and column; tables that do not depend on it keep loading.
"""

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kigyojin.caching import shared_cache
from kigyojin.errors import DataFileError, Problem
from kigyojin.paths import data_dir
from kigyojin.validation import Column, check_rows, read_table

logger = logging.getLogger(__name__)

KINDS = ("dispatch", "side_job")
HOST_TYPES = ("企業派遣型", "副業型", "地域おこし企業人", "unknown")
ZONE_CLASSES = ("都市地域", "全部条件不利地域", "一部条件不利地域")
KASO_TYPES = ("全部過疎", "一部過疎", "みなし過疎")
# Shares printed in the deck are rounded to one decimal; their sum may be off by this.
PERCENT_SUM_TOLERANCE = 0.25


@dataclass(frozen=True)
class Table:
    """A shipped file: where it is, its columns, its vintage and its own checks."""

    name: str
    path: str
    columns: tuple[Column, ...]
    vintage: str
    check: Callable[[pd.DataFrame, str], list[Problem]] | None = None


def _joins_master(frame: pd.DataFrame, label: str) -> list[Problem]:
    master = set(load("municipalities")["code"])
    return check_rows(
        frame,
        ~frame["code"].isin(master),
        label,
        "errors.unknown_code",
        "code",
        lambda row: {"value": row["code"]},
    )


def _check_municipalities(frame: pd.DataFrame, label: str) -> list[Problem]:
    digits = frame["code6"].str[:5] != frame["code"]
    problems = _web_links(frame, label, "url")
    problems += check_rows(
        frame,
        digits,
        label,
        "errors.code6_mismatch",
        "code6",
        lambda row: {"value": row["code6"], "code": row["code"]},
    )
    wrong_digit = ~digits & (frame["code6"].str[5] != frame["code"].map(check_digit))
    problems += check_rows(
        frame,
        wrong_digit,
        label,
        "errors.check_digit",
        "code6",
        lambda row: {"value": row["code6"]},
    )
    problems += check_rows(
        frame,
        frame["code"].str[:2] != frame["pref_code"],
        label,
        "errors.pref_mismatch",
        "pref_code",
        lambda row: {"value": row["pref_code"]},
    )
    return problems


def _check_prefectures(frame: pd.DataFrame, label: str) -> list[Problem]:
    counts = load("municipalities").groupby("pref_code").size()
    expected = frame["pref_code"].map(counts).fillna(0).astype(int)
    return check_rows(
        frame,
        frame["n_municipalities"] != expected,
        label,
        "errors.count_mismatch",
        "n_municipalities",
        lambda row: {
            "value": row["n_municipalities"],
            "expected": counts.get(row["pref_code"], 0),
        },
    )


def _check_complete(frame: pd.DataFrame, label: str) -> list[Problem]:
    """A table with one row per municipality: joins, and misses none."""
    problems = _joins_master(frame, label)
    missing = sorted(set(load("municipalities")["code"]) - set(frame["code"]))
    if missing:
        problems.append(
            Problem(
                label,
                "errors.missing_codes",
                column="code",
                params={"count": len(missing), "codes": "、".join(missing[:5])},
            )
        )
    return problems


def _check_requirement(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = _check_complete(frame, label)
    kaso = load("kaso").set_index("code")["kaso_type"]
    listed = frame["code"].map(kaso)
    differs = listed.fillna("") != frame["kaso_type"].fillna("")
    problems += check_rows(
        frame,
        differs,
        label,
        "errors.kaso_mismatch",
        "kaso_type",
        lambda row: {"code": row["code"]},
    )
    return problems


def _web_links(frame: pd.DataFrame, label: str, column: str) -> list[Problem]:
    """Links are shown as clickable: only http(s), never javascript: or data:."""
    # Browsers drop tabs, newlines and leading control characters from a URL, so
    # "java\tscript:" is read as "javascript:".
    text = frame[column].fillna("").str.replace(r"[\x00-\x20]", "", regex=True)
    scheme = text.str.extract(r"^([A-Za-z][A-Za-z0-9+.\-]*):", expand=False)
    unsafe = scheme.notna() & ~scheme.str.lower().isin(("http", "https"))
    return check_rows(
        frame,
        unsafe,
        label,
        "errors.unsafe_link",
        column,
        lambda row: {"value": row[column]},
    )


def _check_hosts(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = _joins_master(frame, label) + _web_links(frame, label, "source_url")
    period = r"(\d{4}-(0[1-9]|1[0-2])|FY\d{4})?"
    for column in ("start", "end"):
        bad = ~frame[column].fillna("").str.fullmatch(period)
        problems += check_rows(
            frame,
            bad,
            label,
            "errors.bad_period",
            column,
            lambda row, c=column: {"value": row[c]},
        )
    return problems


def _check_totals(frame: pd.DataFrame, label: str) -> list[Problem]:
    problems = _web_links(frame, label, "source_url")
    repeated = frame.duplicated(["fiscal_year", "kind"])
    for kind in (*KINDS, "total"):
        # One message per type, so it names the type in the reader's language.
        problems += check_rows(
            frame,
            repeated & (frame["kind"] == kind),
            label,
            f"errors.duplicate_year_{kind}",
            "kind",
            lambda row: {"fiscal_year": row["fiscal_year"]},
        )
    # Every year has its 企業派遣型 row: the trends and headlines are drawn from it.
    dispatch_years = set(frame.loc[frame["kind"] == "dispatch", "fiscal_year"])
    first_rows = frame.drop_duplicates("fiscal_year")
    problems += check_rows(
        first_rows,
        ~first_rows["fiscal_year"].isin(dispatch_years),
        label,
        "errors.no_dispatch_row",
        "kind",
        lambda row: {"fiscal_year": row["fiscal_year"]},
    )
    parts = frame[frame["kind"].isin(KINDS)].groupby("fiscal_year")["people"].sum()
    totals = frame[frame["kind"] == "total"]
    # A year with no type rows has no sum: its total is reported just above.
    expected = totals["fiscal_year"].map(parts)
    adds_up = (expected == totals["people"]).fillna(False).astype(bool)
    problems += check_rows(
        totals,
        ~adds_up & totals["fiscal_year"].isin(dispatch_years),
        label,
        "errors.total_mismatch",
        "people",
        lambda row: {"value": row["people"], "expected": parts.get(row["fiscal_year"])},
    )
    return problems


def _sums_to_people(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Counts of the FY2023 breakdowns add up to the deck's 779 people."""
    headline = load("headline_figures").set_index("key")["value"]
    expected = int(headline["people"])
    total = int(frame["people"].sum())
    if total == expected:
        return []
    return [
        Problem(
            label,
            "errors.sum_mismatch",
            column="people",
            params={"value": total, "expected": expected},
        )
    ]


def _unique_per_year(frame: pd.DataFrame, label: str, column: str) -> list[Problem]:
    """Each `column` value at most once per fiscal year."""
    return check_rows(
        frame,
        frame.duplicated(["fiscal_year", column]),
        label,
        "errors.duplicate_in_year",
        column,
        lambda row: {"value": row[column], "fiscal_year": row["fiscal_year"]},
    )


def _national_people(label: str) -> dict[int, set[int]] | None:
    """People per fiscal year in the national totals (企業派遣型 and both types).

    None when the national totals cannot be loaded (they are reported themselves).
    """
    try:
        totals = load("national_totals")
    except DataFileError:
        logger.warning("%s not checked against national_totals.csv", label)
        return None
    known = totals[totals["kind"].isin(("dispatch", "total"))]
    return {
        int(year): {int(n) for n in group["people"]}
        for year, group in known.groupby("fiscal_year")
    }


def _check_categories(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Fields once per year; each year's fields add up to that year's people."""
    problems = _unique_per_year(frame, label, "category")
    problems += _web_links(frame, label, "source_url")
    national = _national_people(label)
    if national is None:
        return problems
    problems += _years_in_totals(frame, label, national)
    for year, people in frame.groupby("fiscal_year")["people"].sum().items():
        expected = national.get(int(year))
        if expected and int(people) not in expected:
            problems.append(
                Problem(
                    label,
                    "errors.year_sum_mismatch",
                    column="people",
                    params={
                        "fiscal_year": int(year),
                        "value": int(people),
                        "expected": " / ".join(map(str, sorted(expected))),
                    },
                )
            )
    return problems


def _years_in_totals(
    frame: pd.DataFrame, label: str, national: dict[int, set[int]]
) -> list[Problem]:
    """A breakdown's year must be in the national totals, which it is checked with."""
    return [
        Problem(
            label,
            "errors.year_not_in_totals",
            column="fiscal_year",
            params={"fiscal_year": int(year)},
        )
        for year in sorted(frame["fiscal_year"].dropna().unique())
        if int(year) not in national
    ]


def _check_ranking(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Companies once per year, ranks that follow the counts, no more than in all."""
    problems = _unique_per_year(frame, label, "company")
    # Ties share a rank and the next rank skips (1, 2, 2, 4), as the deck prints it.
    expected = frame.groupby("fiscal_year")["people"].rank(
        method="min", ascending=False
    )
    problems += check_rows(
        frame,
        (frame["rank"] != expected) & expected.notna(),
        label,
        "errors.rank_mismatch",
        "rank",
        lambda row: {"value": row["rank"], "expected": int(expected[row.name])},
    )
    problems += _web_links(frame, label, "source_url")
    national = _national_people(label)
    if national is None:
        return problems
    problems += _years_in_totals(frame, label, national)
    for year, people in frame.groupby("fiscal_year")["people"].sum().items():
        limit = max(national.get(int(year), set()), default=None)
        if limit is not None and int(people) > limit:
            problems.append(
                Problem(
                    label,
                    "errors.ranking_exceeds",
                    column="people",
                    params={
                        "fiscal_year": int(year),
                        "value": int(people),
                        "expected": limit,
                    },
                )
            )
    return problems


def _check_headline(frame: pd.DataFrame, label: str) -> list[Problem]:
    # A consistency check only: the FY2023 breakdowns stay usable when the
    # national totals file is the broken one.
    try:
        totals = load("national_totals")
    except DataFileError:
        logger.warning("%s not checked against national_totals.csv", label)
        return []
    row = totals[(totals["kind"] == "dispatch") & (totals["fiscal_year"] == 2023)]
    figures = frame.set_index("key")["value"]
    problems = []
    for key in ("people", "host_municipalities", "companies"):
        if key in figures and not row.empty and row[key].iloc[0] != figures[key]:
            problems.append(
                Problem(
                    label,
                    "errors.headline_mismatch",
                    column="value",
                    params={
                        # Not "key": translate() takes the catalog key by that name.
                        "figure": key,
                        "value": figures[key],
                        "expected": row[key].iloc[0],
                    },
                )
            )
    return problems


def _check_age_gender(frame: pd.DataFrame, label: str) -> list[Problem]:
    sums = frame.groupby(["fiscal_year", "dimension"])["percent"].sum()
    return [
        Problem(
            label,
            "errors.percent_sum",
            column="percent",
            params={"group": f"{fy} {dim}", "value": round(total, 1)},
        )
        for (fy, dim), total in sums.items()
        if abs(total - 100) > PERCENT_SUM_TOLERANCE
    ]


def _check_approach_links(frame: pd.DataFrame, label: str) -> list[Problem]:
    return _joins_master(frame, label) + _web_links(frame, label, "url")


def _check_teijuu(frame: pd.DataFrame, label: str) -> list[Problem]:
    return _joins_master(frame, label)


TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "municipalities",
            "municipalities.csv",
            (
                Column("code", "code5", unique=True),
                Column("code6", "code6", unique=True),
                Column("pref_code", "code2"),
                Column("pref_name"),
                Column("name"),
                Column("name_kana"),
                Column("type", choices=("市", "町", "村", "特別区")),
                Column("designated_city", "bool01"),
                Column("lat", "float", minimum=20, maximum=46),
                Column("lon", "float", minimum=122, maximum=154),
                Column("url", required=False),
            ),
            "2021-01-01",
            _check_municipalities,
        ),
        Table(
            "prefectures",
            "prefectures.csv",
            (
                Column("pref_code", "code2", unique=True),
                Column("pref_name", unique=True),
                Column("pref_kana"),
                Column("pref_en", unique=True),
                Column("lat", "float"),
                Column("lon", "float"),
                Column("metro_prefecture", "bool01"),
                Column("n_municipalities", "int", minimum=1),
                Column("pop_2020", "int", minimum=0),
            ),
            "2021-01-01",
            _check_prefectures,
        ),
        Table(
            "population",
            "population_2020.csv",
            (
                Column("code", "code5", unique=True),
                Column("pop_2020", "int", minimum=0),
                Column("households_2020", "int", minimum=0),
                Column("pop_density_2020", "float", required=False, minimum=0),
                Column(
                    "pct_age65plus_2020",
                    "float",
                    required=False,
                    minimum=0,
                    maximum=100,
                ),
                Column(
                    "pct_under15_2020", "float", required=False, minimum=0, maximum=100
                ),
                Column(
                    "pct_primary_industry_2020",
                    "float",
                    required=False,
                    minimum=0,
                    maximum=100,
                ),
                Column(
                    "pct_secondary_industry_2020",
                    "float",
                    required=False,
                    minimum=0,
                    maximum=100,
                ),
                Column(
                    "pct_tertiary_industry_2020",
                    "float",
                    required=False,
                    minimum=0,
                    maximum=100,
                ),
            ),
            "令和2年国勢調査 (2020-10-01)",
            _check_complete,
        ),
        Table(
            "kaso",
            "kaso_r4.csv",
            (
                Column("code", "code5", unique=True),
                Column("kaso_type", choices=KASO_TYPES),
                Column("partial_areas", required=False),
            ),
            "2022-04-01",
            _joins_master,
        ),
        Table(
            "regional_requirement",
            "regional_requirement_r4.csv",
            (
                Column("code", "code5", unique=True),
                Column("category_id", "int", minimum=1, maximum=10),
                Column("category_label"),
                Column("three_metro_area", "bool01"),
                Column("metro_prefecture", "bool01"),
                Column("pop_decline_exception", "bool01"),
                Column("zone_class", choices=ZONE_CLASSES),
                Column("kaso_type", required=False, choices=KASO_TYPES),
            ),
            "2022-04-01",
            _check_requirement,
        ),
        Table(
            "teijuu_jiritsuken",
            "teijuu_jiritsuken.csv",
            (
                Column("ken_name"),
                Column("role", choices=("中心市", "近隣市町村")),
                Column("code", "code5"),
                Column("source"),
            ),
            "public pages, 2024",
            _check_teijuu,
        ),
        Table(
            "resident_register",
            "population_resident_register.csv",
            (
                Column("code", "code5"),
                Column("year", "int", minimum=2015, maximum=2020),
                Column("population", "int", minimum=0),
            ),
            "住民基本台帳 2015-01-01, 2020-01-01",
            _joins_master,
        ),
        Table(
            "hosts",
            "kigyoujin_hosts.csv",
            (
                Column("code", "code5"),
                Column("pref_name"),
                Column("name"),
                Column("company"),
                Column("type", choices=HOST_TYPES),
                Column("field", required=False),
                Column("start", required=False),
                Column("end", required=False),
                Column("people", "int", required=False, minimum=1),
                Column("source_url"),
                Column("source_date", required=False),
                Column("note", required=False),
                # The year of the official list a record was imported from; empty
                # for the public sample.
                Column(
                    "fiscal_year", "int", required=False, minimum=2014, maximum=2100
                ),
            ),
            "public pages up to 2026",
            _check_hosts,
        ),
        Table(
            "national_totals",
            "national_totals.csv",
            (
                Column("fiscal_year", "int", minimum=2014, maximum=2100),
                Column("kind", choices=(*KINDS, "total")),
                Column("people", "int", minimum=0),
                Column("host_municipalities", "int", required=False, minimum=0),
                Column("companies", "int", required=False, minimum=0),
                Column("basis", choices=("stated", "derived")),
                Column("source"),
                Column("source_url", required=False),
            ),
            "FY2021–FY2024",
            _check_totals,
        ),
        Table(
            "headline_figures",
            "mic_r5/headline_figures.csv",
            (
                Column("key", unique=True),
                Column("value", "int"),
                Column("unit"),
                Column("fiscal_year"),
                Column("note", required=False),
            ),
            "総務省 2024",
            _check_headline,
        ),
        Table(
            "categories",
            "mic_r5/categories.csv",
            (
                Column("fiscal_year", "int", minimum=2014, maximum=2100),
                Column("category"),
                Column("people", "int", minimum=0),
                Column("percent_stated", "float", minimum=0, maximum=100),
                Column("source", required=False),
                Column("source_url", required=False),
            ),
            "FY2023 (総務省 2024)",
            _check_categories,
        ),
        Table(
            "company_ranking",
            "mic_r5/company_ranking.csv",
            (
                Column("fiscal_year", "int", minimum=2014, maximum=2100),
                Column("rank", "int", minimum=1),
                Column("company"),
                Column("people", "int", minimum=0),
                Column("source", required=False),
                Column("source_url", required=False),
            ),
            "FY2023 (総務省 2024)",
            _check_ranking,
        ),
        Table(
            "age_gender",
            "mic_r5/age_gender.csv",
            (
                Column("fiscal_year", "reiwa"),
                Column("dimension", choices=("age", "gender")),
                Column("group"),
                Column("percent", "float", minimum=0, maximum=100),
            ),
            "FY2022–FY2023 (総務省 2024)",
            _check_age_gender,
        ),
        Table(
            "agreement_origins",
            "mic_r5/agreement_origins.csv",
            (
                Column("no", "int", unique=True, minimum=1),
                Column("origin"),
                Column(
                    "side", choices=("企業側", "自治体側", "仲介", "その他", "回答なし")
                ),
                Column("prior_contact", required=False, choices=("あり", "なし")),
                Column("people", "int", minimum=0),
                Column("percent_stated", "float", minimum=0, maximum=100),
            ),
            "FY2023 (総務省 2024)",
            _sums_to_people,
        ),
        Table(
            "approach_links",
            "approach_links.csv",
            (
                # The steps of kigyojin.matching.STEPS (tests/test_matching.py).
                Column(
                    "step",
                    choices=(
                        "known",
                        "mic_site",
                        "direct",
                        "cabinet_office",
                        "intermediary",
                    ),
                ),
                Column("code", "code5"),
                Column("company"),
                Column("url"),
                Column("evidence"),
            ),
            "public pages up to 2026",
            _check_approach_links,
        ),
    )
}


def check_digit(code5: str) -> str:
    """The 6th digit of a 全国地方公共団体コード (JIS X 0402 rule)."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    # 11 minus the remainder, keeping only its last digit (10 -> 0, 11 -> 1).
    return str((11 - total % 11) % 10)


def load(name: str) -> pd.DataFrame:
    """The table `name`, validated; cached until its file changes on disk.

    Treat the result as read-only: it is shared by every caller.
    """
    table = TABLES[name]
    path = data_dir() / table.path
    return _load(name, str(path), signature(path))


def versions() -> tuple[tuple[str, int, int], ...]:
    """Every table's file with its modification time and size, in `TABLES` order.

    A cache key for results computed from the tables: it changes when any file
    does (an import, an edit, a restored version) or the data folder is another.
    """
    folder = data_dir()
    return tuple(
        (str(folder / table.path), *signature(folder / table.path))
        for table in TABLES.values()
    )


# Within `one_view()`, the signature of each file already looked at.
_seen: contextvars.ContextVar[dict[str, tuple[int, int]] | None] = (
    contextvars.ContextVar("kigyojin_data_seen", default=None)
)


@contextlib.contextmanager
def one_view() -> Iterator[None]:
    """Within it, each file is looked at on disk once, then taken as it was.

    A script run of the app reads its tables and the cache keys made from them
    tens of times; inside one view they cost one `stat` per file, and a file
    replaced while the run goes on keeps its first version's cache keys until the
    next view. Outside a view, every call looks at the file again.
    """
    token = _seen.set({})
    try:
        yield
    finally:
        _seen.reset(token)


def signature(path: Path) -> tuple[int, int]:
    """The file's modification time (ns) and size, or (0, 0) if it is missing."""
    seen = _seen.get()
    key = str(path)
    if seen is not None and key in seen:
        return seen[key]
    try:
        stat = path.stat()
        result = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        result = (0, 0)
    if seen is not None:
        seen[key] = result
    return result


@shared_cache(maxsize=64)
def _load(name: str, path: str, signature: tuple[int, int]) -> pd.DataFrame:
    table = TABLES[name]
    label = table.path
    frame = read_table(Path(path), table.columns, label=label)
    if table.check is not None:
        problems = table.check(frame, label)
        if problems:
            raise DataFileError(problems)
    logger.info("loaded %s: %d rows, vintage %s", label, len(frame), table.vintage)
    return frame


def vintage(name: str) -> str:
    """What date or survey the table `name` describes."""
    return TABLES[name].vintage


@dataclass(frozen=True)
class Source:
    """Where figures come from, as the data file writes it (text from data)."""

    title: str
    urls: tuple[str, ...] = ()


def year_sources(name: str, fiscal_year: int) -> tuple[Source, ...]:
    """The 出典 of table `name`'s rows for `fiscal_year`, each once, in file order.

    For the tables with a `source` column (`national_totals`, `categories`,
    `company_ranking`); several URLs in one cell are separated by ";". Empty when
    the year has no rows or its rows name no source (an import left 出典 empty).
    """
    table = load(name)
    if "source" not in table.columns:
        raise ValueError(f"{name} has no source column")
    rows = table[table["fiscal_year"] == int(fiscal_year)]
    found: dict[tuple[str, tuple[str, ...]], Source] = {}
    for title, link in zip(rows["source"], rows["source_url"], strict=True):
        title = "" if pd.isna(title) else str(title)
        urls = (
            ()
            if pd.isna(link)
            else tuple(filter(None, map(str.strip, link.split(";"))))
        )
        if title or urls:
            found.setdefault((title, urls), Source(title, urls))
    return tuple(found.values())

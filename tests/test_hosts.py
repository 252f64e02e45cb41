"""The public host records: fiscal years, filters and counts per municipality."""

from pathlib import Path

import pandas as pd
import pytest

from kigyojin import hosts
from kigyojin.errors import KigyojinError


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025-04", 2025),  # April opens the fiscal year
        ("2025-03", 2024),  # March closes the one before
        ("2026-01", 2025),
        ("2025-12", 2025),
        ("FY2023", 2023),
        ("", None),
        (None, None),
    ],
)
def test_fiscal_year_of_a_period(period: str | None, expected: int | None) -> None:
    """A month falls in the fiscal year that began the April before it."""
    assert hosts.fiscal_year_of(period) == expected


def test_fiscal_year_of_a_malformed_period_is_an_error() -> None:
    """Anything but YYYY-MM, FYyyyy or blank is refused, not guessed."""
    with pytest.raises(ValueError, match="2025/04"):
        hosts.fiscal_year_of("2025/04")


def test_source_urls_are_split_on_semicolons() -> None:
    """Several links in one cell become a tuple, in order, without blanks."""
    cell = "https://a.example/1 ; https://b.example/2;"
    assert hosts.source_urls(cell) == ("https://a.example/1", "https://b.example/2")
    assert hosts.source_urls(None) == ()


def test_records_cover_the_shipped_sample() -> None:
    """116 records in 93 municipalities, each with a prefecture and a source."""
    records = hosts.records()
    assert list(records.columns) == list(hosts.COLUMNS)
    assert len(records) == 116
    assert records["code"].nunique() == 93
    assert records["pref_code"].eq(records["code"].str[:2]).all()
    assert records["sources"].map(len).ge(1).all()
    assert records["sources"].explode().str.match(r"https?://\S+$").all()


def test_records_know_the_fiscal_years_they_state() -> None:
    """Start and end become fiscal years; blanks stay unknown."""
    records = hosts.records().set_index(["code", "company"])
    row = records.loc[("01362", "クロス・ビジネス・プロデューサーズ")]
    assert (row["start"], row["end"]) == (None, "2026-03")
    assert pd.isna(row["start_fiscal_year"])
    assert row["end_fiscal_year"] == 2025
    known = hosts.records().dropna(subset=["start"])
    assert known["start_fiscal_year"].notna().all()
    assert hosts.records()["start_fiscal_year"].isna().sum() == 58


def test_filters_combine_and_empty_filters_keep_all() -> None:
    """Each filter narrows; together they must all hold."""
    records = hosts.records()
    assert len(hosts.filter_records(records)) == 116
    side_jobs = hosts.filter_records(records, types=("副業型",))
    assert len(side_jobs) == 8
    assert set(side_jobs["type"]) == {"副業型"}
    tourism = hosts.filter_records(records, fields=("観光振興",))
    assert len(tourism) == 27
    gnavi = hosts.filter_records(records, company="株式会社ぐるなび")
    assert len(gnavi) == 9
    both = hosts.filter_records(records, company="株式会社ぐるなび", pref_code="01")
    assert set(both["pref_code"]) == {"01"}
    assert 0 < len(both) < len(gnavi)


def test_host_filter_applies_every_choice() -> None:
    """A HostFilter gives the same records as the filters passed one by one."""
    records = hosts.records()
    chosen = hosts.HostFilter(types=("企業派遣型",), fields=("観光振興", "DX"))
    expected = hosts.filter_records(
        records, types=("企業派遣型",), fields=("観光振興", "DX")
    )
    assert chosen.apply(records).equals(expected)
    assert len(expected) == 31
    assert hosts.HostFilter().apply(records).equals(records)
    assert hash(chosen) == hash(hosts.HostFilter(("企業派遣型",), ("観光振興", "DX")))


def test_fiscal_year_filter_keeps_records_started_that_year() -> None:
    """In the public sample a record's year is its start; unknown starts go."""
    records = hosts.records()
    assert records["fiscal_year"].equals(records["start_fiscal_year"])
    fy2025 = hosts.filter_records(records, fiscal_year=2025)
    assert len(fy2025) == 15
    assert fy2025["start_fiscal_year"].eq(2025).all()
    assert fy2025["start"].str.startswith(("2025-", "2026-0", "FY2025")).all()


def test_official_list_year_comes_before_the_start(data_copy: Path) -> None:
    """A record imported from FY2024's official list belongs to FY2024."""
    path = data_copy / "kigyoujin_hosts.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(
        "01209,北海道,夕張市,株式会社テスト,企業派遣型,DX,2023-10,,1,"
        "https://www.soumu.go.jp/,,,2024"
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    record = hosts.records().iloc[-1]
    assert (record["start_fiscal_year"], record["fiscal_year"]) == (2023, 2024)
    fy2024 = hosts.filter_records(hosts.records(), fiscal_year=2024)
    assert "株式会社テスト" in set(fy2024["company"])


def test_counts_by_municipality() -> None:
    """厚真町 has the most records (6, from 6 companies); all 116 are counted."""
    counts = hosts.counts_by_municipality(hosts.records())
    assert len(counts) == 93
    assert counts["records"].sum() == 116
    assert counts.iloc[0].to_dict() == {
        "code": "01581",
        "pref_code": "01",
        "name": "厚真町",
        "records": 6,
        "companies": 6,
    }
    assert counts["records"].is_monotonic_decreasing


def test_counts_of_no_records_are_empty() -> None:
    """Filters that match nothing give an empty count table, not an error."""
    none = hosts.filter_records(hosts.records(), company="no such company")
    counts = hosts.counts_by_municipality(none)
    assert counts.empty
    assert list(counts.columns) == ["code", "pref_code", "name", "records", "companies"]


def test_options_list_what_the_data_holds() -> None:
    """Types in their fixed order, known start years newest first."""
    options = hosts.options(hosts.records())
    assert options["types"] == ["企業派遣型", "副業型", "地域おこし企業人", "unknown"]
    assert options["fiscal_years"][0] == 2026
    assert options["fiscal_years"] == sorted(options["fiscal_years"], reverse=True)
    assert "観光振興" in options["fields"]
    assert len(options["companies"]) == 78


def test_national_hosts_are_the_stated_years() -> None:
    """FY2023's 449 and FY2024's 439 for both types; FY2022's derived 368 left out."""
    assert hosts.national_hosts() == hosts.NationalHosts(439, 449, 2023, 2024)
    assert hosts.national_hosts_params("ja") == {
        "hosts": "439～449",
        "years": "令和5年度～令和6年度",
    }
    assert hosts.national_hosts_params("en") == {
        "hosts": "439–449",
        "years": "FY2023 to FY2024",
    }


def test_national_hosts_of_one_stated_year(data_copy: Path) -> None:
    """Only FY2024 stated: one count (its both-types row) and one year, no range."""
    path = data_copy / "national_totals.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(line for line in lines if not line.startswith("2023,")),
        encoding="utf-8",
    )
    assert hosts.national_hosts() == hosts.NationalHosts(439, 439, 2024, 2024)
    assert hosts.national_hosts_params("en") == {"hosts": "439", "years": "FY2024"}


def test_national_hosts_need_a_stated_count(data_copy: Path) -> None:
    """Without any stated count of hosts the pages get a message, not a number."""
    path = data_copy / "national_totals.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["host_municipalities"] = frame["host_municipalities"].where(
        frame["basis"] != "stated", ""
    )
    frame.to_csv(path, index=False)
    with pytest.raises(KigyojinError) as caught:
        hosts.national_hosts()
    assert caught.value.key == "map.no_national_hosts"

"""Company names, the ranking, each company's hosts, and the companies page."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from kigyojin import companies, maps
from kigyojin.errors import KigyojinError

APP = "../app.py"  # AppTest resolves a relative path against this file
PAGE = "pages/companies.py"


def run_companies(lang: str = "ja", **params: str) -> AppTest:
    """The companies page in `lang`, opened with URL parameters `params`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("株式会社JTB", "jtb"),
        ("JTB株式会社", "jtb"),
        ("㈱ＪＴＢ", "jtb"),
        ("（株）JTB", "jtb"),
        ("JTB (株)", "jtb"),
        ("ソフトバンク株式会社", "ソフトバンク"),
        ("ｿﾌﾄﾊﾞﾝｸ", "ソフトバンク"),
        ("合同会社DMM.com", "dmm.com"),
        ("株式会社ABC Cooking Studio", "abccookingstudio"),
        ("株式会社 ABC　Cooking Studio", "abccookingstudio"),
        ("株式会社エイチ・アイ・エス", "エイチアイエス"),
        ("株式会社ぐるなび", "グルナビ"),
        ("一般社団法人RCF", "rcf"),
        ("デロイト トーマツ ファイナンシャルアドバイザリー合同会社", None),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(name: str | None, key: str | None) -> None:
    """Legal form, its place, width, case, spaces and kana script do not matter."""
    expected = "デロイトトーマツファイナンシャルアドバイザリー" if key is None else key
    assert companies.normalize(name) == expected


def test_different_companies_stay_apart() -> None:
    """Names that differ in more than spelling are not merged."""
    pairs = [
        ("日本郵便株式会社", "日本郵政株式会社"),
        ("近畿日本ツーリスト株式会社", "近畿日本ツーリスト中部"),
        ("株式会社RCG", "一般社団法人RCF"),
    ]
    for first, second in pairs:
        assert companies.normalize(first) != companies.normalize(second)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("JTB", ["株式会社JTB"]),
        ("ｊｔｂ", ["株式会社JTB"]),
        ("ｿﾌﾄﾊﾞﾝｸ", ["ソフトバンク株式会社"]),
        ("株式会社近畿日本ツーリスト", ["近畿日本ツーリスト株式会社"]),
        ("ﾂｰﾘ", ["クラブツーリズム株式会社", "近畿日本ツーリスト株式会社"]),
        ("存在しない会社", []),
    ],
)
def test_search_the_ranking(query: str, found: list[str]) -> None:
    """A search finds companies however their name is written."""
    assert companies.search(query, companies.ranking())["company"].tolist() == found


def test_empty_search_keeps_everything() -> None:
    """No query, no filter."""
    assert len(companies.search("", companies.ranking())) == 19
    assert len(companies.search(None)) == len(companies.directory())


def test_ranking_shares_of_all_people() -> None:
    """The deck's 19 companies by rank, each share of FY2023's 779 people."""
    ranking = companies.ranking()
    assert ranking[["rank", "company", "people"]].head(4).values.tolist() == [
        [1, "株式会社JTB", 43],
        [2, "合同会社DMM.com", 42],
        [3, "日本航空株式会社", 41],
        [4, "ソフトバンク株式会社", 27],
    ]
    # Companies with the same count share a rank, as the deck prints them.
    ranks = [*range(1, 12), 12, 12, 14, 14, 16, 16, 18, 18]
    assert ranking["rank"].tolist() == ranks
    assert ranking["share"].iloc[0] == pytest.approx(43 / 779 * 100)


def test_top_shares() -> None:
    """Top 3, 10 and 19 send 126, 258 and 337 of 779 people (16.2/33.1/43.3 %)."""
    tops = companies.top_shares()
    assert [(t.top, t.companies, t.people, t.total) for t in tops] == [
        (3, 3, 126, 779),
        (10, 10, 258, 779),
        (19, 19, 337, 779),
    ]
    assert [round(t.share, 1) for t in tops] == [16.2, 33.1, 43.3]
    assert [round(t.company_share, 1) for t in tops] == [0.9, 3.0, 5.8]


def test_top_shares_include_ties_at_the_boundary() -> None:
    """Two companies share rank 12, so the 'top 12' are 13 companies."""
    (top,) = companies.top_shares(counts=(12,))
    assert (top.companies, top.people) == (13, 258 + 11 + 10 + 10)


def test_year_without_national_totals_is_an_error() -> None:
    """Shares need the year's national people: a year without them says so."""
    with pytest.raises(KigyojinError) as caught:
        companies.year_totals(2019)
    assert caught.value.key == "companies.no_year_totals"


def test_directory_has_one_row_per_company() -> None:
    """The ranking and the host records merge on the name key: 84 companies."""
    directory = companies.directory()
    assert len(directory) == 84
    assert directory["key"].is_unique
    assert directory.head(19)["rank"].tolist() == companies.ranking()["rank"].tolist()
    knt = directory.set_index("key").loc["近畿日本ツーリスト"]
    # The deck: 近畿日本ツーリスト株式会社; the host record: 株式会社近畿日本ツーリスト.
    assert (knt["company"], knt["rank"], knt["records"]) == (
        "近畿日本ツーリスト株式会社",
        18,
        1,
    )
    assert knt["hosts"] == ["20213"]
    his = directory.set_index("key").loc["エイチアイエス"]
    assert (his["company"], pd.isna(his["rank"]), his["records"]) == (
        "株式会社エイチ・アイ・エス",
        True,
        8,
    )


def test_directory_table_names_places_in_the_language() -> None:
    """Hosts as 'name (prefecture)' in English, 'name（prefecture）' in Japanese."""
    directory = companies.directory()
    jtb = directory[directory["key"] == "jtb"]
    en = companies.directory_table(jtb, "en").iloc[0]
    assert (en["hosts"], en["fields"], en["years"]) == (
        "魚津市 (Toyama), 長門市 (Yamaguchi)",
        "Tourism",
        "FY2021–FY2023",
    )
    ja = companies.directory_table(jtb, "ja").iloc[0]
    assert (ja["hosts"], ja["fields"], ja["years"]) == (
        "魚津市（富山県）、長門市（山口県）",
        "観光振興",
        "令和3年度〜令和5年度",
    )
    unlisted = directory[directory["records"] == 0].head(1)
    row = companies.directory_table(unlisted, "en").iloc[0]
    assert (row["hosts"], row["fields"], row["years"]) == ("", "", "Not stated")


def test_place_names() -> None:
    """A municipality with its prefecture in either language."""
    assert companies.place_names(["01209", "47201"], "en") == [
        "夕張市 (Hokkaido)",
        "那覇市 (Okinawa)",
    ]
    assert companies.place_names(["01209"], "ja") == ["夕張市（北海道）"]


def test_records_table_in_english() -> None:
    """JTB's records as the pages show them: prefecture and labels in English."""
    table, sources = companies.records_table(companies.hosts_of("jtb"), "en")
    assert sources == ["source_1"]
    assert table.drop(columns=["note", "source_1"]).to_dict("records") == [
        {
            "pref": "Yamaguchi",
            "name": "長門市",
            "company": "株式会社JTB",
            "type": "Company dispatch",
            "field": "Tourism",
            "group": "Tourism",
            "period": "2021-04 – 2024-03",
        },
        {
            "pref": "Toyama",
            "name": "魚津市",
            "company": "株式会社JTB",
            "type": "Side job",
            "field": "Tourism",
            "group": "Tourism",
            "period": "Not stated",
        },
    ]
    assert table["source_1"].str.startswith("https://").all()


def test_records_table_of_a_record_without_a_field() -> None:
    """No field stated: the field says so, the group says no field is stated."""
    records = companies.host_records()
    table, _ = companies.records_table(records[records["field"].isna()].head(1), "ja")
    assert (table.at[0, "field"], table.at[0, "group"]) == (
        "記載なし",
        "分野の記載なし",
    )


def test_ranking_with_records() -> None:
    """The ranking gains each company's host records: JTB 2, DMM none."""
    ranking = companies.ranking_with_records(companies.ranking(), companies.directory())
    assert list(ranking.columns) == [
        "rank",
        "company",
        "key",
        "people",
        "share",
        "records",
    ]
    assert ranking.set_index("key")["records"].head(2).to_dict() == {
        "jtb": 2,
        "dmm.com": 0,
    }


@pytest.mark.parametrize(
    ("key", "expected"),
    [("jtb", ["jtb"]), ("エイチアイエス", None), (None, None), ("", None)],
)
def test_only_chosen(key: str | None, expected: list[str] | None) -> None:
    """A ranked choice narrows the ranking to its row; any other leaves it whole."""
    ranking = companies.ranking()
    rows = companies.only_chosen(ranking, key)
    assert rows["key"].tolist() == (expected or ranking["key"].tolist())


def test_hosts_of_a_company() -> None:
    """JTB's two public records, the dated one first, with their sources."""
    hosts = companies.hosts_of("jtb")
    assert hosts[["name", "pref_name", "type", "field", "group"]].values.tolist() == [
        ["長門市", "山口県", "企業派遣型", "観光振興", "tourism"],
        ["魚津市", "富山県", "副業型", "観光振興", "tourism"],
    ]
    assert hosts["start_year"].tolist()[0] == 2021
    assert hosts["end_year"].tolist()[0] == 2023  # ends 2024-03, in FY2023
    assert all(url.startswith("http") for urls in hosts["sources"] for url in urls)
    assert hosts[["lat", "lon"]].notna().all().all()


def test_source_columns() -> None:
    """Records with several sources spread them over source_1, source_2, …."""
    records = companies.host_records()
    spread, names = companies.with_source_columns(records)
    assert names == ["source_1", "source_2", "source_3"]
    two = spread[records["sources"].map(len) == 2].iloc[0]
    assert two["source_1"] == records.loc[two.name, "sources"][0]
    assert two["source_2"] == records.loc[two.name, "sources"][1]
    assert pd.isna(two["source_3"])
    assert companies.with_source_columns(records.head(0))[1] == []


@pytest.mark.parametrize(
    ("selection", "key"),
    [
        ({"company_pick": [{"key": "jtb"}]}, "jtb"),
        ({"company_pick": [{"key": "jtb"}, {"key": "ソフトバンク"}]}, "ソフトバンク"),
        ({"company_pick": []}, None),
        ({"company_pick": [{"rank": 1}]}, None),
        ({}, None),
        (None, None),
    ],
)
def test_company_from_selection(selection, key: str | None) -> None:
    """A click on the ranking gives the company's key (the last one clicked)."""
    assert companies.company_from_selection(selection, "company_pick") == key


@pytest.mark.parametrize(
    ("start", "end", "lang", "text"),
    [
        ("2021-04", "2024-03", "ja", "2021-04〜2024-03"),
        ("2025-10", None, "ja", "2025-10〜"),
        (None, "2026-03", "en", " – 2026-03"),
        (None, None, "ja", "記載なし"),
        ("", "", "en", "Not stated"),
    ],
)
def test_period_text(start, end, lang: str, text: str) -> None:
    """A period as published, open ends left open."""
    assert companies.period_text(start, end, lang) == text


def test_years_text() -> None:
    """A range of fiscal years, one year, or none."""
    assert companies.years_text(2021, 2023, "ja") == "令和3年度〜令和5年度"
    assert companies.years_text(2021, 2021, "en") == "FY2021"
    assert companies.years_text(None, None, "en") == "Not stated"


def test_page_metrics_and_search_from_the_url() -> None:
    """?q=ｿﾌﾄﾊﾞﾝｸ leaves one ranked company in the table; the top shares show."""
    at = run_companies("ja", q="ｿﾌﾄﾊﾞﾝｸ")
    metrics = [m.value for m in at.metric]
    assert metrics[:3] == ["16.2%", "33.1%", "43.3%"]
    ranking = next(d.value for d in at.dataframe if "順位" in d.value.columns)
    assert ranking["企業"].tolist() == ["ソフトバンク株式会社"]
    assert [e.value for e in at.error] == []


def test_page_shows_a_chosen_company_with_sources_and_map() -> None:
    """?company=jtb: its name, its two hosts with links in English, and the map
    page's deck of its hosts; the ranking table narrowed to JTB."""
    at = run_companies("en", company="jtb")
    assert [s.value for s in at.subheader] == [ui.plain("株式会社JTB")]
    hosts = next(d.value for d in at.dataframe if "Source 1" in d.value.columns)
    assert hosts["Municipality"].tolist() == ["長門市", "魚津市"]
    assert hosts["Prefecture"].tolist() == ["Yamaguchi", "Toyama"]
    assert hosts["Source 1"].str.startswith("http").all()
    (deck,) = at.get("deck_gl_json_chart")
    assert json.loads(deck.proto.json) == json.loads(
        maps.company_deck("jtb", "en").to_json()
    )
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    assert ranking["Company"].tolist() == ["株式会社JTB"]
    assert any(
        c.value.startswith("Showing only the chosen company of the 19.")
        for c in at.caption
    )
    directory = next(d.value for d in at.dataframe if "Years" in d.value.columns)
    assert (
        directory.set_index("Company").at[
            "株式会社JTB", "Host municipalities (public records)"
        ]
        == "魚津市 (Toyama), 長門市 (Yamaguchi)"
    )
    assert [e.value for e in at.error] == []


def test_page_without_a_choice_lists_the_whole_ranking() -> None:
    """No company chosen: all 19 ranked companies in the table, no map."""
    at = run_companies("ja")
    ranking = next(d.value for d in at.dataframe if "順位" in d.value.columns)
    assert len(ranking) == 19
    assert at.get("deck_gl_json_chart") == []


def test_page_shows_company_names_as_text(data_copy: Path) -> None:
    """A name holding Markdown or HTML is shown literally, not rendered."""
    path = data_copy / "kigyoujin_hosts.csv"
    name = "**bold** <script>x</script>"
    text = path.read_text(encoding="utf-8").replace("株式会社カヤック", name)
    path.write_text(text, encoding="utf-8")
    key = companies.normalize(name)
    at = run_companies("ja", company=key)
    (subheader,) = at.subheader
    assert subheader.value == ui.plain(name)
    assert "\\*\\*bold\\*\\* \\<script\\>x\\</script\\>" in subheader.value
    hosts = next(d.value for d in at.dataframe if "出典1" in d.value.columns)
    assert set(hosts["企業（出典の表記）"]) == {name}


def test_records_table_of_chosen_groups() -> None:
    """The Fields page's sample table: the records of the chosen groups, or all."""
    records = companies.host_records()
    table, _ = companies.records_in_groups_table(("dx", "tourism"), "en")
    expected = records["group"].isin(["dx", "tourism"]).sum()
    assert len(table) == expected > 0
    assert set(table["group"]) == {"Digital (DX)", "Tourism"}
    everything, _ = companies.records_in_groups_table((), "en")
    assert len(everything) == len(records)

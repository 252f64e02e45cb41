"""The map's decks, tooltips and tables, checked as data: no browser needed."""

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from kigyojin import eligibility, hosts, maps
from kigyojin.style import FONT_FAMILY, VERDICT_COLORS

EVERYTHING = hosts.HostFilter()
VERDICT_LAYERS = {
    maps.MUNICIPALITY_LAYER.format(verdict=v): v for v in eligibility.VERDICTS
}
# The budgets of issue 4 for what one view sends over the WebSocket.
NATIONAL_BUDGET = 600_000
PREFECTURE_BUDGET = 400_000


def spec_of(deck: maps.CompactDeck) -> dict:
    """The deck as the page sends it."""
    return json.loads(deck.to_json())


def layers_of(spec: dict) -> dict[str, dict]:
    return {layer["id"]: layer for layer in spec["layers"]}


def strings(value) -> list[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


@pytest.fixture(scope="module")
def national() -> dict:
    return spec_of(maps.national_deck(EVERYTHING, "ja"))


@pytest.fixture(scope="module")
def hokkaido() -> dict:
    return spec_of(maps.prefecture_deck("01", EVERYTHING, "en", selected="01209"))


def test_national_view_layers(national: dict) -> None:
    """Fills by verdict, prefectures to hover and click, then the host dots."""
    assert [layer["id"] for layer in national["layers"]] == [
        *VERDICT_LAYERS,
        maps.PREFECTURE_LAYER,
        maps.HOST_LAYER,
    ]
    layers = layers_of(national)
    assert len(layers[maps.PREFECTURE_LAYER]["data"]) >= 47
    assert {row["pref_code"] for row in layers[maps.PREFECTURE_LAYER]["data"]} == {
        f"{n:02d}" for n in range(1, 48)
    }
    assert layers[maps.PREFECTURE_LAYER]["pickable"] is True
    assert not any(layers[name].get("pickable") for name in VERDICT_LAYERS)


def test_prefecture_view_layers(hokkaido: dict) -> None:
    """Municipalities by verdict, outlines, the chosen one, host dots and names."""
    assert [layer["id"] for layer in hokkaido["layers"]] == [
        *VERDICT_LAYERS,
        maps.PREFECTURE_LAYER,
        maps.SELECTED_LAYER,
        maps.HOST_LAYER,
        maps.LABEL_LAYER,
    ]


@pytest.mark.parametrize("pref_code", ["01", "13", "23", "28"])
def test_municipalities_are_coloured_by_their_verdict(pref_code: str) -> None:
    """Each municipality is in the layer of its verdict, filled in that colour."""
    spec = spec_of(maps.prefecture_deck(pref_code, EVERYTHING, "ja"))
    verdicts = eligibility.host_verdicts().set_index("code")["verdict"]
    drawn = {}
    for layer in spec["layers"]:
        verdict = VERDICT_LAYERS.get(layer["id"])
        if verdict is None:
            continue
        assert layer["getFillColor"] == maps.rgb(
            VERDICT_COLORS[verdict], maps.FILL_ALPHA
        )
        for row in layer["data"]:
            drawn.setdefault(row["code"], set()).add(verdict)
    expected = verdicts[verdicts.index.str.startswith(pref_code)]
    assert {code: {verdict} for code, verdict in expected.items()} == drawn


def test_national_fills_count_every_municipality(national: dict) -> None:
    """Each verdict's layer holds at least one polygon per municipality."""
    counts = eligibility.host_verdicts()["verdict"].value_counts()
    for layer_id, verdict in VERDICT_LAYERS.items():
        layer = layers_of(national)[layer_id]
        assert len(layer["data"]) >= counts[verdict]
    assert counts.to_dict() == {
        "eligible": 1426,
        "ineligible_estimated": 284,
        "ineligible": 31,
    }


def test_host_dots_are_the_records_municipalities(national: dict) -> None:
    """93 dots, sized by record count: 厚真町's 6 records make the largest."""
    dots = layers_of(national)[maps.HOST_LAYER]["data"]
    assert len(dots) == 93
    assert {dot["code"] for dot in dots} == set(hosts.records()["code"])
    assert sum(dot["records"] for dot in dots) == 116
    biggest = max(dots, key=lambda dot: dot["radius"])
    assert (biggest["code"], biggest["records"]) == ("01581", 6)
    radii = sorted((dot["records"], dot["radius"]) for dot in dots)
    assert [r for _, r in radii] == sorted(r for _, r in radii)


def test_filters_choose_the_dots() -> None:
    """Only side-job cases: the dots are the municipalities of those 8 records."""
    chosen = hosts.HostFilter(types=("副業型",))
    dots = layers_of(spec_of(maps.national_deck(chosen, "ja")))[maps.HOST_LAYER]
    side_jobs = hosts.filter_records(hosts.records(), types=("副業型",))
    assert {dot["code"] for dot in dots["data"]} == set(side_jobs["code"])
    assert sum(dot["records"] for dot in dots["data"]) == 8


def test_no_url_and_no_basemap_in_the_deck(national: dict, hokkaido: dict) -> None:
    """Nothing in a deck can make the browser fetch: no URL, no map provider."""
    for spec in (national, hokkaido):
        text = json.dumps(spec, ensure_ascii=False)
        assert not re.search(r"https?:|//|www\.|carto|mapbox", text, re.IGNORECASE)
        assert "mapProvider" not in spec
        # pydeck's placeholder: Streamlit then draws no basemap (None would load one).
        assert spec["mapStyle"] == "__MAP_STYLE__"


def test_tooltips_are_text_templates(national: dict) -> None:
    """Tooltips fill one text field: never an HTML template."""
    deck = maps.national_deck(EVERYTHING, "ja")
    assert deck._tooltip["text"] == "{tooltip}"
    assert "html" not in deck._tooltip
    for layer in national["layers"]:
        if layer.get("pickable"):
            assert all(row["tooltip"] for row in layer["data"]), layer["id"]


def test_literal_arguments_are_not_expressions(hokkaido: dict) -> None:
    """Japanese labels need the automatic character set, passed as a string."""
    labels = layers_of(hokkaido)[maps.LABEL_LAYER]
    assert labels["characterSet"] == "auto"
    assert labels["fontFamily"] == FONT_FAMILY
    assert {row["name"] for row in labels["data"]} >= {"厚真町", "当麻町"}
    assert labels["getText"] == "@@=name"
    expressions = [s for s in strings(hokkaido) if s.startswith("@@=")]
    assert all(re.fullmatch(r"@@=\[?[a-z_, ]+\]?", s) for s in expressions)


def test_the_chosen_municipality_is_outlined(hokkaido: dict) -> None:
    """夕張市 chosen: its outer ring drawn as a black line."""
    selected = layers_of(hokkaido)[maps.SELECTED_LAYER]
    assert selected["getColor"] == maps.SELECTED_COLOR
    drawn = [row["path"] for row in selected["data"]]
    yubari = next(
        row["polygon"]
        for layer in hokkaido["layers"]
        if layer["id"] in VERDICT_LAYERS
        for row in layer["data"]
        if row["code"] == "01209"
    )
    assert drawn == [yubari[0]]


def test_prefecture_view_is_framed_on_the_prefecture(hokkaido: dict) -> None:
    """The view is centred inside 北海道 at a zoom that shows all of it."""
    view = hokkaido["initialViewState"]
    assert 141 < view["longitude"] < 144 and 42 < view["latitude"] < 45
    assert 5 < view["zoom"] < 7


def test_municipality_tooltip_in_both_languages() -> None:
    """Name and reading, prefecture, verdict with reasons, facts and host records."""
    facts = maps.municipality_facts().set_index("code")
    records = hosts.records()
    row = facts.loc["01581"].copy()
    row["code"] = "01581"
    mine = records[records["code"] == "01581"]
    ja = maps.municipality_tooltip(row, mine, "ja").splitlines()
    assert ja[:3] == [
        "厚真町（あつまちょう）・北海道",
        "受入資格：受入可能",
        "・三大都市圏（11都府県）の外にある市町村です。",
    ]
    assert ja[3].startswith("人口 4,")
    assert ja[6] == "公開事例 6件："
    assert len(ja) == 7 + maps.TOOLTIP_RECORDS + 1 and ja[-1] == "ほか1件"
    en = maps.municipality_tooltip(row, mine, "en").splitlines()
    assert en[:2] == ["厚真町 (あつまちょう), Hokkaido", "Host eligibility: May host"]
    assert en[6] == "Public host cases: 6"


def test_tooltip_shows_markup_from_data_literally() -> None:
    """A name with <b>markup</b> stays as typed: tooltips are text, not HTML."""
    row = maps.municipality_facts().set_index("code").loc["01209"].copy()
    row["name"] = "夕張<b>markup</b>市"
    record = hosts.records().iloc[:1].assign(company="<img src=x>社")
    text = maps.municipality_tooltip(row, record, "ja")
    assert "夕張<b>markup</b>市" in text
    assert "<img src=x>社" in text


def test_estimated_verdicts_say_so() -> None:
    """豊明市, urban and in none of our lists: 'not eligible (estimate), confirm'."""
    facts = maps.municipality_facts().set_index("code")
    # 名古屋市 is an urban designated city: a bare no.
    assert facts.at["23100", "verdict"] == "ineligible"
    toyoake = facts.loc["23229"].copy()
    toyoake["code"] = "23229"
    text = maps.municipality_tooltip(toyoake, hosts.records().iloc[0:0], "ja")
    assert "受入資格：対象外（目安）：都道府県にご確認ください" in text
    assert "公開事例：なし（当方の標本にないだけの可能性があります）" in text


def test_host_dot_tooltip_holds_every_fact() -> None:
    """魚津市's dot: name and reading, prefecture, verdict and reason, population,
    share aged 65+, 過疎, regional class and its record, as plain text lines."""
    spec = spec_of(maps.prefecture_deck("16", EVERYTHING, "ja"))
    dots = {dot["code"]: dot for dot in layers_of(spec)[maps.HOST_LAYER]["data"]}
    assert dots["16204"]["tooltip"].splitlines() == [
        "魚津市（うおづし）・富山県",
        "受入資格：受入可能",
        "・三大都市圏（11都府県）の外にある市町村です。",
        "人口 40,535人（2020年）・65歳以上 34.3%",
        "過疎：過疎地域ではない",
        "地域要件区分：三大都市圏外・一部条件不利地域",
        "公開事例 1件：",
        "・株式会社JTB（副業型、観光振興）",
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_dot_says_what_the_polygon_under_it_says(hokkaido: dict, lang: str) -> None:
    """In a prefecture view each dot's tooltip is its municipality's, word for word."""
    spec = (
        hokkaido
        if lang == "en"
        else spec_of(maps.prefecture_deck("01", EVERYTHING, "ja"))
    )
    polygons = {
        row["code"]: row["tooltip"]
        for layer in spec["layers"]
        if layer["id"] in VERDICT_LAYERS
        for row in layer["data"]
    }
    dots = layers_of(spec)[maps.HOST_LAYER]["data"]
    assert len(dots) > 10
    assert {dot["code"]: dot["tooltip"] for dot in dots} == {
        dot["code"]: polygons[dot["code"]] for dot in dots
    }


def test_national_dots_name_the_prefecture_in_english() -> None:
    """The national view's dots carry the full tooltip, prefecture in English."""
    spec = spec_of(maps.national_deck(EVERYTHING, "en"))
    dots = {dot["code"]: dot for dot in layers_of(spec)[maps.HOST_LAYER]["data"]}
    lines = dots["16204"]["tooltip"].splitlines()
    assert lines[0] == "魚津市 (うおづし), Toyama"
    assert lines[3:6] == [
        "Population 40,535 (2020), aged 65+: 34.3%",
        "過疎 (depopulation): not depopulated",
        lines[5],
    ]
    assert lines[5].startswith("Regional class: ")
    assert lines[-2:] == ["Public host cases: 1", "• 株式会社JTB (Side job, Tourism)"]


def test_company_deck_spec() -> None:
    """JTB's hosts: land, prefecture outlines, its two dots with names, no basemap,
    no URL, framed on the dots."""
    deck = maps.company_deck("jtb", "en")
    spec = spec_of(deck)
    assert [layer["id"] for layer in spec["layers"]] == [
        maps.LAND_LAYER,
        maps.PREFECTURE_LAYER,
        maps.HOST_LAYER,
        maps.LABEL_LAYER,
    ]
    layers = layers_of(spec)
    dots = layers[maps.HOST_LAYER]["data"]
    assert [(d["code"], d["name"], d["records"]) for d in dots] == [
        ("16204", "魚津市", 1),
        ("35211", "長門市", 1),
    ]
    assert dots[0]["tooltip"].splitlines()[0] == "魚津市 (うおづし), Toyama"
    assert dots[1]["tooltip"].splitlines()[-1] == (
        "• 株式会社JTB (Company dispatch, Tourism, from FY2021)"
    )
    assert [row["name"] for row in layers[maps.LABEL_LAYER]["data"]] == [
        "魚津市",
        "長門市",
    ]
    assert layers[maps.LAND_LAYER]["pickable"] is False
    assert len(layers[maps.PREFECTURE_LAYER]["data"]) > 47
    text = json.dumps(spec, ensure_ascii=False)
    assert not re.search(r"https?:|//|www\.|carto|mapbox", text, re.IGNORECASE)
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__"
    assert deck._tooltip["text"] == "{tooltip}" and "html" not in deck._tooltip
    west, south, east, north = maps.points_bounds(dots)
    view = spec["initialViewState"]
    assert west < 131.2 and east > 137.4 and south < 34.4 and north > 36.8
    assert west < view["longitude"] < east and south < view["latitude"] < north
    assert 4 < view["zoom"] < 6


def test_company_deck_of_an_uploaded_list(payload_free_upload) -> None:
    """With an official's list the deck shows that list's hosts of the company."""
    deck = maps.company_deck("テスト", "ja", payload_free_upload)
    dots = layers_of(spec_of(deck))[maps.HOST_LAYER]["data"]
    assert [(d["code"], d["records"]) for d in dots] == [("01209", 2)]
    assert (
        layers_of(spec_of(maps.company_deck("jtb", "ja", payload_free_upload)))[
            maps.HOST_LAYER
        ]["data"]
        == []
    )


@pytest.fixture
def payload_free_upload() -> hosts.UploadedRecords:
    """An official's list: two records of 株式会社テスト in 夕張市."""
    from kigyojin import importer

    text = (
        "市町村コード,都道府県,市町村名,企業名,型,開始年月,人数,出典URL\n"
        "01209,北海道,夕張市,株式会社テスト,企業派遣型,2025-04,1,https://example.jp/a\n"
        "01209,北海道,夕張市,テスト（株）,企業派遣型,2025-10,1,https://example.jp/b\n"
    )
    table = importer.read_host_list(text.encode("utf-8"), "list.csv")
    return hosts.UploadedRecords.of(table)


@pytest.mark.parametrize(
    ("points", "bounds"),
    [
        ([], None),
        ([{"lon": 137.4, "lat": 36.8}], (135.9, 35.3, 138.9, 38.3)),
        (
            [{"lon": 131.0, "lat": 34.0}, {"lon": 141.0, "lat": 43.0}],
            (130.0, 33.1, 142.0, 43.9),
        ),
    ],
)
def test_points_bounds(points: list[dict], bounds) -> None:
    """The frame around points: 3° at least, 10 % more than they span, Japan if none."""
    expected = maps.japan_bounds() if bounds is None else bounds
    assert maps.points_bounds(points) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("url", "link"),
    [
        (
            "https://example.jp/a b(c)?x=1&y=[2]",
            ("example.jp", "https://example.jp/a%20b%28c%29?x=1&y=%5B2%5D"),
        ),
        ("http://www.city.x.lg.jp/", ("www.city.x.lg.jp", "http://www.city.x.lg.jp/")),
        ("ftp://example.jp/file", None),
        ("javascript:alert(1)", None),
        ("市の広報誌 2024年5月号", None),
    ],
)
def test_source_link(url: str, link: tuple[str, str] | None) -> None:
    """Only http(s) links with a host, their brackets and spaces percent-encoded."""
    assert maps.source_link(url) == link


def test_prefecture_summary_of_the_national_view() -> None:
    """愛知県's tooltip counts its municipalities by verdict and its host cases."""
    summaries = maps.prefecture_summaries(
        maps.municipality_facts(), hosts.records(), "ja"
    )
    assert summaries["23"].splitlines() == [
        "愛知県",
        "受入可能：8団体",
        "対象外：1団体",
        "対象外（目安）：45団体",
        "公開事例：0件（0団体）",
        "クリックでこの都道府県を表示",
    ]


def test_payloads_stay_within_budget() -> None:
    """The national deck ≤ 600 KB, every prefecture's ≤ 400 KB, in both languages."""
    for lang in ("ja", "en"):
        size = len(maps.national_deck(EVERYTHING, lang).to_json().encode())
        assert size <= NATIONAL_BUDGET, (lang, size)
    sizes = {
        code: len(maps.prefecture_deck(code, EVERYTHING, "ja").to_json().encode())
        for code in maps.geo.prefecture_bounds()
    }
    assert max(sizes.values()) <= PREFECTURE_BUDGET, max(
        sizes.items(), key=lambda i: i[1]
    )


def test_records_table_links_every_source() -> None:
    """One row per record, one column per source link, blanks left empty."""
    table = maps.records_table(EVERYTHING, None, "ja")
    assert len(table) == 116
    sources = [c for c in table.columns if c.startswith("source_")]
    assert sources == [f"source_{n}" for n in range(1, len(sources) + 1)]
    links = table[sources].stack().dropna()
    assert len(links) == hosts.records()["sources"].map(len).sum()
    assert links.str.match(r"https?://").all()
    assert not table[["field", "start", "end", "fiscal_year"]].isna().any().any()
    first = table.iloc[0]
    assert (first["pref"], first["name"], first["verdict"]) == (
        "北海道",
        "鹿部町",
        "受入可能",
    )


def test_municipalities_table_of_tokyo() -> None:
    """Tokyo: 62 rows; 千代田区 a bare no, 檜原村 eligible as wholly 条件不利."""
    table = maps.municipalities_table("13", EVERYTHING, "en").set_index("code")
    assert len(table) == 62
    assert table.at["13101", "verdict"] == "Not eligible"
    assert table.at["13307", "verdict"] == "May host"
    assert "whole area" in table.at["13307", "reasons"]


def test_prefectures_table_adds_up() -> None:
    """47 prefectures whose verdict counts add up to 1,741 and cases to 116."""
    table = maps.prefectures_table(EVERYTHING, "en")
    assert len(table) == 47
    assert table[list(eligibility.VERDICTS)].to_numpy().sum() == 1741
    assert table["records"].sum() == 116
    assert table.set_index("pref_code").at["01", "pref"] == "Hokkaido"


def test_verdict_counts_for_the_legend() -> None:
    """The legend's counts in the verdicts' order with their colours."""
    counts = maps.verdict_counts(maps.facts_in_view("27"), "en")
    assert counts.to_dict("list") == {
        "verdict": list(eligibility.VERDICTS),
        "label": ["May host", "Not eligible", "Not eligible (estimate)"],
        "count": counts["count"].tolist(),
        "color": [VERDICT_COLORS[v] for v in eligibility.VERDICTS],
    }
    assert counts["count"].sum() == 43
    spec = maps.legend_spec("27", "en")
    values = next(iter(spec["datasets"].values()))
    assert [v["count"] for v in values] == counts["count"].tolist()


def test_search_labels_match_name_reading_and_code() -> None:
    """Every municipality can be found by what its label holds."""
    labels = maps.search_labels("ja")
    assert len(labels) == 1741
    assert labels["01209"] == "夕張市（ゆうばりし）北海道・01209"
    assert list(labels) == sorted(labels)
    kagawa = maps.search_labels("en", "37")
    assert len(kagawa) == 17 and all(code.startswith("37") for code in kagawa)
    assert kagawa["37201"] == maps.search_labels("en")["37201"]


# --- The page ---------------------------------------------------------------------


def run_map(**params: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    return at


def deck_on_page(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def test_page_opens_on_the_national_view() -> None:
    """No choice in the URL: the national deck, no profile yet."""
    at = run_map()
    spec = deck_on_page(at)
    assert maps.HOST_LAYER in layers_of(spec)
    assert maps.LABEL_LAYER not in layers_of(spec)
    assert at.session_state["pref"] == "" and at.session_state["code"] is None


def test_a_link_to_a_municipality_opens_its_profile() -> None:
    """?code=01209 alone opens 北海道 with 夕張市 chosen and outlined."""
    at = run_map(code="01209", lang="en")
    assert at.session_state["pref"] == "01"
    assert [s.value for s in at.subheader] == [ui.plain("夕張市 (ゆうばりし)")]
    assert maps.SELECTED_LAYER in layers_of(deck_on_page(at))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Population (2020)"] == "7,334"


def test_a_prefecture_view_searches_its_own_municipalities() -> None:
    """In 北海道's view the search lists its 179 municipalities, not all 1,741."""
    at = run_map(pref="01", lang="en")
    (search,) = [s for s in at.selectbox if s.key == "code"]
    assert search.label == "Find a municipality of Hokkaido (name, reading or code)"
    assert len(search.options) == 179
    assert all(option.endswith(tuple("0123456789")) for option in search.options)
    national = run_map(lang="en")
    (search,) = [s for s in national.selectbox if s.key == "code"]
    assert len(search.options) == 1741


def test_filters_come_from_the_url() -> None:
    """?type=副業型&fy=2024: the table lists only side jobs that started in FY2024."""
    at = run_map(type="副業型", fy="2024", lang="en")
    assert at.session_state["type"] == ["副業型"]
    assert at.session_state["fy"] == 2024
    expected = hosts.filter_records(
        hosts.records(), types=("副業型",), fiscal_year=2024
    )
    table = at.dataframe[0].value
    assert len(table) == len(expected) > 0
    assert set(table["Type"]) == {"Side job"}


def test_page_figures_come_from_the_data() -> None:
    """The sample note names MIC's stated yearly hosts, the legend MIC's 1,432."""
    at = run_map(lang="en")
    (info,) = [i.value for i in at.info]
    assert info.endswith(
        "MIC states 439–449 host municipalities a year (FY2023 to FY2024)."
    )
    assert any(
        "MIC counts 1,432 eligible municipalities; our 1,426 differ" in c.value
        for c in at.caption
    )


def test_page_figures_follow_a_new_year(data_copy) -> None:
    """A stated FY2025 with 470 hosts widens the range the page gives."""
    path = data_copy / "national_totals.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "2025,dispatch,800,470,400,stated,test,\n",
        encoding="utf-8",
    )
    at = run_map()
    (info,) = [i.value for i in at.info]
    assert info.endswith("受入自治体は令和5年度～令和7年度の各年度に439～470団体です。")


def test_profile_lines_in_english() -> None:
    """The profile's labelled lines use the English colon, not 「：」."""
    at = run_map(code="01209", lang="en")
    texts = [m.value for m in at.markdown]
    assert "**Host eligibility**: May host" in texts
    assert any(
        t.startswith("過疎 \\(depopulation\\)\\: ") and "：" not in t for t in texts
    )


def test_unknown_values_in_the_url_fall_back() -> None:
    """A prefecture or code that does not exist opens the national view."""
    at = run_map(pref="99", code="99999")
    assert at.session_state["pref"] == "" and at.session_state["code"] is None
    assert isinstance(pd.DataFrame(at.dataframe[0].value), pd.DataFrame)


def test_tables_send_repeated_text_once() -> None:
    """Text repeated down the map's tables is categorical (an Arrow dictionary in
    the browser); the values read as before and the links stay text."""
    places = maps.municipalities_table("01", hosts.HostFilter(), "ja")
    assert {c for c in places.columns if str(places[c].dtype) == "category"} == {
        "verdict",
        "reasons",
        "kaso",
        "class",
    }
    assert (places["verdict"] == "受入可能").sum() == 179
    records = maps.records_table(hosts.HostFilter(), None, "en")
    assert str(records["type"].dtype) == "category"
    assert str(records["source_1"].dtype) != "category"
    assert {"Company dispatch", "Side job"} <= set(records["type"])

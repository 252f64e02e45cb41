"""The seminar story and presenter mode: slides from the data, URL state, links."""

import io
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from streamlit.testing.v1 import AppTest

from kigyojin import export_pptx, figures, importer, matching, presenter, subsidy
from kigyojin.errors import KigyojinError
from kigyojin.i18n import translate
from kigyojin.paths import PROJECT_DIR
from kigyojin.presenter import Figure

APP = "../app.py"  # AppTest resolves a relative path against this file
TIMEOUT = 120


def run_app(**params: str) -> AppTest:
    """Run the app with URL query parameters `params`."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def param(at: AppTest, key: str) -> str | None:
    """One URL parameter after a run (the runner keeps some as lists, some not)."""
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def url(at: AppTest) -> dict[str, str]:
    """The URL parameters after a run, one value each."""
    return {key: param(at, key) for key in at.query_params}


def reopen(at: AppTest) -> AppTest:
    """The app opened afresh at the URL `at` ended on, as a browser would show it.

    (The test runner reruns the page it ran last even when the URL now asks for
    presenter mode, so a button's effect is checked through its URL.)
    """
    return run_app(**url(at))


def hokkaido_list() -> presenter.HostList:
    """The shipped host records of 北海道 only, read as an official's upload."""
    header, *rows = (PROJECT_DIR / "data/kigyoujin_hosts.csv").read_text().splitlines()
    text = "\n".join([header, *(row for row in rows if row.startswith("01"))]) + "\n"
    records = importer.read_host_list(text.encode(), "hokkaido.csv")
    return presenter.HostList("hokkaido.csv", records)


# The calculator's parameters of a side job in FY2026, as /check puts them in the URL.
SIDE_JOB = {"kind": ["side_job"], "start": ["2026-04-01"], "end": ["2027-03-31"]}


def test_story_order() -> None:
    """The story runs from the headline to how partners find each other, and ends
    on who could partner (the matching shortlist)."""
    assert presenter.story() == [
        "headline",
        "trend",
        "fields",
        "companies",
        "map",
        "refund",
        "origins",
        "matching",
    ]


def test_headline_slide_in_japanese() -> None:
    """FY2024: 871 people in all, 439 host municipalities, 390 dispatching companies."""
    slide = presenter.slide("headline", "ja")
    assert (slide.title, slide.message) == (
        "令和6年度の地域活性化起業人",
        "企業派遣型 780人、副業型 91人",
    )
    assert slide.figures == (
        Figure("871人", "令和6年度に地域で活動した起業人"),
        Figure("439団体", "受入自治体数（合計）"),
        Figure("390社", "派遣元企業数（企業派遣型）"),
    )
    assert slide.chart is None and slide.sources == ("national_totals",)


def test_trend_slide_follows_the_measure_filter() -> None:
    """?measure=companies: 188 companies (derived) in FY2021 to 390 in FY2024."""
    slide = presenter.slide("trend", "en", {"measure": "companies"})
    assert slide.message == (
        "Company dispatch: from 188 (derived) in FY2021 to 390 in FY2024, "
        "2.1 times as many."
    )
    assert slide.figures == (Figure("×2.1", "growth in Companies (FY2021 to FY2024)"),)
    assert slide.chart.to_dict()["layer"][0]["title"] == "Companies"


def test_unknown_filter_value_falls_back() -> None:
    """A measure that does not exist gives the default (people)."""
    slide = presenter.slide("trend", "en", {"measure": "nonsense"})
    assert slide.title == "Trend by fiscal year: People"


def test_map_slide_counts() -> None:
    """1,426 municipalities may host (MIC: 1,432); 116 public cases in 93."""
    slide = presenter.slide("map", "ja")
    assert slide.figures == (Figure("1,426市町村", "受入可能な市町村（目安）"),)
    assert "116件（93市町村）" in slide.message
    assert "1,432" in slide.notes[0]
    assert slide.sources == (
        "regional_requirement",
        "teijuu_jiritsuken",
        "boundaries",
        "hosts",
    )


def test_map_chart_carries_its_boundaries_inline() -> None:
    """The static map reads no URL: TopoJSON values and host points are inline."""
    spec = presenter.slide("map", "en").chart.to_dict()
    shapes, dots = spec["layer"]
    assert shapes["data"]["format"] == {
        "type": "topojson",
        "feature": "N03-21_210101",
    }
    assert shapes["data"]["values"]["type"] == "Topology"
    assert "url" not in str(spec)
    assert len(spec["datasets"][dots["data"]["name"]]) == 93


def test_map_slide_follows_the_map_pages_prefecture() -> None:
    """`?pref=01` on the map page: the slide shows 北海道's municipalities and cases;
    an unknown prefecture code shows the whole country."""
    slide = presenter.slide("map", "en", {"pref": "01"})
    assert slide.title == "Hokkaido: who may host, and who has"
    assert slide.figures[0].value == "179"
    assert "20 public cases in 12 municipalities" in slide.message
    spec = slide.chart.to_dict()
    assert len(spec["datasets"][spec["layer"][1]["data"]["name"]]) == 12
    assert presenter.slide("map", "en", {"pref": "99"}).title == (
        "Who may host, and who has"
    )


def test_refund_slide_is_the_worked_example() -> None:
    """2025-10 to 2027-03 at ¥6M a year: ¥2.8M + ¥5.6M refunded, ¥0.6M borne."""
    slide = presenter.slide("refund", "en")
    assert slide.title == "Refund example (Company dispatch)"
    assert [f.value for f in slide.figures] == ["¥2,800,000", "¥5,600,000", "¥600,000"]
    assert slide.figures[0].caption == "refunded for FY2025 (6 months, cost ¥3,000,000)"
    assert slide.message == (
        "Company dispatch, 2025-10-01 to 2027-03-31, Contribution to the company "
        "(salary etc.) at ¥6,000,000 a year: the state refunds ¥8,400,000 in all "
        "(special local allocation tax)."
    )
    assert slide.notes[0].startswith("An example; presenting from the self-check")
    assert len(slide.notes) == 2  # prorating is an assumption: shown as an estimate


def test_refund_slide_follows_the_calculator() -> None:
    """Started from /check: the side job entered there, its fee left at the cap."""
    slide = presenter.slide("refund", "ja", SIDE_JOB)
    assert (slide.title, slide.message) == (
        "国の措置額の試算（副業型）",
        "副業型で2026-04-01から2027-03-31まで、報償費等が年100万円の場合、"
        "国は合計100万円を特別交付税で措置します。",
    )
    assert slide.figures == (
        Figure("100万円", "令和8年度（12か月、経費100万円）の措置額"),
        Figure("0万円", "自治体の負担（合計）"),
    )
    assert slide.notes[0] == "制度チェックで入力した期間と金額による試算です。"


def test_refund_slide_takes_the_calculators_amounts() -> None:
    """?contribution=3000000&proposal=1000000: all of the first and half of the
    second refunded (rate 0.5), ¥0.5M borne."""
    filters = {
        "start": "2026-04-01",
        "end": "2027-03-31",
        "contribution": "3000000",
        "proposal": "1000000",
    }
    slide = presenter.slide("refund", "en", filters)
    assert slide.title == "Your refund (Company dispatch)"
    assert "Contribution to the company (salary etc.) at ¥3,000,000 a year, " in (
        slide.message
    )
    assert [f.value for f in slide.figures] == ["¥3,500,000", "¥500,000"]


@pytest.mark.parametrize(
    ("filters", "reason"),
    [
        ({"kind": "side_job"}, "The link gives no start and end dates."),
        (
            {"start": "2026-13-01", "end": "2027-03-31"},
            "The start “2026-13-01” is not a date.",
        ),
        (
            {"kind": "nonsense", "start": "2026-04-01", "end": "2027-03-31"},
            "There is no type “nonsense”.",
        ),
        (
            {**SIDE_JOB, "fee": "lots"},
            "The amount “lots” for Fee to the individual is not a whole number of yen.",
        ),
    ],
)
def test_refund_slide_says_why_it_fell_back(filters: dict, reason: str) -> None:
    """Calculator input that cannot be used: the worked example, saying why."""
    slide = presenter.slide("refund", "en", filters)
    assert slide.title == "Refund example (Company dispatch)"
    assert "¥8,400,000" in slide.message
    assert slide.notes[0] == (
        "The self-check's input cannot be used, so this is the worked example: "
        + reason
    )


def test_refund_slide_gives_the_calculators_own_reason() -> None:
    """A period the calculator refuses: its message, word for word."""
    with pytest.raises(KigyojinError) as refused:
        subsidy.estimate("dispatch", date(2026, 4, 1), date(2026, 5, 31))
    filters = {"start": "2026-04-01", "end": "2026-05-31"}
    slide = presenter.slide("refund", "ja", filters)
    assert slide.notes[0] == (
        "制度チェックの入力は使えないため、例の条件で試算しています："
        + refused.value.message("ja")
    )


def test_fields_and_companies_slides() -> None:
    """FY2023: the top 3 field groups hold 63.0 %; the top 10 companies 33.1 %."""
    fields = presenter.slide("fields", "ja")
    companies = presenter.slide("companies", "ja")
    assert fields.figures == (Figure("63.0%", "上位3分野の割合"),)
    assert companies.figures == (Figure("33.1%", "上位10社の割合（人数）"),)
    assert companies.message == "330社が派遣し、上位10社で全体の33.1%を占めます。"


def test_origins_slide_shares_from_counts() -> None:
    """44.9 % of agreements began with the municipality, 34.4 % with the company."""
    slide = presenter.slide("origins", "ja")
    assert [f.value for f in slide.figures] == ["44.9%", "34.4%"]
    assert "72件" in slide.message and "17件" in slide.message


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_slide_has_a_title_message_and_source(lang: str) -> None:
    """No slide is empty: a title, a message, a figure or chart, and its 出典."""
    for slide in presenter.slides(lang):
        assert slide.title and slide.message, slide.key
        assert slide.figures or slide.chart is not None, slide.key
        assert slide.sources, slide.key


def test_start_slide_follows_the_page() -> None:
    """Presenting from the map starts on the map; an unknown page on slide 1."""
    assert presenter.start_slide("overview") == 1
    assert presenter.start_slide("map") == presenter.story().index("map") + 1
    assert presenter.start_slide("about") == 1


def test_filter_and_vintage_lines() -> None:
    """The title slide names the filters in force and the data's vintage."""
    params = {"lang": "en", "present": "1", "slide": "2", "measure": ["companies"]}
    assert presenter.filter_lines(params, "en") == ["Trend measure: Companies"]
    assert presenter.filter_lines({"lang": "en"}, "ja") == [
        "絞り込みなし（全国・既定の表示）"
    ]
    assert presenter.vintage_lines("ja", today=date(2026, 4, 1)) == [
        "全国の実績：令和3年度〜令和6年度",
        "内訳（協定のきっかけ等）：令和5年度",
        "受入要件の判定：2022-04-01時点の地域要件確認表、市町村境界：2021-01-01時点",
        "作成日：2026-04-01",
    ]


# Every filter a slide applies, with parameters no slide reads (a page's search,
# its chosen field group, another page's choices); the municipality a page has
# open is the matching slide's.
EVERY_FILTER = {
    **SIDE_JOB,
    "fee": ["800000"],
    "measure": ["companies"],
    "year": ["2023"],
    "pref": ["01"],
    "type": ["企業派遣型"],
    "company": ["jtb"],
    "fy": ["2024"],
    "group": ["dx"],
    "q": ["JTB"],
    "code": ["01209"],
    "types": ["large"],
}


def test_filter_lines_name_what_the_deck_applies() -> None:
    """Names from the catalog, values as people read them, and nothing unused."""
    assert presenter.filter_lines(EVERY_FILTER, "ja") == [
        "推移の指標：派遣元企業数",
        "活動分野・派遣元企業の年度：令和5年度",
        "都道府県：北海道",
        "類型：企業派遣型",
        "企業：株式会社JTB",
        "事例の年度：令和6年度",
        "措置額の試算の型：副業型",
        "開始日：2026-04-01（令和8年度）",
        "終了日：2027-03-31（令和8年度）",
        "報償費等：80万円",
        "自治体（マッチング）：夕張市（北海道）",
    ]
    assert presenter.filter_lines(EVERY_FILTER, "en") == [
        "Trend measure: Companies",
        "Fiscal year of the fields and companies: FY2023",
        "Prefecture: Hokkaido",
        "Type: Company dispatch",
        "Company: 株式会社JTB",
        "Fiscal year of the cases: FY2024",
        "Type of the refund worked out: Side job",
        "Start: 2026-04-01 (FY2026)",
        "End: 2027-03-31 (FY2026)",
        "Fee to the individual: ¥800,000",
        "Municipality (matching): 夕張市 (Hokkaido)",
    ]


def test_filter_lines_leave_out_values_no_slide_can_use() -> None:
    """An unknown prefecture, company or year, or unusable calculator input, is
    not a filter in force."""
    filters = {
        "pref": "99",
        "company": "nobody",
        "year": "1999",
        "measure": "x",
        "start": "2026-04-01",
        "end": "2026-05-31",
    }
    assert presenter.filter_lines(filters, "en") == [
        "No filters (whole country, default view)"
    ]


def test_map_slide_follows_the_companies_pages_company_key() -> None:
    """`?company=jtb` (a key, from the companies page) marks JTB's records."""
    slide = presenter.slide("map", "en", {"company": "jtb"})
    assert "2 public cases in 2 municipalities" in slide.message


def test_map_slide_and_title_show_an_uploaded_host_list() -> None:
    """A session's own host list replaces the sample on the map and is named."""
    host_list = hokkaido_list()
    slide = presenter.slide("map", "ja", {}, host_list=host_list)
    assert slide.message == (
        "三大都市圏の外は全域が対象です。"
        "点はアップロードした一覧「hokkaido.csv」の20件（12市町村）です。"
    )
    assert (
        slide.notes[-1]
        == "アップロードした一覧はこのセッションの中だけで使い、保存していません。"
    )
    assert slide.sources == ("regional_requirement", "teijuu_jiritsuken", "boundaries")
    spec = slide.chart.to_dict()
    assert len(spec["datasets"][spec["layer"][1]["data"]["name"]]) == 12
    assert spec["layer"][1]["encoding"]["size"]["title"] == "一覧の事例の件数"
    assert presenter.filter_lines({"pref": "01"}, "en", host_list=host_list) == [
        "Prefecture: Hokkaido",
        "Host cases: your uploaded list “hokkaido.csv” (20 records, this session "
        "only, instead of the public sample)",
    ]


def test_headline_survives_a_year_without_some_figures(data_copy: Path) -> None:
    """A latest year whose one row gives people only: that figure, no KeyError."""
    path = data_copy / "national_totals.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("2025,dispatch,900,,,stated,総務省（試験用の行）,\n")
    slide = presenter.slide("headline", "en")
    assert (slide.title, slide.message) == (
        "The programme in FY2025",
        "Company dispatch: 900 people",
    )
    assert slide.figures == (
        Figure(
            "900 people",
            "entrepreneurs working in the regions in FY2025 (Company dispatch)",
        ),
    )


def test_headline_survives_a_year_with_only_its_total(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Figures of both types together only: those, and a message saying so."""
    every = figures.headlines
    monkeypatch.setattr(
        figures,
        "headlines",
        lambda year=None: [h for h in every(year) if h.kind == "total"],
    )
    slide = presenter.slide("headline", "en")
    assert slide.message == "The data gives no numbers by type for this year."
    assert slide.figures == (
        Figure("871 people", "entrepreneurs working in the regions in FY2024"),
        Figure("439", "Host municipalities (Total)"),
    )


# --- The matching slide --------------------------------------------------------------

# A company view of the matching page, as its URL holds it.
MATCHING_COMPANY = {"pref": ["27"], "field": ["DX"], "block": ["kyushu"]}


def test_matching_slide_is_the_pages_shortlist() -> None:
    """The page's best suggestion named, the best five split by term in the chart."""
    slide = presenter.slide("matching", "en", MATCHING_COMPANY)
    found = matching.shortlist(MATCHING_COMPANY, "en")
    best = matching.rank_municipalities(
        matching.CompanyRequest("27", ("DX",), ("kyushu",)), "en", limit=1
    )
    assert slide.title == "Where a company in Osaka could send 起業人"
    assert slide.message == (
        "Fields: Digital transformation (DX). Preferences: Kyushu and Okinawa. "
        "The best of the 1,426 municipalities that may host."
    )
    assert slide.figures == tuple(
        Figure(
            f"{row.score:.1f}",
            f"#{row.rank} {row.name} ({row.pref}): points out of 100",
        )
        for row in best.itertuples()
    )
    spec = slide.chart.to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == [
        f"#{r} {n}"
        for r, n in zip(found.rows["rank"], found.rows["label"], strict=True)
    ]
    assert len(bars["encoding"]["y"]["sort"]) == matching.SLIDE_LIMIT
    assert slide.sources == matching.COMPANY_SOURCES
    assert slide.notes == (translate("matching.caution", "en"),)


def test_matching_slide_of_a_municipality_names_its_companies() -> None:
    """`?code=01209&field=観光振興`: 夕張市's best companies, in Japanese."""
    slide = presenter.slide(
        "matching", "ja", {"code": ["01209"], "field": ["観光振興"]}
    )
    best = matching.rank_companies("01209", ["観光振興"], "ja", limit=1)
    assert slide.title == "夕張市（北海道）と組める企業の候補"
    assert [f.caption for f in slide.figures] == [
        f"{r}位　{c}の点数（100点満点）"
        for r, c in zip(best["rank"], best["company"], strict=True)
    ]
    assert [f.value for f in slide.figures] == [f"{s:.1f}" for s in best["score"]]
    assert slide.sources == matching.MUNICIPALITY_SOURCES


def test_matching_slide_without_a_company_says_so(data_copy) -> None:
    """No company has a record in the field: a figure saying 0 and no chart."""
    text = (data_copy / "kigyoujin_hosts.csv").read_text().splitlines()
    kept = [text[0], *(row for row in text[1:] if ",教育," not in row)]
    (data_copy / "kigyoujin_hosts.csv").write_text("\n".join(kept) + "\n")
    matching.clear_cache()
    slide = presenter.slide("matching", "en", {"code": "01209", "field": "教育"})
    matching.clear_cache()
    assert slide.chart is None
    assert slide.figures == (Figure("0 companies", "Matching shortlist"),)
    assert slide.message.endswith("No company has a public host record in them.")


def test_presenting_from_the_matching_page_starts_on_its_slide() -> None:
    """Presenter mode from /matching opens the matching slide of that view.

    (The sidebar's button passes the page's URL path to `start_slide`; the test
    runner runs a switched-to page alone, without app.py's sidebar, so the slide
    it gives is what is checked here.)"""
    number = presenter.start_slide("matching")
    assert number == presenter.story().index("matching") + 1 == len(presenter.story())
    shown = run_app(present="1", slide=str(number), lang="en", field="DX")
    assert not shown.exception
    assert [e.value for e in shown.error] == []
    expected = presenter.slide("matching", "en", {"field": "DX"})
    assert [t.value for t in shown.title] == [expected.title]
    assert [m.label for m in shown.metric] == [f.caption for f in expected.figures]
    assert [m.value for m in shown.metric] == [f.value for f in expected.figures]


def test_filter_lines_name_the_matching_choices() -> None:
    """The company view's regions, prefectures and sizes, and the view if named."""
    filters = {"mode": ["company"], "block": ["kyushu"], "area": ["47"], "size": ["xs"]}
    assert presenter.filter_lines(filters, "en") == [
        "Search as (matching): A company looking for municipalities",
        "Preferred regions (matching): Kyushu and Okinawa",
        "Preferred prefectures (matching): Okinawa",
        "Preferred sizes (matching): under 5,000",
    ]
    assert presenter.filter_lines({"block": ["moon"]}, "ja") == [
        "絞り込みなし（全国・既定の表示）"
    ]


def test_deck_holds_the_matching_slide_with_its_sources() -> None:
    """The PowerPoint's last slide is the shortlist: title, message, the best
    suggestion, the chart as a picture, the note and every 出典 line."""
    deck = Presentation(io.BytesIO(export_pptx.build("ja", MATCHING_COMPANY)))
    slide = presenter.slide("matching", "ja", MATCHING_COMPANY)
    last = deck.slides[len(deck.slides) - 1]
    texts = [s.text_frame.text for s in last.shapes if s.has_text_frame]
    assert len(deck.slides) == 1 + len(presenter.story())
    assert texts[0] == slide.title
    assert texts[1] == slide.message
    body = "\n".join(texts)
    for figure in slide.figures:
        assert f"{figure.value}\n{figure.caption}" in body
    footer = next(t for t in texts if t.startswith("注：")).splitlines()
    assert footer == [
        "注：" + translate("matching.caution", "ja"),
        *("出典：" + translate(f"sources.{key}", "ja") for key in slide.sources),
    ]
    pictures = [s for s in last.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1


# --- Presenter mode in the app -------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_presenter_mode_shows_every_slide(lang: str) -> None:
    """Each slide runs clean in presenter mode, titled as the story says."""
    for number, key in enumerate(presenter.story(), start=1):
        at = run_app(present="1", slide=str(number), lang=lang)
        assert not at.exception, (key, at.exception)
        assert [e.value for e in at.error] == []
        assert [t.value for t in at.title] == [presenter.slide(key, lang).title]


def test_presenter_mode_steps_and_keeps_the_filters() -> None:
    """Next moves to slide 2 in the URL; the view's filter and language stay."""
    at = run_app(present="1", slide="1", lang="en", measure="companies")
    next_button = at.button(key="present_next")
    assert next_button.proto.shortcut.lower() == "right"
    next_button.click().run()
    assert url(at) == {
        "present": "1",
        "slide": "2",
        "lang": "en",
        "measure": "companies",
    }
    assert reopen(at).title[0].value == "Trend by fiscal year: Companies"


def test_slide_number_out_of_range_is_clamped() -> None:
    """?slide=99 shows the last slide and says so in the URL."""
    at = run_app(present="1", slide="99")
    assert param(at, "slide") == str(len(presenter.story()))
    assert not at.exception


def test_leaving_presenter_mode_returns_to_the_page() -> None:
    """The exit button drops present and slide, and the overview is back."""
    at = run_app(present="1", slide="3", measure="companies")
    at.button(key="present_exit").click().run()
    assert url(at) == {"measure": "companies"}
    assert reopen(at).title[0].value == "地域活性化起業人の概要"


def test_presenter_switch_in_the_sidebar() -> None:
    """The sidebar's button starts presenter mode on the page's own slide."""
    at = run_app(lang="en")
    at.sidebar.button(key="present_start").click().run()
    assert url(at) == {"present": "1", "slide": "1", "lang": "en"}
    assert reopen(at).title[0].value == presenter.slide("headline", "en").title


def test_a_link_round_trips_a_view() -> None:
    """The copied link of a view, opened again, restores its filter and language."""
    at = run_app(lang="en", measure="host_municipalities")
    # The sidebar's link: Markdown "[address](address)"; its target is the link.
    (link,) = [
        found.group(1)
        for m in at.sidebar.markdown
        if (found := re.fullmatch(r"\[.*\]\((.*)\)", m.value))
    ]
    query = parse_qs(urlsplit(link).query)
    assert query == {"lang": ["en"], "measure": ["host_municipalities"]}

    again = run_app(**{key: values[0] for key, values in query.items()})
    assert again.session_state["measure"] == "host_municipalities"
    assert again.title[0].value == "The programme at a glance"


def test_broken_data_file_shows_a_message_on_its_slide(data_copy) -> None:
    """A corrupt file gives a message on the slides that need it, not a traceback."""
    (data_copy / "national_totals.csv").write_text("fiscal_year,kind\n2024,oops\n")
    at = run_app(present="1", slide="1", lang="en")
    assert not at.exception
    messages = [e.value for e in at.error]
    assert messages and "national\\_totals\\.csv" in messages[0]
    assert at.button(key="present_next")  # the presenter can still move on


def test_presenter_mode_uses_the_sessions_host_list() -> None:
    """An upload kept in the session is what the presenter's map slide shows."""
    host_list = hokkaido_list()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(present="1", slide=str(presenter.story().index("map") + 1))
    at.session_state["host_upload"] = {
        "name": host_list.name,
        "file_id": "test",
        "records": host_list.records,
    }
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert any("hokkaido\\.csv" in text and "20件" in text for text in shown), shown

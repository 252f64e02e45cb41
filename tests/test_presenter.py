"""The seminar story and presenter mode: slides from the data, URL state, links."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from kigyojin import presenter
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


def test_story_order() -> None:
    """The story runs from the headline to how partners find each other."""
    assert presenter.story() == [
        "headline",
        "trend",
        "fields",
        "companies",
        "map",
        "refund",
        "origins",
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
    assert [f.value for f in slide.figures] == ["¥2,800,000", "¥5,600,000", "¥600,000"]
    assert slide.figures[0].caption == "refunded for FY2025 (6 months, cost ¥3,000,000)"
    assert "¥8,400,000" in slide.message
    assert slide.notes  # prorating is an assumption: shown as an estimate


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
    link = at.sidebar.code[0].value
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

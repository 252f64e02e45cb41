"""Every page runs in both languages without an exception or an error message.

Streamlit's app test runner executes the scripts but renders nothing; what only a
browser shows (fonts, maps, layout) is checked in `tests/browser/`.
"""

import pytest
from streamlit.testing.v1 import AppTest

import ui
from kigyojin import figures, fmt
from kigyojin.i18n import label, translate

APP = "../app.py"  # AppTest resolves a relative path against this file
TIMEOUT = 60


def run_page(page: str, lang: str, **params: str) -> AppTest:
    """Run `page` (a script path) in `lang`, with URL query parameters `params`."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang != "ja":
        at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != ui.PAGES[0][0]:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", [p[0] for p in ui.PAGES])
def test_page_runs_clean(page: str, lang: str) -> None:
    """The page finishes with its title, no exception and no error box."""
    at = run_page(page, lang)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    assert len(at.title) == 1


def overview_metrics(lang: str) -> list[tuple[str, str, str]]:
    """The overview's metrics as the data gives them: (label, value, delta), in order.

    The headlines of the latest fiscal year and the one before, type by type, then
    the municipality-side and company-side shares of how agreements began.
    """
    expected = []
    latest = figures.latest_fiscal_year()
    for year in (latest, latest - 1):
        for head in figures.headlines(year):
            value = fmt.number(head.value)
            expected.append(
                (
                    label(head.measure, lang),
                    translate(f"overview.unit_{head.measure}", lang, value=value),
                    "" if head.change is None else str(head.change),
                )
            )
    sides = figures.origin_sides().set_index("side")
    for side, key in (
        (figures.MUNICIPALITY_SIDE, "overview.origins_municipality"),
        (figures.COMPANY_SIDE, "overview.origins_company"),
    ):
        share = fmt.percent(sides.at[side, "share"])
        expected.append((translate(key, lang), share, ""))
    return expected


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_overview_metrics_are_the_data(lang: str) -> None:
    """Every metric of the overview, in order, is exactly its figure in the data."""
    at = run_page(ui.PAGES[0][0], lang)
    shown = [(m.label, m.value, m.delta) for m in at.metric]
    assert shown == overview_metrics(lang)
    assert at.title[0].value == translate("overview.title", lang)


def test_overview_metrics_are_the_published_figures() -> None:
    """FY2024 780 + 91 = 871 people, 421 / 45 / 439 municipalities, 390 / 80
    companies; FY2023 779 / 449 / 330 (MIC 2024); 44.9 % and 34.4 % approached."""
    assert [(value, delta) for _, value, delta in overview_metrics("ja")] == [
        ("780人", "1"),
        ("421団体", "-28"),
        ("390社", "60"),
        ("91人", ""),
        ("45団体", ""),
        ("80社", ""),
        ("871人", ""),
        ("439団体", ""),
        ("779人", "161"),
        ("449団体", "81"),
        ("330社", "78"),
        ("44.9%", ""),
        ("34.4%", ""),
    ]


def test_an_imported_year_shows_on_the_next_run(data_copy) -> None:
    """A changed data file (as `python -m kigyojin import` writes it) is read again
    on the next run: the caches are keyed by the file's mtime and size."""
    at = run_page(ui.PAGES[0][0], "ja")
    assert at.metric[0].value == "780人"
    with (data_copy / "national_totals.csv").open("a", encoding="utf-8") as file:
        file.write("2025,dispatch,812,440,405,stated,総務省（試験用の行）,\n")
    at.run()
    assert not at.exception
    assert at.subheader[0].value == translate(
        "overview.headline_heading", "ja", year=fmt.fiscal_year(2025, "ja")
    )
    assert [(m.label, m.value, m.delta) for m in at.metric] == overview_metrics("ja")
    assert [m.value for m in at.metric[:3]] == ["812人", "440団体", "405社"]
    assert [m.delta for m in at.metric[:3]] == ["32", "19", "15"]


def test_overview_measure_comes_from_the_url() -> None:
    """?measure=companies opens the trend on companies."""
    at = run_page(ui.PAGES[0][0], "en", measure="companies")
    assert at.session_state["measure"] == "companies"


def test_broken_data_file_shows_a_message(data_copy) -> None:
    """A corrupt file gives a message naming it on the pages that need it."""
    (data_copy / "national_totals.csv").write_text("fiscal_year,kind\n2024,oops\n")
    at = run_page(ui.PAGES[0][0], "en")
    assert not at.exception
    messages = [e.value for e in at.error]
    assert messages and all("national\\_totals\\.csv" in m for m in messages)
    # The parts of the page that do not need the file still show.
    assert any("Who approached" in str(c.proto.spec) for c in at.get("vega_lite_chart"))


def test_about_lists_a_broken_file_with_its_message(data_copy) -> None:
    """The About page's file table says why a broken file could not be loaded."""
    (data_copy / "kaso_r4.csv").unlink()
    at = run_page("pages/about.py", "en")
    assert not at.exception
    files = at.dataframe[0].value.set_index("File")
    message = translate("about.status_failed", "en", message="")
    assert files.at["data/kaso_r4.csv", "Status"] == (
        message + "The data file kaso_r4.csv could not be loaded.\n"
        "- kaso_r4.csv: the file is missing."
    )
    assert files.at["data/population_2020.csv", "Status"] == "Loaded"

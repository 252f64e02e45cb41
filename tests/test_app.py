"""Every page runs in both languages without an exception or an error message.

Streamlit's app test runner executes the scripts but renders nothing; what only a
browser shows (fonts, maps, layout) is checked in `tests/browser/`.
"""

import pytest
from streamlit.testing.v1 import AppTest

import ui
from kigyojin import data
from kigyojin.i18n import translate

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


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_overview_headlines_match_the_data(lang: str) -> None:
    """The metrics of the latest two years are exactly the national totals."""
    at = run_page(ui.PAGES[0][0], lang)
    totals = data.load("national_totals")
    shown = [m.value for m in at.metric]
    for row in totals[totals["fiscal_year"] >= 2023].itertuples():
        assert any(f"{row.people:,}" in value for value in shown), row
    assert "780人" in shown if lang == "ja" else "780" in shown
    assert at.title[0].value == translate("overview.title", lang)


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

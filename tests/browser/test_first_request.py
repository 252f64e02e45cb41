"""A shared link opened on a server that has just started shows the whole app.

A `pages/` folder next to app.py puts each new Streamlit process in its older
multipage mode until some run declares a navigation; a page opened by its own URL as
the first request then ran alone, without the top navigation or the language switch,
and stayed so for every visitor until someone opened "/". This runs its own server,
so that the page under test is really the first thing it is asked for.
"""

import pytest
from conftest import serve_app
from harness import LOCALES, PAGE_PATHS, VIEWPORTS, Visit

import ui
from kigyojin.i18n import Translator

pytestmark = pytest.mark.browser

TOP_NAV_LINK = '[data-testid="stTopNavLink"]'
OLD_SIDEBAR_NAV = '[data-testid="stSidebarNav"]'
LANGUAGE_SWITCH = '[data-testid="stSidebar"] [data-testid="stButtonGroup"]'
TITLE = '[data-testid="stMain"] h1'


def test_a_page_url_as_the_servers_first_request(chromium) -> None:
    """`/<page>?lang=en` first: the page in English with its navigation and switch,
    asking nothing outside the app."""
    url_path = PAGE_PATHS[-1]
    tr = Translator("en")
    titles = [tr(key) for _, key, _, _ in ui.PAGES]
    with serve_app("streamlit-first-request.log") as fresh:
        context = chromium.new_context(
            viewport=VIEWPORTS["laptop"], locale=LOCALES["en"]
        )
        try:
            opened = Visit(context, context.new_page(), fresh.origin, fresh.port)
            opened.record()
            opened.open(url_path, "en")
            page = opened.page
            page.locator(TITLE).first.wait_for(state="visible")
            links = page.locator(TOP_NAV_LINK).all_inner_texts()
            # Each link reads its icon's name, then its title.
            assert [text.split("\n")[-1] for text in links] == titles
            assert page.locator(OLD_SIDEBAR_NAV).count() == 0
            assert page.locator(LANGUAGE_SWITCH).filter(has_text="English").count()
            assert page.url.endswith(f"/{url_path}?lang=en")
            assert page.locator(TITLE).first.inner_text() == tr(f"{url_path}.title")
            assert opened.error_elements() == []
            assert opened.console_problems(url_path) == []
            assert opened.outside_requests() == []
        finally:
            context.close()

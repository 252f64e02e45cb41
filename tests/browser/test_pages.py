"""Every registered page, in both languages, at three screen sizes, in Chromium.

Pages come from `ui.PAGES`, so a page added there is tested here from its first day;
its main element comes from `main_elements.py`. One test per page and language opens
the page at each size in turn (a fresh context, its cache reused between sizes) and
reports everything wrong at once. Screenshots go to test-artifacts/screenshots/.
"""

import re

import pytest
from harness import (
    AXE_EXCLUSIONS,
    AXE_SIZES,
    ELEMENT_TIMEOUT_MS,
    LANGUAGES,
    PAGE_PATHS,
    VIEWPORTS,
    Visit,
    axe_problems,
    in_view_problems,
    layout_overlap_problems,
    overflow_problems,
    overlap_problems,
    screenshot,
    tofu_problems,
    wait_for_charts,
)
from main_elements import main_element

import ui
from kigyojin.i18n import Translator

pytestmark = pytest.mark.browser

TITLE = '[data-testid="stMain"] h1'
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")


def tab_title(url_path: str, lang: str) -> str:
    """The browser tab's title of a page: its name, then the app's, in `lang`."""
    tr = Translator(lang)
    key = next(key for _, key, url, _ in ui.PAGES if url == url_path)
    return tr("common.tab_title", page=tr(key), app=tr("common.app_short"))


def title_problems(opened: Visit, url_path: str, lang: str) -> list[str]:
    """The tab's title, wrong or (in English) with Japanese in it."""
    shown, expected = opened.page.title(), tab_title(url_path, lang)
    problems = [] if shown == expected else [f"tab title {shown!r}, not {expected!r}"]
    if lang == "en" and JAPANESE.search(shown):
        problems.append(f"the English tab title {shown!r} has Japanese in it")
    return problems


def problems_at_size(opened: Visit, url_path: str, lang: str, size: str) -> list[str]:
    """Open the page at one screen size; everything wrong with it there."""
    page = opened.page
    page.set_viewport_size(VIEWPORTS[size])
    opened.open(url_path, lang)
    try:
        problems = opened.error_elements()
        if problems:  # the page broke: its layout would only repeat that
            return problems
        selector = main_element(url_path)
        title = page.locator(TITLE).first
        main = opened.main_area().locator(selector).filter(visible=True).first
        title.wait_for(state="visible", timeout=ELEMENT_TIMEOUT_MS)
        main.wait_for(state="visible", timeout=ELEMENT_TIMEOUT_MS)
        wait_for_charts(opened)
        problems = [
            *in_view_problems("title", title),
            *in_view_problems(f"main element {selector!r}", main),
            *overlap_problems(title.bounding_box(), main.bounding_box()),
            *layout_overlap_problems(opened),
            *overflow_problems(opened),
            *tofu_problems(page, japanese_page=lang == "ja"),
            *title_problems(opened, url_path, lang),
        ]
        if size in AXE_SIZES:
            problems += [f"axe-core: {f}" for f in axe_problems(page, AXE_EXCLUSIONS)]
        return problems + opened.error_elements()
    finally:
        screenshot(opened, f"{url_path}-{lang}-{size}")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("url_path", PAGE_PATHS)
def test_page(visit, axe_script, url_path: str, lang: str) -> None:
    """At each size the page runs clean, shows its title and main element whole,
    draws no element over another, renders its Japanese and names its tab in its
    language; it passes axe-core and asks nothing outside."""
    main_element(url_path)  # a page without one fails before anything opens
    opened = visit(None, lang)
    problems = []
    for size in VIEWPORTS:
        problems += [
            f"{size}: {p}" for p in problems_at_size(opened, url_path, lang, size)
        ]
    problems += opened.console_problems(url_path)
    problems += [f"request outside the app: {u}" for u in opened.outside_requests()]
    assert not problems, f"{url_path} ({lang}):\n" + "\n".join(problems)

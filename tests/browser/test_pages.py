"""Every registered page, in both languages, at three screen sizes, in Chromium.

Pages come from `ui.PAGES`, so a page added there is tested here from its first day;
its main element comes from `main_elements.py`. One test per page and language opens
the page at each size in turn (a fresh context, its cache reused between sizes) and
reports everything wrong at once. Screenshots go to test-artifacts/screenshots/.
"""

import pytest
from harness import (
    ELEMENT_TIMEOUT_MS,
    LANGUAGES,
    PAGE_PATHS,
    SCREENSHOTS,
    VIEWPORTS,
    Visit,
    axe_problems,
    in_view_problems,
    overflow_problems,
    overlap_problems,
    tofu_problems,
)
from main_elements import main_element

pytestmark = pytest.mark.browser

TITLE = '[data-testid="stMain"] h1'
MAX_SCREENSHOT_HEIGHT = 16_000
AXE_SIZE = "laptop"

# axe-core findings that come from Streamlit's own chrome, not from the project's
# content, each excluded by its rule and the element it is found in, with the reason.
# None today: the one finding so far (the selected language's contrast) came from
# the theme's accent colour, and was fixed in .streamlit/config.toml.
AXE_EXCLUSIONS: list[dict[str, str]] = []


def screenshot(opened: Visit, name: str) -> None:
    """The first screen as a visitor sees it, and the whole page top to bottom."""
    page = opened.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.main_area().evaluate("(main) => main.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
    # The main area scrolls inside the window: make the window as tall as the page.
    size = page.viewport_size
    height = opened.main_area().evaluate("(main) => main.scrollHeight")
    page.set_viewport_size(
        {"width": size["width"], "height": min(height, MAX_SCREENSHOT_HEIGHT)}
    )
    page.wait_for_timeout(300)  # charts redraw for the new height
    page.screenshot(path=SCREENSHOTS / f"{name}-full.png")
    page.set_viewport_size(size)


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
        problems = [
            *in_view_problems("title", title),
            *in_view_problems(f"main element {selector!r}", main),
            *overlap_problems(title.bounding_box(), main.bounding_box()),
            *overflow_problems(opened),
            *(tofu_problems(page) if lang == "ja" else []),
        ]
        if size == AXE_SIZE:  # axe-core takes seconds: once per page and language
            problems += [f"axe-core: {f}" for f in axe_problems(page, AXE_EXCLUSIONS)]
        return problems + opened.error_elements()
    finally:
        screenshot(opened, f"{url_path}-{lang}-{size}")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("url_path", PAGE_PATHS)
def test_page(visit, axe_script, url_path: str, lang: str) -> None:
    """At each size the page runs clean, shows its title and main element whole and
    apart, and renders its Japanese; it passes axe-core and asks nothing outside."""
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

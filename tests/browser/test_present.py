"""Presenter mode and shareable links, as a presenter uses them in Chromium.

Opened from a view with a filter, in both languages, at a projector's and a small
laptop's size: the chrome is gone, the type is large, the arrow keys and a
clicker's PageDown step through the slides in the URL, and the sidebar's link
of a view, opened again, restores it.
"""

import re

import pytest
from harness import FINISHED, LOAD_TIMEOUT_MS, VIEWPORTS, tofu_problems

pytestmark = pytest.mark.browser

TITLE = '[data-testid="stMain"] h1'
# What the presenter page promises (ui.PRESENTER_CSS): the back of a room.
MIN_BODY_PX = 28
MIN_FIGURE_PX = 72
# The chosen option of a segmented control in the page (not the sidebar's language).
ACTIVE_CHOICE = '[data-testid="stMain"] [role="radio"][aria-checked="true"]'


def wait_for_slide(page, number: int) -> None:
    """Until the URL names slide `number` and its script has finished."""
    page.wait_for_url(re.compile(rf"[?&]slide={number}(&|$)"), timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(FINISHED, timeout=LOAD_TIMEOUT_MS)


def font_px(page, selector: str) -> float:
    """The computed font size of the first element matching `selector`."""
    return page.locator(selector).first.evaluate(
        "(e) => parseFloat(getComputedStyle(e).fontSize)"
    )


@pytest.mark.parametrize("size", ["projector", "laptop"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_presenter_mode_on_a_projector(visit, lang: str, size: str) -> None:
    """No chrome, large type, keys step through slides, Esc returns to the view."""
    opened = visit(None, lang, size)
    page = opened.page
    query = "present=1&slide=1&measure=companies" + ("&lang=en" if lang == "en" else "")
    page.goto(f"{opened.origin}/?{query}")
    page.wait_for_selector(FINISHED, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(TITLE, timeout=LOAD_TIMEOUT_MS)

    # The chrome goes once the page's style has arrived, just after the title.
    for chrome in ('[data-testid="stSidebar"]', '[data-testid="stHeader"]'):
        page.locator(chrome).wait_for(state="hidden", timeout=LOAD_TIMEOUT_MS)
    assert font_px(page, ".st-key-present_message p") >= (MIN_BODY_PX)
    assert font_px(page, '[data-testid="stMetricValue"] p') >= MIN_FIGURE_PX
    assert page.locator(TITLE).bounding_box()["y"] < VIEWPORTS[size]["height"] / 4
    if lang == "ja":
        assert tofu_problems(page) == []

    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 2)
    page.keyboard.press("PageDown")
    wait_for_slide(page, 3)
    page.keyboard.press("ArrowLeft")
    wait_for_slide(page, 2)
    trend_title = {"ja": "年度別の推移：派遣元企業数", "en": "Companies"}[lang]
    page.wait_for_selector(f'{TITLE}:has-text("{trend_title}")')
    chart = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')
    chart.first.wait_for(timeout=LOAD_TIMEOUT_MS)
    box = chart.first.bounding_box()
    assert box["y"] + box["height"] <= VIEWPORTS[size]["height"]

    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: "present=" not in url, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(FINISHED, timeout=LOAD_TIMEOUT_MS)
    assert "measure=companies" in page.url
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert opened.outside_requests() == []


def test_copied_link_restores_the_view(visit) -> None:
    """The sidebar's link of a filtered English view opens that same view."""
    opened = visit(None, "en", "laptop")
    page = opened.page
    page.goto(f"{opened.origin}/?lang=en&measure=host_municipalities")
    page.wait_for_selector(FINISHED, timeout=LOAD_TIMEOUT_MS)
    code = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]')
    code.wait_for(timeout=LOAD_TIMEOUT_MS)
    link = code.inner_text().strip()
    assert link == f"{opened.origin}/?lang=en&measure=host_municipalities"

    again = visit(None, "en", "laptop").page
    again.goto(link)
    again.wait_for_selector(FINISHED, timeout=LOAD_TIMEOUT_MS)
    chosen = again.locator(ACTIVE_CHOICE)
    chosen.first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert "Host municipalities" in chosen.all_inner_texts()

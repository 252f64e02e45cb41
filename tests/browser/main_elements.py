"""The one element each page exists to show, checked in every browser test of it.

Add your page here when you register it in `ui.PAGES`: its URL path, and a CSS
selector of its main element as drawn (the chart's canvas or SVG, the map's canvas,
the table, the form). The browser tests look for it inside Streamlit's main area,
wait until it is visible, and check it is not cut off or overlapped at every size.
"""

import pytest

CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
MAP = '[data-testid="stDeckGlJsonChart"] canvas'
TABLE = '[data-testid="stDataFrame"]'
FORM = '[data-testid="stForm"]'

# URL path of the page (as in ui.PAGES) -> CSS selector of its main element.
MAIN_ELEMENTS = {
    "overview": CHART,
    "map": MAP,
    "about": TABLE,
    "fields": CHART,
    "companies": CHART,
    "check": CHART,
    "matching": TABLE,
}


def main_element(url_path: str) -> str:
    """The selector of the page's main element; a page without one fails its tests."""
    try:
        return MAIN_ELEMENTS[url_path]
    except KeyError:
        pytest.fail(
            f"page {url_path!r} has no main element for the browser tests: add it to "
            "MAIN_ELEMENTS in tests/browser/main_elements.py (its URL path and a CSS "
            "selector of the chart, map, table or form the page exists to show)",
            pytrace=False,
        )

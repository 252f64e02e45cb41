"""The checks of `test_pages` can fail: each fault they look for, made on purpose.

A check that cannot fail proves nothing; these break a real page in the browser
(console errors, an error box, content wider than a phone, a covered title) and
expect the check to name the fault.
"""

import pytest
from harness import (
    SAMPLE_PAGE,
    boxes_overlap_problems,
    in_view_problems,
    layout_overlap_problems,
    overflow_problems,
    overlap_problems,
)
from main_elements import main_element

pytestmark = pytest.mark.browser


def test_a_page_without_main_element_fails() -> None:
    """A page missing from MAIN_ELEMENTS fails, telling its author where to add it."""
    with pytest.raises(pytest.fail.Exception, match=r"tests/browser/main_elements\.py"):
        main_element("no-such-page")


@pytest.mark.parametrize(
    ("main", "problems"),
    [
        ({"x": 0, "y": 100, "width": 300, "height": 200}, 0),  # below the title
        ({"x": 0, "y": 50, "width": 300, "height": 200}, 1),  # under the title
        ({"x": 310, "y": 0, "width": 300, "height": 200}, 0),  # beside it
    ],
)
def test_overlap_is_measured(main: dict, problems: int) -> None:
    """Boxes that share more than a pixel overlap; touching ones do not."""
    title = {"x": 0, "y": 0, "width": 300, "height": 100}
    assert len(overlap_problems(title, main)) == problems


def test_overlapping_elements_are_named() -> None:
    """Of three boxes, the two that share space are reported, with their names."""
    boxes = [
        {"name": "stMetric", "x": 0, "y": 0, "width": 200, "height": 100},
        {"name": "stCaptionContainer", "x": 0, "y": 100, "width": 200, "height": 40},
        {"name": "stVegaLiteChart", "x": 150, "y": 120, "width": 400, "height": 300},
    ]
    assert boxes_overlap_problems(boxes) == [
        "stCaptionContainer and stVegaLiteChart overlap by 50x20px"
    ]


def test_console_errors_are_caught(visit) -> None:
    """Errors and uncaught exceptions count; only Streamlit's two page 404s do not."""
    url_path = SAMPLE_PAGE
    opened = visit(url_path, "en")
    opened.page.wait_for_timeout(500)
    assert {url.rsplit("/", 1)[1] for _, url in opened.console_errors} >= {
        "health",
        "host-config",
    }
    assert opened.console_problems(url_path) == []
    opened.page.evaluate(
        """async (url_path) => {
          console.error('something broke');
          setTimeout(() => { throw new Error('uncaught on purpose'); });
          await fetch(`/media/no-such-file-on-${url_path}.png`);
          await new Promise((done) => setTimeout(done, 300));
        }""",
        url_path,
    )
    problems = "\n".join(opened.console_problems(url_path))
    assert "something broke" in problems
    assert "uncaught on purpose" in problems
    assert f"/media/no-such-file-on-{url_path}.png" in problems


def test_error_boxes_are_caught(visit) -> None:
    """An exception or error box on the page is reported with its text."""
    opened = visit(SAMPLE_PAGE, "en")
    assert opened.error_elements() == []
    opened.main_area().evaluate(
        """(main) => {
          for (const id of ['stException', 'stAlertContentError']) {
            const box = document.createElement('div');
            box.setAttribute('data-testid', id);
            box.textContent = `${id} on purpose`;
            main.prepend(box);
          }
        }"""
    )
    assert sorted(opened.error_elements()) == [
        "error shown: stAlertContentError on purpose",
        "error shown: stException on purpose",
    ]


WIDE_AND_CUT = """(main) => {
  const wide = document.createElement('div');
  wide.id = 'test-wide';
  wide.style.cssText = 'width: 900px; height: 20px; background: #c00';
  const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  chart.setAttribute('width', '200');
  chart.setAttribute('height', '100');
  chart.innerHTML = '<rect x="150" y="10" width="120" height="20"/>' +
                    '<text x="10" y="60" font-size="14">収まる文字</text>';
  const block = main.querySelector('[data-testid="stVerticalBlock"]');
  block.prepend(wide, chart);
}"""

COVER = """() => {
  const title = document.querySelector('[data-testid="stMain"] h1');
  const r = title.getBoundingClientRect();
  const cover = document.createElement('div');
  cover.setAttribute('data-testid', 'testCover');
  cover.style.cssText = `position: fixed; left: ${r.left}px; top: ${r.top}px;
    width: ${r.width}px; height: ${r.height}px; background: #fff; z-index: 999999`;
  document.body.appendChild(cover);
}"""


# The page's lead paragraph moved up onto its title.
OVER_THE_TITLE = """(main) => {
  const [title, lead] = main.querySelectorAll('[data-testid="stElementContainer"]');
  const gap = lead.getBoundingClientRect().top - title.getBoundingClientRect().bottom;
  lead.style.transform = `translateY(${-gap - 10}px)`;
}"""


def test_layout_faults_are_caught(visit) -> None:
    """Content wider than a phone, marks drawn outside their chart, a covered title
    and an element drawn over another are each reported; text inside its chart
    is not."""
    opened = visit(SAMPLE_PAGE, "ja", "phone")
    title = opened.page.locator('[data-testid="stMain"] h1').first
    title.wait_for()
    assert overflow_problems(opened) == []
    assert in_view_problems("title", title) == []
    assert layout_overlap_problems(opened) == []
    opened.main_area().evaluate(OVER_THE_TITLE)
    overlaps = layout_overlap_problems(opened)
    assert len(overlaps) == 1, overlaps
    assert overlaps[0].startswith('stHeading "データについて" and stMarkdown "')
    assert overlaps[0].endswith("x10px"), overlaps
    opened.main_area().evaluate(WIDE_AND_CUT)
    problems = "\n".join(overflow_problems(opened))
    assert "the main area scrolls sideways" in problems
    assert "<div> in stVerticalBlock spans" in problems
    assert "<rect> in stVerticalBlock is drawn outside its chart" in problems
    assert "収まる文字" not in problems
    opened.page.evaluate(COVER)
    assert in_view_problems("title", title) == ["the title is covered by testCover"]

"""The accessibility check can fail: axe-core's serious findings are reported.

`test_pages` runs axe-core on every page and `test_present` on every slide, in both
languages at a laptop's and a phone's size, and each fails on any serious or
critical finding not excluded (with its reason) in `harness.AXE_EXCLUSIONS`. Here a
page is given two such faults on purpose.
"""

import pytest
from harness import SAMPLE_PAGE, axe_problems

pytestmark = pytest.mark.browser


BAD_CONTENT = """(main) => {
  const image = document.createElement('img');
  image.id = 'test-image-without-alt';
  image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
  image.width = 20; image.height = 20;
  const faint = document.createElement('p');
  faint.id = 'test-faint-text';
  faint.textContent = '読みにくい文字';
  faint.style.cssText = 'color: #d0d0d0; background: #ffffff';
  main.prepend(image, faint);
}"""


def test_a_serious_finding_fails(visit, axe_script) -> None:
    """An image without a text alternative and faint text are reported, and an
    exclusion removes only the element it names."""
    opened = visit(SAMPLE_PAGE, "ja")
    opened.main_area().evaluate(BAD_CONTENT)
    findings = axe_problems(opened.page, [])
    assert any("image-alt" in f and "test-image-without-alt" in f for f in findings)
    assert any("color-contrast" in f and "test-faint-text" in f for f in findings)
    excluded = axe_problems(
        opened.page, [{"rule": "image-alt", "within": "#test-image-without-alt"}]
    )
    assert not any("image-alt" in f for f in excluded)
    assert any("color-contrast" in f and "test-faint-text" in f for f in excluded)

"""Japanese renders as Japanese: the check in `test_pages` catches tofu (□).

Here the same check runs in a Chromium that sees no font at all (fontconfig pointed
at an empty configuration), as on a machine without `fonts-noto-cjk`: it must fail.
"""

import os
from pathlib import Path

import pytest
from harness import CHROMIUM, CHROMIUM_ARGS, SAMPLE_PAGE, tofu_problems

pytestmark = pytest.mark.browser

EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


@pytest.fixture
def chromium_without_fonts(playwright, tmp_path: Path):
    """A second Chromium whose fontconfig knows no font file."""
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"))
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    yield browser
    browser.close()


def test_tofu_is_caught(visit, chromium_without_fonts) -> None:
    """Without a Japanese font the page's Japanese is reported as tofu."""
    opened = visit(SAMPLE_PAGE, "ja", browser=chromium_without_fonts)
    opened.page.locator('[data-testid="stMain"] h1').first.wait_for()
    problems = tofu_problems(opened.page)
    assert any("missing-glyph box" in problem for problem in problems), problems

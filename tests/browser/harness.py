"""What the browser tests share: the app's pages, a visit that records everything the
page asks for and logs, and the checks that read the rendered page.

The checks return lists of problems, each a sentence a page author can act on, so a
failing test names everything wrong with a page at once.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Locator, Page

import ui
from kigyojin.paths import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
# What Debian's Chromium needs here (see STACK-NOTES), plus a resolver that finds no
# host at all: an outside request fails at once instead of waiting for a network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# Installed by scripts/ensure-browser from tests/browser/package.json.
AXE = PROJECT_DIR / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"

LANGUAGES = ("ja", "en")
VIEWPORTS = {
    "projector": {"width": 1920, "height": 1080},
    "laptop": {"width": 1280, "height": 720},
    "phone": {"width": 390, "height": 844},
}
# Browser locale per app language, as a visitor's browser would have it.
LOCALES = {"ja": "ja-JP", "en": "en-GB"}

# URL paths of the registered pages, in navigation order; the first is served at "/".
PAGE_PATHS = [url for _, _, url, _ in ui.PAGES]
# The page the tests that break something on purpose break: any page would do; the
# last (About) draws no chart, so it opens fastest.
SAMPLE_PAGE = PAGE_PATHS[-1]

FINISHED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAIN_AREA = '[data-testid="stMain"]'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
LOAD_TIMEOUT_MS = 60_000
ELEMENT_TIMEOUT_MS = 30_000
MAX_SCREENSHOT_HEIGHT = 16_000

# axe-core takes seconds a run: at a wide and a narrow size, where layouts differ.
AXE_SIZES = ("laptop", "phone")
# axe-core findings that come from Streamlit's own chrome, not from the project's
# content, each excluded by its rule and the element it is found in, with the reason.
# None today: the one finding so far (the selected language's contrast) came from
# the theme's accent colour, and was fixed in .streamlit/config.toml.
AXE_EXCLUSIONS: list[dict[str, str]] = []


def page_url(origin: str, url_path: str, lang: str) -> str:
    """The address a visitor opens for the page in `lang` (Japanese needs no flag)."""
    path = "" if url_path == PAGE_PATHS[0] else url_path
    return f"{origin}/{path}" + ("?lang=en" if lang == "en" else "")


def is_own_request(url: str, port: int) -> bool:
    """Whether `url` stays inside the browser or goes to the app's own address."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return True
    return (
        parts.scheme in ("http", "ws")
        and parts.hostname == "127.0.0.1"
        and parts.port == port
    )


@dataclass
class Visit:
    """One page in a fresh browser context, with everything it requested and logged."""

    context: BrowserContext
    page: Page
    origin: str
    port: int
    requests: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def record(self) -> None:
        """Listen to every request (pages, workers, sockets) and every error."""
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page.on("websocket", lambda socket: self.requests.append(socket.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        # Nothing may leave the machine even when a test is about to fail for it.
        self.context.route(
            lambda url: not is_own_request(url, self.port),
            lambda route: route.abort("blockedbyclient"),
        )

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def open(self, url_path: str, lang: str) -> None:
        """Open the page and wait until its script has finished running."""
        self.page.goto(page_url(self.origin, url_path, lang))
        self.page.wait_for_selector(FINISHED, timeout=LOAD_TIMEOUT_MS)

    def main_area(self) -> Locator:
        """Streamlit's main area: the page's own content, without the sidebar."""
        return self.page.locator(MAIN_AREA)

    def outside_requests(self) -> list[str]:
        """Every request to anywhere but the app's own loopback address."""
        return [url for url in self.requests if not is_own_request(url, self.port)]

    def console_problems(self, url_path: str) -> list[str]:
        """Console errors and uncaught exceptions, without Streamlit's harmless 404s.

        Opening a page's URL directly makes Streamlit's client ask for
        `/<page>/_stcore/health` and `/<page>/_stcore/host-config` first; those two
        404s are expected (STACK-NOTES) and nothing else is.
        """
        harmless = re.compile(
            re.escape(f"{self.origin}/{url_path}/_stcore/") + r"(health|host-config)"
        )
        problems = [
            f"console error: {text} ({url})"
            for text, url in self.console_errors
            if not (
                harmless.fullmatch(url)
                and text.startswith("Failed to load resource")
                and "404" in text
            )
        ]
        return problems + [f"uncaught exception: {error}" for error in self.page_errors]

    def error_elements(self) -> list[str]:
        """The text of every exception or error box shown on the page."""
        return [
            "error shown: " + " ".join(text.split())
            for text in self.page.locator(ERRORS).all_inner_texts()
        ]


# Every element of the main area that reaches past its right edge or is clipped
# sideways by a parent, and every mark of an SVG chart drawn outside its SVG (an SVG
# clips what it draws outside itself). Elements inside something that scrolls
# sideways (a wide table) can be scrolled to and are not cut off.
_OVERFLOW_JS = """
(main) => {
  const describe = (el) => {
    const owner = el.closest('[data-testid]');
    const id = owner ? owner.getAttribute('data-testid') : '';
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}> in ${id}` + (text ? ` "${text}"` : '');
  };
  const shown = (el) => el.checkVisibility({opacityProperty: true,
                                            visibilityProperty: true});
  const problems = [];
  const box = main.getBoundingClientRect();
  const left = box.left, right = box.left + main.clientWidth;
  if (main.scrollWidth > main.clientWidth + 1) {
    problems.push(`the main area scrolls sideways: ${main.scrollWidth}px of content ` +
                  `in ${main.clientWidth}px`);
  }
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || !shown(el)) continue;  // hidden helpers
    let clip = null, scrolls = false;
    for (let a = el.parentElement; a && a !== main; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') { scrolls = true; break; }
      if (!clip && (overflow === 'hidden' || overflow === 'clip')) clip = a;
    }
    if (scrolls) continue;
    if (r.left < left - 1 || r.right > right + 1) {
      const [a, b] = [Math.round(r.left), Math.round(r.right)];
      problems.push(`${describe(el)} spans ${a}..${b}px, outside the ` +
                    `${Math.round(left)}..${Math.round(right)}px visible`);
    } else if (clip) {
      const c = clip.getBoundingClientRect();
      if (r.left < c.left - 1 || r.right > c.right + 1) {
        problems.push(`${describe(el)} is cut off sideways by its parent ` +
                      `${describe(clip)}`);
      }
    }
  }
  for (const svg of main.querySelectorAll('svg')) {
    const s = svg.getBoundingClientRect();
    if (s.width < 2 || !shown(svg)) continue;
    for (const mark of svg.querySelectorAll('text, path, rect, line, circle, image')) {
      const r = mark.getBoundingClientRect();
      if ((r.width < 1 && r.height < 1) || !shown(mark)) continue;
      // A text's box is its font's line height, taller than its letters (a lot
      // taller for Japanese fonts): allow for that, not for a cut-off letter.
      const slack = mark.tagName === 'text' ?
        0.45 * parseFloat(getComputedStyle(mark).fontSize) : 1;
      if (r.left < s.left - slack || r.right > s.right + slack ||
          r.top < s.top - slack || r.bottom > s.bottom + slack) {
        const [a, b] = [Math.round(r.left), Math.round(r.right)];
        problems.push(`${describe(mark)} is drawn outside its chart (${a}..${b}` +
                      `px across, the chart ${Math.round(s.left)}..` +
                      `${Math.round(s.right)}px): cut off`);
      }
    }
  }
  return problems;
}
"""


# What the main area's charts have drawn so far: each chart's marks and size.
_CHARTS_DRAWN_JS = """
(main) => [...main.querySelectorAll('[data-testid="stVegaLiteChart"]')].map((c) => {
  const r = c.getBoundingClientRect();
  return `${c.querySelectorAll('svg *, canvas').length}:` +
         `${Math.round(r.width)}x${Math.round(r.height)}`;
}).join(' ')
"""
CHART_POLL_MS = 250


def wait_for_charts(visit: Visit) -> None:
    """Until the main area's charts have drawn and stay as drawn for half a second.

    Vega draws after the script has finished, and again when its box is resized;
    measuring before that would miss a label drawn off its chart.
    """
    page, drawn, same = visit.page, None, 0
    for _ in range(ELEMENT_TIMEOUT_MS // CHART_POLL_MS):
        now = visit.main_area().evaluate(_CHARTS_DRAWN_JS)
        same = same + 1 if now == drawn else 0
        if same >= 2:
            return
        drawn = now
        page.wait_for_timeout(CHART_POLL_MS)


def overflow_problems(visit: Visit) -> list[str]:
    """What on the page is wider than the screen or cut off sideways."""
    problems = visit.main_area().evaluate(_OVERFLOW_JS)
    if len(problems) > 12:  # one cause usually repeats; the first ones name it
        problems = [*problems[:12], f"... and {len(problems) - 12} more"]
    return problems


_IN_VIEW_JS = """
(el) => {
  const r = el.getBoundingClientRect();
  const x = (Math.max(r.left, 0) + Math.min(r.right, innerWidth)) / 2;
  const y = (Math.max(r.top, 0) + Math.min(r.bottom, innerHeight)) / 2;
  const hit = document.elementFromPoint(x, y);
  const own = el.closest('[data-testid="stElementContainer"]') || el;
  const cover = hit && !own.contains(hit) ? hit.closest('[data-testid]') || hit : null;
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          width: innerWidth, height: innerHeight,
          coveredBy: cover && (cover.getAttribute('data-testid') || cover.tagName)};
}
"""


def in_view_problems(name: str, locator: Locator) -> list[str]:
    """Problems showing `locator` once scrolled to: outside the screen or covered."""
    locator.scroll_into_view_if_needed()
    box = locator.evaluate(_IN_VIEW_JS)
    problems = []
    if box["left"] < -1 or box["right"] > box["width"] + 1:
        problems.append(
            f"the {name} spans {box['left']:.0f}..{box['right']:.0f}px across, "
            f"outside the {box['width']}px wide screen"
        )
    if box["bottom"] <= 0 or box["top"] >= box["height"]:
        problems.append(f"the {name} cannot be scrolled into the screen")
    elif box["coveredBy"]:
        problems.append(f"the {name} is covered by {box['coveredBy']}")
    return problems


def _shared(a: dict, b: dict) -> tuple[float, float] | None:
    """How far two boxes cover each other across and down, if by more than 1px."""
    across = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    down = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return (across, down) if across > 1 and down > 1 else None


def overlap_problems(title: dict | None, main: dict | None) -> list[str]:
    """A problem if the title's box and the main element's box cover each other."""
    if title is None or main is None:
        return ["the title or the main element has no box on the page"]
    shared = _shared(title, main)
    if shared:
        return [
            f"the title overlaps the main element by {shared[0]:.0f}x{shared[1]:.0f}px"
        ]
    return []


def boxes_overlap_problems(boxes: list[dict]) -> list[str]:
    """A problem for every two boxes (each with a `name`) that cover each other."""
    problems = []
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            shared = _shared(a, b)
            if shared:
                problems.append(
                    f"{a['name']} and {b['name']} overlap by "
                    f"{shared[0]:.0f}x{shared[1]:.0f}px"
                )
    return problems


# The box of every element Streamlit draws in the main area (a title, a metric, a
# caption, a chart, a button...): each sits in its own element container, and two
# containers never share any space unless something is drawn over something else.
# Hidden and empty ones (a style tag, a hidden button) are left out; a container
# inside another (never the case today) would be measured with the outer one only.
_CONTAINERS_JS = """
(main) => {
  const all = [...main.querySelectorAll('[data-testid="stElementContainer"]')];
  const outer = all.filter((el) => !all.some((o) => o !== el && o.contains(el)));
  const boxes = [];
  for (const el of outer) {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) {
      continue;
    }
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) continue;
    const inner = el.querySelector('[data-testid]');
    const key = [...el.classList].find((c) => c.startsWith('st-key-'));
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
    boxes.push({
      name: (inner ? inner.getAttribute('data-testid') : 'element') +
            (key ? ` .${key}` : '') + (text ? ` "${text}"` : ''),
      x: r.left, y: r.top, width: r.width, height: r.height,
    });
  }
  return boxes;
}
"""


def layout_overlap_problems(visit: Visit) -> list[str]:
    """Elements of the main area (metrics, captions, charts, controls) drawn over
    one another."""
    problems = boxes_overlap_problems(visit.main_area().evaluate(_CONTAINERS_JS))
    if len(problems) > 12:  # one cause usually repeats; the first ones name it
        problems = [*problems[:12], f"... and {len(problems) - 12} more"]
    return problems


# Every Japanese text on the page, grouped by the font it is set in; each character
# drawn alone in that font. A character no installed font has comes out as the
# missing-glyph box, the same image as U+0378 (a code point no font has), so tofu
# shows up as characters drawn like U+0378, drawn blank, or drawn like each other.
_GLYPHS_JS = """
(root) => {
  const japanese = /[\\u3040-\\u30ff\\u3400-\\u9fff\\uff01-\\uff5e]/g;
  const fonts = new Map();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const chars = node.data.match(japanese);
    const el = node.parentElement;
    if (!chars || !el || !el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    const font = `${style.fontStyle} ${style.fontWeight} 40px ${style.fontFamily}`;
    if (!fonts.has(font)) fonts.set(font, new Set());
    for (const c of chars) if (fonts.get(font).size < 40) fonts.get(font).add(c);
  }
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, c) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = font; ctx.fillStyle = '#000';
    ctx.fillText(c, 2, 40);
    const pixels = ctx.getImageData(0, 0, 48, 48).data;
    let image = '';
    for (let i = 3; i < pixels.length; i += 4) image += pixels[i] > 127 ? '1' : '0';
    return image;
  };
  return [...fonts].map(([font, set]) => {
    const chars = [...set];
    const missing = draw(font, '\\u0378');
    const images = chars.map((c) => draw(font, c));
    const count = new Map();
    images.forEach((image) => count.set(image, (count.get(image) || 0) + 1));
    return {
      font, chars: chars.join(''),
      asMissing: chars.filter((c, i) => images[i] === missing).join(''),
      blank: chars.filter((c, i) => !images[i].includes('1')).join(''),
      alike: chars.filter((c, i) => count.get(images[i]) > 1).join(''),
    };
  });
}
"""


def tofu_problems(page: Page, *, japanese_page: bool = True) -> list[str]:
    """Problems if Japanese on the page renders as boxes or blanks, in any font.

    A Japanese page must show enough Japanese to check; an English one is checked
    in whatever Japanese it shows (place names, 定住自立圏, the language switch).
    """
    fonts = page.locator("body").evaluate(_GLYPHS_JS)
    if japanese_page and sum(len(font["chars"]) for font in fonts) < 2:
        return ["the page shows too little Japanese to check its fonts"]
    problems = []
    for font in fonts:
        name, chars = font["font"], font["chars"]
        if font["asMissing"]:
            problems.append(
                f"{font['asMissing']!r} render as the missing-glyph box in {name}"
            )
        if font["blank"]:
            problems.append(f"{font['blank']!r} render as nothing in {name}")
        # A few look-alikes (ロ and 口) are normal; most characters alike is tofu.
        if len(chars) >= 2 and 2 * len(font["alike"]) > len(chars):
            problems.append(
                f"{font['alike']!r} of {chars!r} render as the same image in {name}"
            )
    return problems


_AXE_JS = """
async (exclusions) => {
  const result = await axe.run(document, {elementRef: true,
                                          resultTypes: ['violations']});
  const found = [];
  for (const rule of result.violations) {
    for (const node of rule.nodes) {
      const impact = node.impact || rule.impact;
      if (impact !== 'serious' && impact !== 'critical') continue;
      const el = node.element;
      if (exclusions.some((x) => x.rule === rule.id && el && el.closest(x.within))) {
        continue;
      }
      found.push(`${impact} ${rule.id} (${rule.help}) at ${node.target.join(' ')}: ` +
                 node.html.slice(0, 160) + '\\n    ' +
                 (node.failureSummary || '').replace(/\\n/g, ' '));
    }
  }
  return found;
}
"""


def axe_problems(page: Page, exclusions: list[dict[str, str]]) -> list[str]:
    """Serious and critical axe-core findings on the page, minus the `exclusions`
    (each a rule id and a CSS selector of the element it may be found in)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        _AXE_JS, [{"rule": x["rule"], "within": x["within"]} for x in exclusions]
    )


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

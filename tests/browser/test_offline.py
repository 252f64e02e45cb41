"""The offline guarantee can fail: requests to anywhere but the app are caught.

`test_pages` asserts that no page asks any host but the app's own loopback address;
here a page is made to ask outside hosts in every way a map, CDN or telemetry might
(fetch, image, stylesheet, worker, WebSocket) and each one must be caught.
"""

import pytest
from harness import SAMPLE_PAGE, is_own_request

pytestmark = pytest.mark.browser

PORT = 8765


@pytest.mark.parametrize(
    ("url", "own"),
    [
        (f"http://127.0.0.1:{PORT}/", True),
        (f"http://127.0.0.1:{PORT}/static/js/index.js?v=1", True),
        (f"ws://127.0.0.1:{PORT}/_stcore/stream", True),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        (f"blob:http://127.0.0.1:{PORT}/0b7a4c1e-5d2f-4f43-9a0e-2c4a1f7e9b10", True),
        (f"http://127.0.0.1:{PORT + 1}/", False),
        (f"http://localhost:{PORT}/", False),
        (f"https://127.0.0.1:{PORT}/", False),
        (f"http://[::1]:{PORT}/", False),
        ("https://tile.openstreetmap.org/5/28/12.png", False),
        ("https://fonts.googleapis.com/css2?family=Noto+Sans+JP", False),
        ("wss://telemetry.example.org/", False),
    ],
)
def test_own_requests_are_told_apart(url: str, own: bool) -> None:
    """Only the app's own address (and data:, blob:) counts as staying home."""
    assert is_own_request(url, PORT) is own


OUTSIDE = """async () => {
  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  fetch('https://cdn.example.com/lib.js').catch(() => {});
  const image = new Image();
  image.src = 'https://tiles.example.org/5/28/12.png';
  document.body.appendChild(image);
  const sheet = document.createElement('link');
  sheet.rel = 'stylesheet';
  sheet.href = 'https://fonts.example.net/css?family=Noto';
  document.head.appendChild(sheet);
  const code = "fetch('https://worker.example.com/ping').catch(() => {})";
  new Worker(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})));
  const socket = new WebSocket('wss://telemetry.example.org/');
  socket.onerror = () => {};
  fetch('http://192.0.2.1/direct-address').catch(() => {});
  await wait(1500);
}"""

CAUGHT_HOSTS = {
    "cdn.example.com",
    "tiles.example.org",
    "fonts.example.net",
    "worker.example.com",
    "telemetry.example.org",
    "192.0.2.1",
}


def test_outside_requests_are_caught(visit) -> None:
    """Every kind of outside request a page can make is recorded as one."""
    opened = visit(SAMPLE_PAGE, "en")
    assert opened.outside_requests() == []
    opened.page.evaluate(OUTSIDE)
    caught = {url.split("/")[2] for url in opened.outside_requests()}
    assert caught == CAUGHT_HOSTS

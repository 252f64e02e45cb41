"""A light Streamlit session: Streamlit's own WebSocket protocol, without a browser.

A seminar's 30 browsers run on 30 laptops, not on the server; driving 30 Chromium
pages on the 2-core server would measure Chromium drawing charts instead of the
app. A `Session` asks for a page as the browser does (a `rerun_script` message with
the page's script hash) and counts it done when the server says the script finished.
It renders nothing, so its latency is the server's share of a page switch: waiting
for a core, running the script, serializing and sending every element, and parsing
them here — not the browser drawing them.
"""

import asyncio
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

# A page that has not finished by then counts as an error, not as a slow page.
PAGE_TIMEOUT = 30.0


class SessionError(RuntimeError):
    """A page that did not arrive: closed connection, timeout, exception, error box."""


@dataclass
class Run:
    """One page as received: how long it took, what it sent, what went wrong."""

    url_path: str
    seconds: float
    received_bytes: int
    errors: list[str] = field(default_factory=list)


class Session:
    """One user's session on a Streamlit server at `base_url` (http://host:port/)."""

    def __init__(self, base_url: str, query: str = "", cookie: str = "") -> None:
        self.base_url = base_url
        self.query = query
        self.cookie = cookie
        self.pages: dict[str, str] = {}  # URL path -> page script hash
        self._socket: ClientConnection | None = None

    async def __aenter__(self) -> "Session":
        host = self.base_url.split("//", 1)[1].rstrip("/")
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self._socket = await connect(
            self.base_url.replace("http", "ws", 1) + "_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://{host}",
            additional_headers=headers,
            max_size=None,
            # Browsers offer permessage-deflate; the server uses it only when
            # server.enableWebsocketCompression is on.
            compression="deflate",
            open_timeout=PAGE_TIMEOUT,
            ping_interval=None,
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def open(self, url_path: str = "") -> Run:
        """Open the page at `url_path` ("" for the landing page) as a typed URL does."""
        return await self._rerun(url_path, page_name=url_path)

    async def switch(self, url_path: str) -> Run:
        """Go to another page as the navigation does (the pages are known by then)."""
        return await self._rerun(url_path, page_script_hash=self.pages[url_path])

    async def _rerun(
        self, url_path: str, page_name: str = "", page_script_hash: str = ""
    ) -> Run:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = page_name
        state.page_script_hash = page_script_hash
        state.context_info.timezone = "Asia/Tokyo"
        state.context_info.timezone_offset = -540
        state.context_info.locale = "ja-JP"
        state.context_info.url = self.base_url + url_path
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        run = Run(url_path, 0.0, 0)
        try:
            await asyncio.wait_for(self._receive(run), PAGE_TIMEOUT)
        except TimeoutError:
            run.errors.append(f"no answer within {PAGE_TIMEOUT:.0f} s")
        except Exception as error:  # a closed connection is an error of this run
            run.errors.append(f"{type(error).__name__}: {error}")
        run.seconds = time.perf_counter() - started
        return run

    async def _receive(self, run: Run) -> None:
        while True:
            payload = await self._socket.recv()
            run.received_bytes += len(payload)
            message = ForwardMsg()
            message.ParseFromString(payload)
            kind = message.WhichOneof("type")
            if kind == "navigation":
                self.pages = {
                    page.url_pathname: page.page_script_hash
                    for page in message.navigation.app_pages
                }
            elif kind == "delta":
                run.errors.extend(_element_errors(message))
            elif kind == "session_event":
                event = message.session_event.WhichOneof("type")
                if event == "script_compilation_exception":
                    run.errors.append("script did not compile")
            elif kind == "script_finished":
                status = message.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    run.errors.append(f"script finished with status {status}")
                return


def _element_errors(message: ForwardMsg) -> list[str]:
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        return [f"exception: {element.exception.message[:200]}"]
    if kind == "alert" and element.alert.format == Alert.ERROR:
        return [f"error box: {element.alert.body[:200]}"]
    return []


def route_cookie(set_cookie_headers: list[str]) -> str:
    """The `Cookie` header a browser would send back after these `Set-Cookie`s."""
    jar = SimpleCookie()
    for header in set_cookie_headers:
        jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())

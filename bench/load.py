"""Many sessions at once: server memory as they open, latency as they switch pages."""

import asyncio
import contextlib
import gc
import random
import time
import urllib.request
from dataclasses import dataclass, field

from bench import server
from bench.client import Run, Session, route_cookie

# A seminar attendee reads a page before switching: seconds between two switches.
THINK_SECONDS = (0.5, 2.5)
# Memory is read this long after the last session opened, once the server is idle.
SETTLE_SECONDS = 2.0


@dataclass
class LoadResult:
    """Every page a load test asked for, with its latency and errors."""

    sessions: int
    seconds: float
    first: list[Run] = field(default_factory=list)  # each session's landing page
    switches: list[Run] = field(default_factory=list)
    failed_sessions: list[str] = field(default_factory=list)
    client_cpu_seconds: float = 0.0

    @property
    def errors(self) -> list[str]:
        """Every error of every page and session, in the order they happened."""
        runs = self.first + self.switches
        return [e for run in runs for e in run.errors] + self.failed_sessions


def cookie_for(base_url: str) -> str:
    """The cookies a browser gets on its first visit (the proxy's sticky route)."""
    with urllib.request.urlopen(base_url, timeout=30) as response:
        return route_cookie(response.headers.get_all("Set-Cookie") or [])


def memory_by_sessions(
    base_url: str, pid: int, counts: tuple[int, ...], settle: float = SETTLE_SECONDS
) -> tuple[dict[int, dict[str, int]], list[str]]:
    """Server memory once `counts[i]` sessions are open on the landing page.

    Sessions are added to the ones already open, a few at a time; the errors of
    their pages are returned with the memory by count.
    """

    async def measure() -> tuple[dict[int, dict[str, int]], list[str]]:
        sizes, errors = {}, []
        async with contextlib.AsyncExitStack() as stack:
            opened = 0
            for count in sorted(counts):
                # A few at a time: the point is memory, not a rush.
                while opened < count:
                    batch = min(count - opened, 5)
                    sessions = [
                        await stack.enter_async_context(Session(base_url))
                        for _ in range(batch)
                    ]
                    runs = await asyncio.gather(*(s.open("") for s in sessions))
                    errors.extend(e for run in runs for e in run.errors)
                    opened += batch
                await asyncio.sleep(settle)
                sizes[count] = server.memory(pid)
        return sizes, errors

    return asyncio.run(measure())


def switching_load(
    base_url: str,
    sessions: int,
    seconds: float,
    *,
    sticky: bool = False,
    seed: int = 0,
) -> LoadResult:
    """`sessions` users open the app at once, then switch pages until `seconds` pass.

    Each user waits THINK_SECONDS between switches and picks another page at random
    (the empty app, with one page, is rerun instead). With `sticky`, each first gets
    the proxy's cookie as a browser would. The run stops by itself: no new switch
    starts after the deadline, and a page that does not come counts as an error
    after `client.PAGE_TIMEOUT`.
    """
    result = LoadResult(sessions, seconds)

    async def user(number: int, deadline: float) -> None:
        rng = random.Random(seed * 1000 + number)
        try:
            cookie = await asyncio.to_thread(cookie_for, base_url) if sticky else ""
            async with Session(base_url, cookie=cookie) as session:
                run = await session.open("")
                result.first.append(run)
                current = ""
                while not run.errors:
                    await asyncio.sleep(rng.uniform(*THINK_SECONDS))
                    if time.monotonic() >= deadline:
                        break
                    others = [p for p in session.pages if p != current]
                    if others:
                        current = rng.choice(others)
                        run = await session.switch(current)
                    else:
                        run = await session.open("")
                    result.switches.append(run)
        except Exception as error:  # a session that could not even connect
            result.failed_sessions.append(f"session {number}: {error!r}")

    async def everyone() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(user(n, deadline) for n in range(sessions)))

    gc.collect()
    cpu = time.process_time()
    asyncio.run(everyone())
    result.client_cpu_seconds = time.process_time() - cpu
    return result


# Between two timed reruns, as between two clicks. Back to back, each rerun waited
# about 40 ms for TCP's delayed acknowledgement of the one before (the empty app
# took 44 ms instead of 3), which is the benchmark's doing, not the server's.
ROUND_TRIP_PAUSE = 0.1


def round_trips(base_url: str, url_paths: list[str], reruns: int) -> dict[str, list]:
    """Seconds from asking for a rerun to 'script finished', per page, as served.

    One session opens each page of `url_paths` ("" for the landing page, and for
    the empty app's only page) and reruns it `reruns` times after a first, warming
    run, a moment apart: the server's whole share of a rerun (the request, the
    script, serialising and sending its elements), which the script time alone
    leaves out. A page run with an error raises: its time would not be the page's.
    """

    async def measure() -> dict[str, list[float]]:
        times: dict[str, list[float]] = {}
        async with Session(base_url) as session:
            await session.open("")
            for url_path in url_paths:
                runs = []
                for _ in range(reruns + 1):
                    await asyncio.sleep(ROUND_TRIP_PAUSE)
                    run = await (
                        session.switch(url_path)
                        if url_path in session.pages
                        else session.open(url_path)
                    )
                    if run.errors:
                        raise RuntimeError(f"{url_path or 'landing'}: {run.errors}")
                    runs.append(run.seconds)
                times[url_path] = runs[1:]
        return times

    return asyncio.run(measure())

"""Starting and stopping the servers under test on loopback; their memory."""

import contextlib
import http.client
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent
APP = PROJECT_DIR / "app.py"
EMPTY_APP = PROJECT_DIR / "bench" / "empty_app.py"
STREAMLIT = Path(sys.executable).parent / "streamlit"
HOST = "127.0.0.1"
# A server that has not answered its health check by then is broken, not slow.
START_TIMEOUT = 60.0
# How often the health check is tried while a server starts: small next to the
# ~1.5 s a start takes, and the same for the app and the empty app.
POLL_SECONDS = 0.02


@dataclass
class Server:
    """A running Streamlit server: its process and where it listens."""

    process: subprocess.Popen
    port: int
    started: float  # time.perf_counter() just before the process was created

    @property
    def url(self) -> str:
        """The server's base URL, with a trailing slash."""
        return f"http://{HOST}:{self.port}/"

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid


def streamlit_command(script: Path, port: int, *options: str) -> list[str]:
    """The command line that serves `script` on loopback port `port`."""
    return [
        str(STREAMLIT),
        "run",
        str(script),
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--browser.serverAddress",
        HOST,
        "--browser.serverPort",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *options,
    ]


def healthy(port: int, timeout: float = 1.0) -> bool:
    """Whether a Streamlit server on `port` answers its health check."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", "/_stcore/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def port_free(port: int) -> bool:
    """Whether nothing answers on loopback `port`."""
    connection = http.client.HTTPConnection(HOST, port, timeout=0.5)
    try:
        connection.connect()
        return False
    except OSError:
        return True
    finally:
        connection.close()


def free_ports(count: int) -> tuple[int, ...]:
    """`count` loopback ports nothing listens on now, as the system hands them out."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((HOST, 0))
            sockets.append(sock)
        return tuple(sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


def wait_healthy(server: Server) -> float:
    """Wait until `server` answers; the seconds since its process was created."""
    deadline = time.perf_counter() + START_TIMEOUT
    while not healthy(server.port, timeout=0.5):
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit on port {server.port} exited at start")
        if time.perf_counter() > deadline:
            raise TimeoutError(f"streamlit on port {server.port} did not start")
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - server.started


@contextlib.contextmanager
def serve(
    script: Path, port: int, *options: str, wait: bool = True, env: dict | None = None
) -> Iterator[Server]:
    """Serve `script` on `port` for the duration of the block, then stop it.

    With `wait=False` the block starts right after the process does (cold start
    measures from there).
    """
    if not port_free(port):
        raise RuntimeError(f"port {port} is already in use")
    # The log goes to a file: a pipe nobody reads would fill up and stall the server.
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            streamlit_command(script, port, *options),
            cwd=PROJECT_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        server = Server(process, port, started)
        try:
            if wait:
                wait_healthy(server)
            yield server
        finally:
            stop(process)
            log.seek(0)
            text = log.read()
            if "Traceback" in text:
                logger.warning("server on port %s logged an error:\n%s", port, text)


def stop(process: subprocess.Popen) -> None:
    """Stop a process started here: politely first, then for good."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def memory(pid: int) -> dict[str, int]:
    """The process's resident (RSS) and proportional (PSS) memory, in bytes."""
    sizes = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                sizes[name.lower()] = int(rest.split()[0]) * 1024
    return sizes

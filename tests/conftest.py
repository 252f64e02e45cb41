"""Shared fixtures: a private copy of the data folder that a test may break."""

import hashlib
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from kigyojin import data
from kigyojin.paths import PROJECT_DIR


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of `data/` that the package reads instead of the shipped one."""
    target = tmp_path / "data"
    shutil.copytree(PROJECT_DIR / "data", target)
    monkeypatch.setenv("KIGYOJIN_DATA_DIR", str(target))
    data._load.cache_clear()
    yield target
    data._load.cache_clear()


def _fingerprint(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file under `folder` by relative path, hidden ones and
    (as "folder") every subfolder too, so a new empty folder also shows."""
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest()
            if path.is_file()
            else "folder"
        )
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def fingerprint():
    """A function giving the hash of every file and folder under a folder."""
    return _fingerprint


@pytest.fixture
def unchanged(data_copy: Path):
    """Asserts on exit that the data copy is byte-for-byte what it was on entry."""

    @contextmanager
    def check():
        before = _fingerprint(data_copy)
        yield
        assert _fingerprint(data_copy) == before

    return check

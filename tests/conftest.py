"""Shared fixtures: a private copy of the data folder that a test may break."""

import shutil
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

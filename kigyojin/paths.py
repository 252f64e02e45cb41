"""Where the shipped data lives.

`KIGYOJIN_DATA_DIR` points the whole package at another folder (tests use it to load
deliberately broken copies); otherwise the `data/` folder beside the package is used.
"""

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Return the folder the data files are read from."""
    override = os.environ.get("KIGYOJIN_DATA_DIR")
    return Path(override) if override else PROJECT_DIR / "data"

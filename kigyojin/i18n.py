"""The UI text catalog: Japanese first, English complete.

All text shown to a user lives in `kigyojin/catalog/*.toml`, one file per area of
the app, each entry a table with `ja` and `en`. A key is `file.entry`, e.g.
`overview.title`. Parameters use `str.format` fields.
"""

import logging
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"
CATALOG_DIR = Path(__file__).resolve().parent / "catalog"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every entry of the catalog, keyed `area.entry`."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOG_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            for entry, texts in tomllib.load(handle).items():
                entries[f"{path.stem}.{entry}"] = texts
    return entries


def normalize_language(lang: str | None) -> str:
    """A supported language code; anything else falls back to Japanese."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The text of `key` in `lang`, with `params` filled in."""
    texts = catalog().get(key)
    if texts is None:
        logger.warning("missing catalog key %s", key)
        return key
    text = texts.get(normalize_language(lang)) or texts[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text


class Translator:
    """`t("overview.title")` bound to one language, as pages use it."""

    def __init__(self, lang: str) -> None:
        self.lang = normalize_language(lang)

    def __call__(self, key: str, **params: Any) -> str:
        return translate(key, self.lang, **params)


def label(value: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The display name of a value from the data, or the value itself if none."""
    texts = catalog().get(f"values.{value}")
    if texts is None:
        return value
    return texts.get(normalize_language(lang)) or texts[DEFAULT_LANGUAGE]
